package ai.thinkheads.phoenix.hypervisor;

import java.time.Duration;
import java.util.Optional;

/**
 * A handle on a Proxmox task (a worker with a UPID) that a primitive started.
 *
 * <p>Most primitives return at once with a running task; {@link #await(Duration)} blocks until it
 * ends: it returns a {@link TaskResult} for {@code OK} and {@code WARNINGS: n}, throws
 * {@link TaskFailedException} (with the log tail) for anything else, and
 * {@link TaskTimeoutException} when the deadline passes first (the task may still run). Backends
 * that run tasks synchronously (the qm backend) return a task that has already ended.
 *
 * <p>Instances come from {@link Tasks}; backends do not implement this themselves.
 */
public interface Task {

    /** The task's UPID; empty when a backend ran the task synchronously and never saw one. */
    Optional<Upid> upid();

    /** The node the task runs on. */
    String node();

    /** The VMID the task concerns, if any (for error messages). */
    Integer vmid();

    /** Reads the current state once, without waiting. */
    TaskStatus status();

    /** Waits until the task ends or {@code timeout} passes. */
    TaskResult await(Duration timeout);
}
