package ai.thinkheads.phoenix.hypervisor;

import java.time.Duration;
import java.time.Instant;

/**
 * Where Phoenix reads the time and how it waits. The system one is wall-clock time and
 * {@link Thread#sleep}; test doubles (the testkit's fake clock) advance virtual time instead, so
 * no test sleeps for real.
 */
public interface TimeSource {

    Instant now();

    /** Waits for {@code duration}; a fake advances its clock instead. */
    void sleep(Duration duration) throws InterruptedException;

    /** Wall-clock time and real sleeping. */
    static TimeSource system() {
        return SystemTimeSource.INSTANCE;
    }
}

enum SystemTimeSource implements TimeSource {
    INSTANCE;

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (!duration.isNegative() && !duration.isZero()) {
            Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
        }
    }
}
