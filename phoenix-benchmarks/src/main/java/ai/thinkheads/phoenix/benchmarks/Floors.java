package ai.thinkheads.phoenix.benchmarks;

import java.time.Duration;

/** The lower bounds the scenarios are measured against. */
public final class Floors {

    private Floors() {
    }

    /**
     * Scenario 1: a plan of {@code n} VMs over the API needs one round trip to list the VMs and
     * then {@code ⌈n / parallelism⌉} rounds of config reads: {@code RTT × (1 + ⌈N / parallelism⌉)}.
     */
    public static Duration planOverApi(Duration rtt, int n, int parallelism) {
        if (n < 0 || parallelism < 1) {
            throw new IllegalArgumentException("n must be ≥ 0 and parallelism ≥ 1");
        }
        long rounds = 1 + (n + parallelism - 1L) / parallelism;
        return rtt.multipliedBy(rounds);
    }

    /**
     * Scenario 3: {@code clones} clones onto one storage, each holding the storage lock for
     * {@code lockHold}, cannot end before {@code clones × lockHold}: the lock is the bottleneck.
     */
    public static Duration lockBound(int clones, Duration lockHold) {
        if (clones < 0) {
            throw new IllegalArgumentException("clones must be ≥ 0");
        }
        return lockHold.multipliedBy(clones);
    }
}
