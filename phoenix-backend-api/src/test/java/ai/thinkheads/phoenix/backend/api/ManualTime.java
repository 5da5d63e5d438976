package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.hypervisor.TimeSource;
import java.time.Duration;
import java.time.Instant;

/** A clock that only moves when told to, or when something sleeps on it. */
final class ManualTime implements TimeSource {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized void sleep(Duration duration) {
        if (!duration.isNegative()) {
            now = now.plus(duration);
        }
    }

    synchronized void advance(Duration d) {
        now = now.plus(d);
    }
}
