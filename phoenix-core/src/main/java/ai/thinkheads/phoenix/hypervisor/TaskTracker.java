package ai.thinkheads.phoenix.hypervisor;

import java.util.List;

/**
 * What a backend offers so that {@link Tasks#polling} can follow a task: one status read and one
 * log read. {@link Hypervisor} implementations satisfy it with their {@code taskStatus} and
 * {@code taskLog} primitives.
 */
public interface TaskTracker {

    TaskStatus taskStatus(Upid upid);

    /** The last {@code lines} lines of the task's log, oldest first. */
    List<String> taskLog(Upid upid, int lines);
}
