package ai.thinkheads.phoenix.hypervisor;

/**
 * The VM is not in a state that allows the operation: running when it must be stopped, a template
 * asked to start, a linked clone from a non-template, a disk asked to shrink, the guest agent not
 * running. The message is Proxmox's own (e.g. {@code VM 100 is running - destroy failed}).
 */
public class WrongStateException extends ConflictException {
    private static final long serialVersionUID = 1L;

    public WrongStateException(String message, String node, Integer vmid) {
        super(message, node, vmid);
    }
}
