package ai.thinkheads.phoenix.hypervisor;

import java.time.Duration;
import java.util.Optional;

/**
 * Waiting for a task ran past its deadline. The task may well still be running on the node: the
 * UPID says which one to look at (or to wait for again).
 */
public class TaskTimeoutException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    private final Upid upid;
    private final Duration waited;

    public TaskTimeoutException(String node, Integer vmid, Upid upid, Duration waited) {
        super("gave up waiting for task after " + waited + "; it may still be running"
                + (upid == null ? "" : ": " + upid), node, vmid);
        this.upid = upid;
        this.waited = waited;
    }

    public Optional<Upid> upid() {
        return Optional.ofNullable(upid);
    }

    public Duration waited() {
        return waited;
    }
}
