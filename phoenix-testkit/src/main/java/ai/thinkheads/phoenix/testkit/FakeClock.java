package ai.thinkheads.phoenix.testkit;

import ai.thinkheads.phoenix.hypervisor.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The fake's time. By default virtual: {@link #now()} only moves when someone {@link #sleep sleeps}
 * or {@link #advance advances} it, so nothing in a test waits for real. Thread-safe: every reading
 * and every move is atomic, and time never goes backwards.
 *
 * <p>Hand it to {@link FakeHypervisor.Builder#clock} and to the code under test as its
 * {@link TimeSource}: polling {@code Task.await} then completes the fake's tasks by sleeping.
 *
 * <p>{@link #wallClock()} makes a clock that follows real time instead ({@code sleep} really
 * sleeps; {@code advance} still jumps ahead): what a simulator serving real clients needs, since
 * those clients wait in real time.
 */
public final class FakeClock implements TimeSource {

    /** Where a clock starts unless told otherwise: 2026-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final boolean wall;
    private final long originNanos;
    private Instant now;

    private FakeClock(Instant start, boolean wall) {
        this.now = Objects.requireNonNull(start, "start");
        this.wall = wall;
        this.originNanos = System.nanoTime();
    }

    public FakeClock(Instant start) {
        this(start, false);
    }

    public FakeClock() {
        this(DEFAULT_START);
    }

    /** A clock that follows real time from now on (and can still be advanced by hand). */
    public static FakeClock wallClock() {
        return new FakeClock(Instant.now(), true);
    }

    /** Whether this clock follows real time. */
    public boolean followsWallClock() {
        return wall;
    }

    @Override
    public synchronized Instant now() {
        return wall ? now.plusNanos(System.nanoTime() - originNanos) : now;
    }

    /**
     * Virtual: advances the clock by {@code duration} at once. Wall clock: really sleeps. Throws if
     * the thread is interrupted.
     */
    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while sleeping on a FakeClock");
        }
        if (wall) {
            if (!duration.isNegative() && !duration.isZero()) {
                Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
            }
        } else {
            advance(duration);
        }
    }

    /** Moves the clock forward by {@code duration} (zero or negative: no change); returns the new time. */
    public synchronized Instant advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (!duration.isNegative()) {
            now = now.plus(duration);
        }
        return now();
    }

    /** Moves the clock forward to {@code instant}; an instant in the past is refused. */
    public synchronized void advanceTo(Instant instant) {
        Objects.requireNonNull(instant, "instant");
        Instant current = now();
        if (instant.isBefore(current)) {
            throw new IllegalArgumentException("time never goes backwards: " + instant + " is before " + current);
        }
        now = now.plus(Duration.between(current, instant));
    }

    @Override
    public synchronized String toString() {
        return "FakeClock[" + now() + (wall ? ", wall clock" : "") + "]";
    }
}
