package ai.thinkheads.phoenix.hypervisor;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of {@code POST .../status/shutdown}: how long the guest gets to power off (ACPI or agent)
 * and whether to hard-stop it when the time runs out ({@code forceStop}).
 */
public record ShutdownOptions(Duration timeout, boolean forceStop) {

    public ShutdownOptions {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: must be positive");
        }
    }

    public static ShutdownOptions within(Duration timeout) {
        return new ShutdownOptions(timeout, false);
    }

    public ShutdownOptions orForceStop() {
        return new ShutdownOptions(timeout, true);
    }
}
