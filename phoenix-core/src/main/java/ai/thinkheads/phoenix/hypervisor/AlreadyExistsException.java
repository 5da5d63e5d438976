package ai.thinkheads.phoenix.hypervisor;

/**
 * Creating something whose identity is taken, e.g. {@code VM 100 already exists} (qemu-server
 * {@code PVE::API2::Qemu} create_vm / clone_vm via {@code PVE::Cluster::check_vmid_unused}).
 */
public class AlreadyExistsException extends ConflictException {
    private static final long serialVersionUID = 1L;

    public AlreadyExistsException(String message, String node, Integer vmid) {
        super(message, node, vmid);
    }
}
