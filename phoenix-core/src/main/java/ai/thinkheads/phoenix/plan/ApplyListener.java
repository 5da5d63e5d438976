package ai.thinkheads.phoenix.plan;

/**
 * Hears the progress of {@link Applier#apply}. Called from worker threads, possibly at the same
 * time for different VMs: implementations must be thread-safe and quick. An exception thrown here
 * is ignored.
 */
@FunctionalInterface
public interface ApplyListener {

    void onEvent(ApplyEvent event);

    /** A listener that ignores everything. */
    static ApplyListener none() {
        return event -> { };
    }
}
