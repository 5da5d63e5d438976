package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.TransportException;
import java.time.Duration;

/**
 * A command ran past the per-command timeout. The channel was closed; the command may still be
 * running (or have finished) on the node, so its effect is unknown: {@link #requestSent()} is true.
 */
public class CommandTimeoutException extends TransportException {
    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    public CommandTimeoutException(String description, Duration timeout) {
        super(description + " did not finish within " + timeout + "; its effect on the node is unknown", true, null);
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }
}
