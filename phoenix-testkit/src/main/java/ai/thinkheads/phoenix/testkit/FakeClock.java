package ai.thinkheads.phoenix.testkit;

import ai.thinkheads.phoenix.hypervisor.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Virtual time for tests: {@link #now()} only moves when someone {@link #sleep sleeps} or
 * {@link #advance advances} it, so nothing in a test waits for real. Thread-safe: every reading and
 * every move is atomic, and time never goes backwards.
 *
 * <p>Hand it to {@link FakeHypervisor.Builder#clock} and to the code under test as its
 * {@link TimeSource}: polling {@code Task.await} then completes the fake's tasks by sleeping.
 */
public final class FakeClock implements TimeSource {

    /** Where a clock starts unless told otherwise: 2026-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private Instant now;

    public FakeClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    public FakeClock() {
        this(DEFAULT_START);
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    /** Advances virtual time by {@code duration} at once; throws if the thread is interrupted. */
    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while sleeping on a FakeClock");
        }
        advance(duration);
    }

    /** Moves the clock forward by {@code duration} (zero or negative: no change); returns the new time. */
    public synchronized Instant advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (!duration.isNegative()) {
            now = now.plus(duration);
        }
        return now;
    }

    /** Moves the clock forward to {@code instant}; an instant in the past is refused. */
    public synchronized void advanceTo(Instant instant) {
        Objects.requireNonNull(instant, "instant");
        if (instant.isBefore(now)) {
            throw new IllegalArgumentException("time never goes backwards: " + instant + " is before " + now);
        }
        now = instant;
    }

    @Override
    public synchronized String toString() {
        return "FakeClock[" + now + "]";
    }
}
