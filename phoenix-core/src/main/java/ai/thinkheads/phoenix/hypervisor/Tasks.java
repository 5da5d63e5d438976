package ai.thinkheads.phoenix.hypervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds {@link Task} handles. Waiting lives here, once, above every backend: a backend only
 * reports status and log lines through a {@link TaskTracker}.
 */
public final class Tasks {

    /** How many log lines a failure or a warning carries. */
    public static final int LOG_TAIL_LINES = 20;

    private static final Duration FIRST_POLL = Duration.ofMillis(50);
    private static final Duration MAX_POLL = Duration.ofSeconds(2);

    private Tasks() {
    }

    /** A task followed by polling {@code tracker}, with backoff from 50 ms to 2 s between reads. */
    public static Task polling(Upid upid, Integer vmid, TaskTracker tracker, TimeSource time) {
        return new PollingTask(upid, vmid, tracker, time);
    }

    /**
     * A task that has already ended, for backends whose commands run synchronously. A failed
     * {@code status} makes {@link Task#await} throw {@link TaskFailedException} with {@code log}.
     */
    public static Task completed(String node, Integer vmid, TaskStatus status, List<String> log) {
        if (status.running()) {
            throw new IllegalArgumentException("a completed task must be stopped");
        }
        return new CompletedTask(node, vmid, status, List.copyOf(log));
    }

    /** Turns a final status into a result, or the failure it stands for. */
    static TaskResult conclude(String node, Integer vmid, TaskStatus status, List<String> log) {
        if (status.failed()) {
            throw new TaskFailedException(node, vmid, status.upid(), status.exitStatus(), tail(log));
        }
        List<String> warningLines = status.warnings() == 0 ? List.of()
                : log.stream().filter(l -> l.startsWith("WARN")).toList();
        return new TaskResult(status.upid(), status.exitStatus(), status.warnings(), warningLines);
    }

    private static List<String> tail(List<String> log) {
        return log.size() <= LOG_TAIL_LINES ? log : log.subList(log.size() - LOG_TAIL_LINES, log.size());
    }

    private static final class PollingTask implements Task {
        private final Upid upid;
        private final Integer vmid;
        private final TaskTracker tracker;
        private final TimeSource time;

        PollingTask(Upid upid, Integer vmid, TaskTracker tracker, TimeSource time) {
            this.upid = Objects.requireNonNull(upid, "upid");
            this.vmid = vmid;
            this.tracker = Objects.requireNonNull(tracker, "tracker");
            this.time = Objects.requireNonNull(time, "time");
        }

        @Override
        public Optional<Upid> upid() {
            return Optional.of(upid);
        }

        @Override
        public String node() {
            return upid.node();
        }

        @Override
        public Integer vmid() {
            return vmid;
        }

        @Override
        public TaskStatus status() {
            return tracker.taskStatus(upid);
        }

        @Override
        public TaskResult await(Duration timeout) {
            Instant start = time.now();
            Instant deadline = start.plus(timeout);
            Duration pause = FIRST_POLL;
            while (true) {
                TaskStatus status = tracker.taskStatus(upid);
                if (!status.running()) {
                    List<String> log = status.exitStatus().equals("OK") ? List.of()
                            : tracker.taskLog(upid, status.failed() ? LOG_TAIL_LINES : 500);
                    return conclude(upid.node(), vmid, status, log);
                }
                Instant now = time.now();
                if (!now.isBefore(deadline)) {
                    throw new TaskTimeoutException(upid.node(), vmid, upid, Duration.between(start, now));
                }
                Duration left = Duration.between(now, deadline);
                try {
                    time.sleep(pause.compareTo(left) < 0 ? pause : left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new OperationInterruptedException("interrupted while waiting for " + upid, e);
                }
                pause = pause.multipliedBy(3).dividedBy(2);
                if (pause.compareTo(MAX_POLL) > 0) {
                    pause = MAX_POLL;
                }
            }
        }

        @Override
        public String toString() {
            return "Task[" + upid + "]";
        }
    }

    private record CompletedTask(String node, Integer vmid, TaskStatus finalStatus, List<String> log) implements Task {
        @Override
        public Optional<Upid> upid() {
            return finalStatus.upidIfKnown();
        }

        @Override
        public TaskStatus status() {
            return finalStatus;
        }

        @Override
        public TaskResult await(Duration timeout) {
            return conclude(node, vmid, finalStatus, log);
        }

        @Override
        public String toString() {
            return "Task[" + (finalStatus.upid() == null ? "completed" : finalStatus.upid()) + ": " + finalStatus.exitStatus() + "]";
        }
    }
}
