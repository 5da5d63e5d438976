package ai.thinkheads.phoenix.hypervisor;

/**
 * The request is valid but clashes with the cluster's current state: the thing already exists, is
 * locked, or is in the wrong state for it. See the subclasses; this type itself is thrown for
 * conflicts that fit none of them.
 */
public class ConflictException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message, String node, Integer vmid) {
        super(message, node, vmid);
    }

    public ConflictException(String message, String node, Integer vmid, Throwable cause) {
        super(message, node, vmid, cause);
    }
}
