package ai.thinkheads.phoenix;

/**
 * Root of every exception Phoenix throws. All are unchecked; each subclass is named for what
 * happened and carries the facts a caller needs (VMID, node, UPID, parameter names) but never a
 * secret.
 */
public class PhoenixException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PhoenixException(String message) {
        super(message);
    }

    public PhoenixException(String message, Throwable cause) {
        super(message, cause);
    }
}
