package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.hypervisor.ConfigModifiedException;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.OperationInterruptedException;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.Upid;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The cluster's tasks and VM locks: starting a worker with a real UPID, the time it begins (after
 * the VM file locks and, for clones, the storage lock it waits for) and ends, its log and exit
 * status ({@code OK}, {@code WARNINGS: n}, or its error), and the injected {@link TaskFault}s.
 * Time is read from the cluster's {@link TimeSource}; {@link #settle()} brings every task whose
 * begin or end has come to that point, in time order. Not thread-safe: {@link PveCluster}'s monitor
 * guards it.
 */
final class TaskEngine {

    private final TimeSource time;
    /** Who is calling, per thread: the user (or token) a task's UPID names. */
    private final ThreadLocal<String> caller = ThreadLocal.withInitial(() -> "root@pam");
    private final Map<String, TaskState> tasks = new LinkedHashMap<>();
    private final List<TaskState> active = new ArrayList<>();
    private final Deque<TaskFault> faults = new ArrayDeque<>();
    private final Map<String, Duration> taskDurations;
    private final Duration defaultTaskDuration;
    private final Instant bootTime;
    private Instant eventTime;
    private long nextPid = 0x1A2B0;

    TaskEngine(TimeSource time, Map<String, Duration> taskDurations, Duration defaultTaskDuration) {
        this.time = time;
        this.taskDurations = Map.copyOf(taskDurations);
        this.defaultTaskDuration = defaultTaskDuration;
        this.bootTime = time.now();
    }

    /** Runs {@code action} with {@code userId} as the user the tasks it starts name in their UPID. */
    <T> T actingAs(String userId, Supplier<T> action) {
        String previous = caller.get();
        caller.set(Objects.requireNonNull(userId, "userId"));
        try {
            return action.get();
        } finally {
            caller.set(previous);
        }
    }

    /** {@code GET /nodes/{node}/tasks/{upid}/status}. */
    TaskStatus taskStatus(Upid upid) {
        settle();
        TaskState t = task(upid);
        return t.done ? TaskStatus.stopped(upid, t.exitStatus) : TaskStatus.running(upid);
    }

    /** {@code GET /nodes/{node}/tasks/{upid}/log}: every line so far, the last one {@code TASK ...} once it ended. */
    List<String> taskLog(Upid upid) {
        settle();
        return List.copyOf(task(upid).log);
    }

    /** When the task ended, if it has. */
    Optional<Instant> taskEnd(Upid upid) {
        settle();
        TaskState t = task(upid);
        return t.done ? Optional.of(t.end) : Optional.empty();
    }

    /** {@code GET /nodes/{node}/tasks}: the node's tasks, oldest first. */
    List<Upid> tasks(String node) {
        settle();
        return tasks.values().stream().map(t -> t.upid).filter(u -> u.node().equals(node)).toList();
    }

    private TaskState task(Upid upid) {
        TaskState t = tasks.get(upid.toString());
        if (t == null) {
            // pve-manager PVE::API2::Tasks read_task_status: raise_param_exc({ upid => "no such task" }),
            // so an HTTP face answers 400 with that parameter error
            throw new NotFoundException("no such task", upid.node(), null);
        }
        return t;
    }

    /** Queues a fault for the next task it applies to (first queued, first used). */
    void injectTaskFault(TaskFault fault) {
        faults.add(Objects.requireNonNull(fault, "fault"));
    }

    /** pve-common PVE::Tools::lock_file_full's message for a flock not had in time. */
    private static String lockTimeout(int vmid) {
        return "can't lock file '/var/lock/qemu-server/lock-" + vmid + ".conf' - got timeout";
    }

    /** The time of the task event being processed, or the clock's time outside of one. */
    Instant now() {
        return eventTime != null ? eventTime : time.now();
    }

    private Instant lockFreeAt(int vmid, boolean exclusive) {
        Instant free = Instant.MIN;
        for (TaskState t : active) {
            if (t.exclusive.contains(vmid) || (exclusive && t.shared.contains(vmid))) {
                if (t.end.isAfter(free)) {
                    free = t.end;
                }
            }
        }
        return free;
    }

    /** A synchronous handler's lock_config: waits (on the clock) for running tasks, up to {@code timeout}. */
    void acquireLockNow(String node, int vmid, Duration timeout) {
        Instant now = now();
        Instant free = lockFreeAt(vmid, true);
        if (!free.isAfter(now)) {
            return;
        }
        Duration wait = Duration.between(now, free);
        if (wait.compareTo(timeout) > 0) {
            sleep(timeout);
            settle();
            throw new LockedException(lockTimeout(vmid), node, vmid, null);
        }
        sleep(wait);
        settle();
    }

    private void sleep(Duration d) {
        try {
            time.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("interrupted while waiting for a config lock", e);
        }
    }

    @FunctionalInterface
    interface Worker {
        void run(Ctx ctx);
    }

