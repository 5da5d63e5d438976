package ai.thinkheads.phoenix.feature;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A command a feature runs in the guest through the guest agent ({@code agent/exec}) once the VM is
 * up and cloud-init has finished; the step succeeds when the command exits 0 within its timeout.
 * Steps run in the order the features are declared; a failing step fails the VM's apply with the
 * command's exit code and the tail of its output.
 *
 * @param description what the step checks or does, for progress and errors
 * @param command program and arguments (no shell; use {@code sh -c} explicitly if you need one)
 * @param timeout how long it may run
 */
public record GuestStep(String description, List<String> command, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public GuestStep {
        Objects.requireNonNull(description, "description");
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("a guest step needs a command");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a guest step's timeout must be positive");
        }
    }

    /** A step with the default timeout (5 minutes). */
    public static GuestStep of(String description, String... command) {
        return new GuestStep(description, List.of(command), DEFAULT_TIMEOUT);
    }

    @Override
    public String toString() {
        return description + ": " + String.join(" ", command);
    }
}
