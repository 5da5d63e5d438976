package ai.thinkheads.phoenix.testkit.model;

import java.time.Duration;
import java.util.Objects;

/**
 * A fault to inject into the next task a {@link PveCluster} starts (optionally only the next task of
 * one type, e.g. {@code qmclone}): fail it with an error text, end it with warnings, and/or make it
 * take longer. A failing task does none of its work, as if its worker died first.
 *
 * @param taskType the UPID type it applies to ({@code qmstart}...), or null for any task
 * @param error the exit status to fail with, or null to let the task run
 * @param warnings how many {@code WARN:} lines to add (ending with {@code WARNINGS: n}); 0 for none
 * @param extraDuration added to the task's duration
 */
public record TaskFault(String taskType, String error, int warnings, Duration extraDuration) {

    public TaskFault {
        Objects.requireNonNull(extraDuration, "extraDuration");
        if (warnings < 0 || extraDuration.isNegative()) {
            throw new IllegalArgumentException("warnings and extra duration must not be negative");
        }
        if (error != null && (error.isBlank() || error.equals("OK") || error.startsWith("WARNINGS: "))) {
            throw new IllegalArgumentException("not an error exit status: '" + error + "'");
        }
    }

    public static TaskFault failWith(String error) {
        return new TaskFault(null, Objects.requireNonNull(error, "error"), 0, Duration.ZERO);
    }

    public static TaskFault warnings(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("at least one warning");
        }
        return new TaskFault(null, null, count, Duration.ZERO);
    }

    public static TaskFault slower(Duration extra) {
        return new TaskFault(null, null, 0, extra);
    }

    /** The same fault, only for tasks of {@code type}. */
    public TaskFault onlyFor(String type) {
        return new TaskFault(Objects.requireNonNull(type, "type"), error, warnings, extraDuration);
    }

    boolean appliesTo(String type) {
        return taskType == null || taskType.equals(type);
    }
}
