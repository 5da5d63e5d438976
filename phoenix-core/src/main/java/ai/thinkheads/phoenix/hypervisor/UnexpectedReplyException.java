package ai.thinkheads.phoenix.hypervisor;

/**
 * Proxmox answered, but with something Phoenix cannot read: a reply of the wrong shape, a missing
 * field, a number that is not one. A version mismatch or a bug, never a refusal: Proxmox's
 * refusals have their own exceptions. The message names the reply ({@code cluster resources},
 * {@code task status}...) and what was wrong, never a value that could be a secret.
 */
public class UnexpectedReplyException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    public UnexpectedReplyException(String reply, String detail) {
        super("unexpected reply to " + reply + ": " + detail);
    }

    /** For subclasses that word their message themselves. */
    protected UnexpectedReplyException(String message) {
        super(message);
    }
}
