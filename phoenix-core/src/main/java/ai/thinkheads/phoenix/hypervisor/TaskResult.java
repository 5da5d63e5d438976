package ai.thinkheads.phoenix.hypervisor;

import java.util.List;
import java.util.Optional;

/**
 * How a successful task ended: {@code OK}, or {@code WARNINGS: n} with the warning lines from its
 * log. A failed task never becomes a result: it raises {@link TaskFailedException}.
 */
public record TaskResult(Upid upid, String exitStatus, int warnings, List<String> warningLines) {

    public TaskResult {
        if (!TaskStatus.isSuccess(exitStatus)) {
            throw new IllegalArgumentException("not a successful exit status: " + exitStatus);
        }
        warningLines = List.copyOf(warningLines);
    }

    public static TaskResult ok(Upid upid) {
        return new TaskResult(upid, "OK", 0, List.of());
    }

    public Optional<Upid> upidIfKnown() {
        return Optional.ofNullable(upid);
    }

    public boolean hasWarnings() {
        return warnings > 0;
    }
}
