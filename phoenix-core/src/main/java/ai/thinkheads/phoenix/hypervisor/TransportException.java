package ai.thinkheads.phoenix.hypervisor;

/**
 * The request did not get a Proxmox answer: connection refused or reset, TLS or host-key refusal,
 * an I/O timeout, or a 595–599 pseudo-status from pveproxy failing to reach the target node.
 * {@link #requestSent()} tells whether the cluster may have acted on it, which decides whether
 * repeating it is safe.
 */
public class TransportException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    private final boolean requestSent;

    public TransportException(String message, boolean requestSent, Throwable cause) {
        super(message, null, null, cause);
        this.requestSent = requestSent;
    }

    public TransportException(String message, String node, Integer vmid, boolean requestSent, Throwable cause) {
        super(message, node, vmid, cause);
        this.requestSent = requestSent;
    }

    /** False when the failure happened before the request left, so no change can have been made. */
    public boolean requestSent() {
        return requestSent;
    }
}
