package ai.thinkheads.phoenix.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TasksTest {

    private static final Upid UPID = Upid.parse("UPID:pve1:00001234:00005678:65000000:qmclone:9000:root@pam:");

    /** Virtual time: sleeping advances the clock and records the pause. */
    static final class VirtualTime implements TimeSource {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        final List<Duration> sleeps = new ArrayList<>();

        @Override
        public Instant now() {
            return now;
        }

        @Override
        public void sleep(Duration d) {
            sleeps.add(d);
            now = now.plus(d);
        }
    }

    /** A tracker whose task ends at a given instant with a given status. */
    static final class ScriptedTracker implements TaskTracker {
        final VirtualTime time;
        final Instant end;
        final String exitStatus;
        final List<String> log;
        int statusReads;
        int logReads;

        ScriptedTracker(VirtualTime time, Duration runFor, String exitStatus, List<String> log) {
            this.time = time;
            this.end = time.now().plus(runFor);
            this.exitStatus = exitStatus;
            this.log = log;
        }

        @Override
        public TaskStatus taskStatus(Upid upid) {
            statusReads++;
            return time.now().isBefore(end) ? TaskStatus.running(upid) : TaskStatus.stopped(upid, exitStatus);
        }

        @Override
        public List<String> taskLog(Upid upid, int lines) {
            logReads++;
            return log.size() <= lines ? log : log.subList(log.size() - lines, log.size());
        }
    }

    @Test
    void okTaskReturnsResultWithoutReadingTheLog() {
        VirtualTime time = new VirtualTime();
        ScriptedTracker tracker = new ScriptedTracker(time, Duration.ofSeconds(3), "OK", List.of("TASK OK"));
        TaskResult result = Tasks.polling(UPID, 9000, tracker, time).await(Duration.ofMinutes(1));
        assertEquals("OK", result.exitStatus());
        assertFalse(result.hasWarnings());
        assertEquals(0, tracker.logReads);
        assertTrue(!time.now().isBefore(tracker.end));
    }

    @Test
    void backoffGrowsFromFiftyMillisAndIsCappedAtTwoSeconds() {
        VirtualTime time = new VirtualTime();
        ScriptedTracker tracker = new ScriptedTracker(time, Duration.ofSeconds(30), "OK", List.of());
        Tasks.polling(UPID, 9000, tracker, time).await(Duration.ofMinutes(5));
        assertEquals(Duration.ofMillis(50), time.sleeps.get(0));
        assertEquals(Duration.ofMillis(75), time.sleeps.get(1));
        assertTrue(time.sleeps.stream().allMatch(d -> d.compareTo(Duration.ofSeconds(2)) <= 0));
        assertEquals(Duration.ofSeconds(2), time.sleeps.get(time.sleeps.size() - 1));
        // a 30 s task needs far fewer reads than one per 50 ms
        assertTrue(tracker.statusReads < 30, "status reads: " + tracker.statusReads);
    }

    @Test
    void warningsSucceedAndCarryTheWarningLines() {
        VirtualTime time = new VirtualTime();
        List<String> log = List.of("create full clone of drive scsi0", "WARN: iothread is only valid with virtio disk or virtio-scsi-single controller, ignoring", "TASK WARNINGS: 1");
        ScriptedTracker tracker = new ScriptedTracker(time, Duration.ofSeconds(1), "WARNINGS: 1", log);
        TaskResult result = Tasks.polling(UPID, 9000, tracker, time).await(Duration.ofMinutes(1));
        assertTrue(result.hasWarnings());
        assertEquals(1, result.warnings());
        assertEquals(List.of(log.get(1)), result.warningLines());
    }

    @Test
    void failureCarriesUpidExitStatusAndLogTail() {
        VirtualTime time = new VirtualTime();
        List<String> log = new ArrayList<>();
        IntStream.range(0, 50).forEach(i -> log.add("line " + i));
        log.add("TASK ERROR: can't lock file '/var/lock/qemu-server/lock-9000.conf' - got timeout");
        ScriptedTracker tracker = new ScriptedTracker(time, Duration.ofSeconds(1),
                "can't lock file '/var/lock/qemu-server/lock-9000.conf' - got timeout", log);
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> Tasks.polling(UPID, 9000, tracker, time).await(Duration.ofMinutes(1)));
        assertEquals(UPID, e.upid().orElseThrow());
        assertEquals(Tasks.LOG_TAIL_LINES, e.logTail().size());
        assertEquals(log.get(log.size() - 1), e.logTail().get(e.logTail().size() - 1));
        assertTrue(e.getMessage().contains("got timeout"));
        assertTrue(e.getMessage().contains(UPID.toString()));
        assertEquals(9000, e.vmid().getAsInt());
        assertEquals("pve1", e.node().orElseThrow());
    }

    @Test
    void deadlineRaisesTimeoutNamingTheUpidAndNeverOversleeps() {
        VirtualTime time = new VirtualTime();
        Instant start = time.now();
        ScriptedTracker tracker = new ScriptedTracker(time, Duration.ofHours(1), "OK", List.of());
        TaskTimeoutException e = assertThrows(TaskTimeoutException.class,
                () -> Tasks.polling(UPID, 9000, tracker, time).await(Duration.ofSeconds(10)));
        assertEquals(UPID, e.upid().orElseThrow());
        assertEquals(Duration.ofSeconds(10), Duration.between(start, time.now()));
        assertTrue(e.getMessage().contains("may still be running"));
    }

    @Test
    void completedTaskConcludesWithoutPolling() {
        Task ok = Tasks.completed("pve1", 100, TaskStatus.stopped(null, "OK"), List.of());
        assertTrue(ok.upid().isEmpty());
        assertEquals("OK", ok.await(Duration.ZERO).exitStatus());
        Task failed = Tasks.completed("pve1", 100, TaskStatus.stopped(null, "VM 100 already running"), List.of("start failed"));
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> failed.await(Duration.ZERO));
        assertEquals(List.of("start failed"), e.logTail());
        assertThrows(IllegalArgumentException.class, () -> Tasks.completed("pve1", 100, TaskStatus.running(UPID), List.of()));
    }

    @Test
    void interruptedWaitRestoresTheFlag() {
        TimeSource interrupting = new TimeSource() {
            @Override
            public Instant now() {
                return Instant.EPOCH;
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                throw new InterruptedException();
            }
        };
        TaskTracker running = new TaskTracker() {
            @Override
            public TaskStatus taskStatus(Upid upid) {
                return TaskStatus.running(upid);
            }

            @Override
            public List<String> taskLog(Upid upid, int lines) {
                return List.of();
            }
        };
        assertThrows(OperationInterruptedException.class, () -> Tasks.polling(UPID, null, running, interrupting).await(Duration.ofSeconds(1)));
        assertTrue(Thread.interrupted());
    }
}
