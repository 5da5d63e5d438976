package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.TransportException;

/**
 * A command printed more than the runner reads ({@link SshCommandRunner.Builder#maxOutputBytes});
 * the runner stopped reading there and closed the channel. The command ran (or was running), so
 * its effect is unknown: {@link #requestSent()} is true.
 */
public class OutputTooLargeException extends TransportException {
    private static final long serialVersionUID = 1L;

    private final long limit;

    public OutputTooLargeException(String description, String stream, long limit) {
        super(description + " printed more than " + limit + " bytes on " + stream
                + "; stopped reading there (SshCommandRunner.Builder.maxOutputBytes); its effect on the node is unknown",
                true, null);
        this.limit = limit;
    }

    /** The number of bytes read per stream at most. */
    public long limit() {
        return limit;
    }
}
