package ai.thinkheads.phoenix.hypervisor;

/**
 * The thing addressed does not exist: a VM, a node, a storage, a snapshot, a task. Thrown by every
 * primitive that addresses something by identity, except the {@code find...} methods, which
 * return {@link java.util.Optional#empty()} instead.
 *
 * <p>Proxmox says it as e.g. {@code Configuration file 'nodes/pve1/qemu-server/100.conf' does not
 * exist} (qemu-server {@code PVE::QemuConfig::load_config}); {@link #getMessage()} keeps that text.
 */
public class NotFoundException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message, String node, Integer vmid) {
        super(message, node, vmid);
    }

    public NotFoundException(String message, String node, Integer vmid, Throwable cause) {
        super(message, node, vmid, cause);
    }
}
