package ai.thinkheads.phoenix.plan;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Applier} runs a plan. Options hold no time source: {@link Phoenix#time(ai.thinkheads.phoenix.hypervisor.TimeSource)}
 * owns it and hands it to planning and applying alike, so no order of calls can split them.
 *
 * @param maxParallel VMs worked on at once, overall (at least 1)
 * @param maxPerNode VMs worked on at once on one node (at least 1)
 * @param retries how often one step is tried again after a lock ({@link ai.thinkheads.phoenix.hypervisor.LockedException},
 *     or a task that failed on a lock) or a transport failure
 * @param firstBackoff the pause before the first retry; each further pause doubles, up to {@code maxBackoff}
 * @param maxBackoff the longest pause between retries
 * @param taskTimeout how long one Proxmox task may run before the step fails with
 *     {@link ai.thinkheads.phoenix.hypervisor.TaskTimeoutException}
 * @param lockWait how long to wait for a VM this apply created or cloned to drop its lock after a
 *     transport failure left its outcome unknown
 * @param listener who hears about progress
 */
public record ApplyOptions(int maxParallel, int maxPerNode, int retries, Duration firstBackoff, Duration maxBackoff,
                           Duration taskTimeout, Duration lockWait, ApplyListener listener) {

    public ApplyOptions {
        if (maxParallel < 1 || maxPerNode < 1) {
            throw new IllegalArgumentException("maxParallel and maxPerNode must be at least 1");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative");
        }
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(taskTimeout, "taskTimeout");
        Objects.requireNonNull(lockWait, "lockWait");
        Objects.requireNonNull(listener, "listener");
    }

    public static ApplyOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxParallel = maxParallel;
        b.maxPerNode = maxPerNode;
        b.retries = retries;
        b.firstBackoff = firstBackoff;
        b.maxBackoff = maxBackoff;
        b.taskTimeout = taskTimeout;
        b.lockWait = lockWait;
        b.listener = listener;
        return b;
    }

    /** Builds {@link ApplyOptions}; defaults: 4 in parallel, 2 per node, 6 retries from 1 s to 30 s, 15 min per task. */
    public static final class Builder {
        private int maxParallel = 4;
        private int maxPerNode = 2;
        private int retries = 6;
        private Duration firstBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration taskTimeout = Duration.ofMinutes(15);
        private Duration lockWait = Duration.ofMinutes(5);
        private ApplyListener listener = ApplyListener.none();

        private Builder() {
        }

        public Builder maxParallel(int value) {
            maxParallel = value;
            return this;
        }

        public Builder maxPerNode(int value) {
            maxPerNode = value;
            return this;
        }

        public Builder retries(int value) {
            retries = value;
            return this;
        }

        public Builder backoff(Duration first, Duration max) {
            firstBackoff = first;
            maxBackoff = max;
            return this;
        }

        public Builder taskTimeout(Duration value) {
            taskTimeout = value;
            return this;
        }

        public Builder lockWait(Duration value) {
            lockWait = value;
            return this;
        }

        public Builder listener(ApplyListener value) {
            listener = value;
            return this;
        }

        public ApplyOptions build() {
            return new ApplyOptions(maxParallel, maxPerNode, retries, firstBackoff, maxBackoff, taskTimeout, lockWait, listener);
        }
    }
}
