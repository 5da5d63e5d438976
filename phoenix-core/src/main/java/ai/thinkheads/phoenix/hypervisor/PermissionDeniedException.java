package ai.thinkheads.phoenix.hypervisor;

/** Authenticated, but not allowed (HTTP 403, {@code Permission check failed (/vms/100, VM.Allocate)}). */
public class PermissionDeniedException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    public PermissionDeniedException(String message, String node, Integer vmid) {
        super(message, node, vmid);
    }
}
