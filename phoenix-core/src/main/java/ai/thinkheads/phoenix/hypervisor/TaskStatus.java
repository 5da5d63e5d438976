package ai.thinkheads.phoenix.hypervisor;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reading of a task's state: running, or stopped with an exit status
 * ({@code GET /nodes/{node}/tasks/{upid}/status}).
 *
 * @param upid the task; null only for tasks a backend ran synchronously without learning the UPID
 * @param running true while the task runs
 * @param exitStatus {@code OK}, {@code WARNINGS: n} or the error text; null while running
 */
public record TaskStatus(Upid upid, boolean running, String exitStatus) {

    private static final Pattern WARNINGS = Pattern.compile("^WARNINGS: (\\d+)$");

    public TaskStatus {
        if (running && exitStatus != null) {
            throw new IllegalArgumentException("a running task has no exit status");
        }
        if (!running) {
            Objects.requireNonNull(exitStatus, "a stopped task has an exit status");
        }
    }

    public static TaskStatus running(Upid upid) {
        return new TaskStatus(upid, true, null);
    }

    public static TaskStatus stopped(Upid upid, String exitStatus) {
        return new TaskStatus(upid, false, exitStatus);
    }

    /** Stopped with {@code OK} or {@code WARNINGS: n} (pve-common {@code PVE::UPID::status_is_error}). */
    public boolean succeeded() {
        return !running && isSuccess(exitStatus);
    }

    /** Stopped with anything else. */
    public boolean failed() {
        return !running && !isSuccess(exitStatus);
    }

    /** The {@code n} of {@code WARNINGS: n}; 0 otherwise. */
    public int warnings() {
        if (exitStatus == null) {
            return 0;
        }
        Matcher m = WARNINGS.matcher(exitStatus);
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }

    public Optional<Upid> upidIfKnown() {
        return Optional.ofNullable(upid);
    }

    /** pve-common {@code PVE::UPID::status_is_error}, negated. */
    public static boolean isSuccess(String exitStatus) {
        return "OK".equals(exitStatus) || (exitStatus != null && WARNINGS.matcher(exitStatus).matches());
    }
}