    /** An error inside a worker: it becomes the task's exit status. */
    static class TaskError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TaskError(String message) {
            super(message, null, false, false);
        }
    }

    /** A digest mismatch: a task error in a worker, {@link ConfigModifiedException} in a synchronous handler. */
    static final class ConfigModifiedPending extends TaskError {
        private static final long serialVersionUID = 1L;

        ConfigModifiedPending(String message) {
            super(message);
        }
    }

    static final class Ctx {
        private final TaskState task;

        Ctx(TaskState task) {
            this.task = task;
        }

        void log(String line) {
            task.log.add(line);
        }

        void onEnd(Runnable r) {
            task.onEnd.add(r);
        }

        /** The worker dies with {@code message} when its time is up (e.g. after waiting for a timeout). */
        void failAtEnd(String message) {
            task.deferredError = message;
            task.onEnd.clear();
        }

        /** A Perl {@code warn} in a worker: logged, and counted into {@code WARNINGS: n}. */
        void warn(String message) {
            task.log.add("WARN: " + message);
            task.warnings++;
        }
    }

    static final class TaskState {
        final Upid upid;
        final String type;
        final Set<Integer> exclusive;
        final Set<Integer> shared;
        /** The storage lock held for the whole task ({@code node:storage}, or {@code cfs:storage} when shared), or null. */
        String storageLock;
        final List<String> log = new ArrayList<>();
        final List<Runnable> onEnd = new ArrayList<>();
        Worker worker;
        Runnable onFail;
        TaskFault fault;
        String presetError;
        Instant begin;
        Instant end;
        Duration duration;
        boolean begun;
        boolean done;
        String error;
        String deferredError;
        int warnings;
        String exitStatus;

        TaskState(Upid upid, String type, Set<Integer> exclusive, Set<Integer> shared) {
            this.upid = upid;
            this.type = type;
            this.exclusive = new java.util.HashSet<>(exclusive);
            this.shared = new java.util.HashSet<>(shared);
        }
    }

    Upid startTask(String type, String node, int vmid, Set<Integer> exclusive, Set<Integer> shared,
                           Duration lockTimeout, Worker worker, Runnable onFail) {
        return startTask(type, node, vmid, exclusive, shared, lockTimeout, null, worker, onFail);
    }

    Upid startTask(String type, String node, int vmid, Set<Integer> exclusive, Set<Integer> shared,
                           Duration lockTimeout, Duration ownDuration, Worker worker, Runnable onFail) {
        return startTask(type, node, vmid, exclusive, shared, lockTimeout, ownDuration, null, worker, onFail);
    }

    /** A held storage lock: its key and the error a waiter that times out dies with. */
    record StorageLock(String key, String timeoutError) {
        /** PVE::Tools::lock_file's default timeout, which cluster_lock_storage's callers leave in place. */
        static final Duration TIMEOUT = Duration.ofSeconds(10);
    }

    private Instant storageLockFreeAt(String key) {
        Instant free = Instant.MIN;
        for (TaskState t : active) {
            if (key.equals(t.storageLock) && t.end.isAfter(free)) {
                free = t.end;
            }
        }
        return free;
    }

    Upid startTask(String type, String node, int vmid, Set<Integer> exclusive, Set<Integer> shared,
                           Duration lockTimeout, Duration ownDuration, StorageLock storageLock, Worker worker, Runnable onFail) {
        return startTask(type, node, Integer.toString(vmid), vmid, exclusive, shared, lockTimeout, ownDuration, storageLock,
                worker, onFail);
    }

    /** A task whose UPID carries {@code id} (a VMID, a storage id, or nothing, as fork_worker's second argument). */
    Upid startTask(String type, String node, String upidId, int vmid, Set<Integer> exclusive, Set<Integer> shared,
                           Duration lockTimeout, Duration ownDuration, Worker worker, Runnable onFail) {
        return startTask(type, node, upidId, vmid, exclusive, shared, lockTimeout, ownDuration, null, worker, onFail);
    }

    Upid startTask(String type, String node, String upidId, int vmid, Set<Integer> exclusive, Set<Integer> shared,
                           Duration lockTimeout, Duration ownDuration, StorageLock storageLock, Worker worker, Runnable onFail) {
        Instant now = now();
        Duration duration = ownDuration != null ? ownDuration : taskDurations.getOrDefault(type, defaultTaskDuration);
        TaskFault fault = null;
        for (Iterator<TaskFault> it = faults.iterator(); it.hasNext(); ) {
            TaskFault f = it.next();
            if (f.appliesTo(type)) {
                fault = f;
                it.remove();
                break;
            }
        }
        if (fault != null) {
            duration = duration.plus(fault.extraDuration());
        }
        long pid = nextPid++;
        long pstart = 100_000 + Duration.between(bootTime, now).toMillis() / 10;
        Upid upid = new Upid(node, pid & 0xFFFFFFFFL, pstart & 0xFFFFFFFFFL, now.getEpochSecond(), type,
                upidId, caller.get());
        TaskState t = new TaskState(upid, type, exclusive, shared);
        t.worker = worker;
        t.onFail = onFail;
        t.fault = fault;
        t.duration = duration;
        Instant free = Instant.MIN;
        int blocking = vmid;
        for (int id : exclusive) {
            Instant f = lockFreeAt(id, true);
            if (f.isAfter(free)) {
                free = f;
                blocking = id;
            }
        }
        for (int id : shared) {
            Instant f = lockFreeAt(id, false);
            if (f.isAfter(free)) {
                free = f;
                blocking = id;
            }
        }
        Instant storageFree = storageLock == null ? Instant.MIN : storageLockFreeAt(storageLock.key());
        if (free.isAfter(now) && Duration.between(now, free).compareTo(lockTimeout) > 0) {
            t.presetError = lockTimeout(blocking);
            t.begin = now;
            t.end = now.plus(lockTimeout);
            t.exclusive.clear();
            t.shared.clear();
        } else if (storageFree.isAfter(free.isAfter(now) ? free : now)
                && Duration.between(free.isAfter(now) ? free : now, storageFree).compareTo(StorageLock.TIMEOUT) > 0) {
            // the worker got its VM locks, then waited for the storage lock in vdisk_clone/vdisk_alloc and gave up
            t.presetError = storageLock.timeoutError();
            t.begin = free.isAfter(now) ? free : now;
            t.end = t.begin.plus(StorageLock.TIMEOUT);
        } else {
            Instant begin = free.isAfter(now) ? free : now;
            t.begin = storageFree.isAfter(begin) ? storageFree : begin;
            t.end = t.begin.plus(duration);
            t.storageLock = storageLock == null ? null : storageLock.key();
        }
        tasks.put(upid.toString(), t);
        active.add(t);
        settle();
        return upid;
    }

    /** Brings every task whose begin or end has come to that point, in time order. */
    void settle() {
        Instant now = time.now();
        while (true) {
            TaskState next = null;
            Instant at = null;
            for (TaskState t : active) {
                Instant when = t.begun ? t.end : t.begin;
                if (!when.isAfter(now) && (at == null || when.isBefore(at))) {
                    next = t;
                    at = when;
                }
            }
            if (next == null) {
                return;
            }
            if (!next.begun) {
                begin(next);
            } else {
                finish(next);
            }
        }
    }

    private void begin(TaskState t) {
        eventTime = t.begin;
        try {
            runWorker(t);
        } finally {
            eventTime = null;
        }
    }

    private void runWorker(TaskState t) {
        t.begun = true;
        if (t.presetError != null) {
            t.error = t.presetError;
            return;
        }
        if (t.fault != null && t.fault.error() != null) {
            t.error = t.fault.error();
            t.end = t.begin;
            return;
        }
        try {
            t.worker.run(new Ctx(t));
        } catch (TaskError e) {
            t.error = e.getMessage();
            t.onEnd.clear();
            t.end = t.begin;
            return;
        } catch (HypervisorException e) {
            t.error = e.getMessage();
            t.onEnd.clear();
            t.end = t.begin;
            return;
        }
        if (t.fault != null) {
            for (int i = 1; i <= t.fault.warnings(); i++) {
                t.log.add("WARN: injected warning " + i + " of " + t.fault.warnings());
            }
            t.warnings += t.fault.warnings();
        }
    }

    private void finish(TaskState t) {
        eventTime = t.end;
        try {
            complete(t);
        } finally {
            eventTime = null;
        }
    }

    private void complete(TaskState t) {
        t.done = true;
        if (t.error == null && t.deferredError != null) {
            t.error = t.deferredError;
        }
        active.remove(t);
        t.worker = null;
        if (t.error == null) {
            for (Runnable r : t.onEnd) {
                r.run();
            }
            if (t.warnings > 0) {
                t.exitStatus = "WARNINGS: " + t.warnings;
                t.log.add("TASK WARNINGS: " + t.warnings);
            } else {
                t.exitStatus = "OK";
                t.log.add("TASK OK");
            }
        } else {
            if (t.onFail != null) {
                t.onFail.run();
            }
            String err = t.error.endsWith("\n") ? t.error.substring(0, t.error.length() - 1) : t.error;
            t.exitStatus = err.replace('\n', ' ');
            // pve-common PVE::RESTEnvironment fork_worker: the worker's die is caught, its newlines
            // turned into spaces, and written once, as "TASK ERROR: $err", to the task's log (the API's
            // async workers write it straight to the log file; a CLI's tee_worker adds it to the log and
            // prints only $err on stderr)
            t.log.add("TASK ERROR: " + t.exitStatus);
        }
        t.onEnd.clear();
    }
}
