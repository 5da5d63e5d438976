package ai.thinkheads.phoenix.testkit;

import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.testkit.model.PveCluster;
import ai.thinkheads.phoenix.testkit.model.TaskFault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The fault hooks of one {@link FakeHypervisor}, reached with {@link FakeHypervisor#faults()}:
 * <ul>
 *   <li>{@link #failNext(String, Supplier)}: the next call of a primitive throws (before it acts);</li>
 *   <li>{@link #always(PrimitiveHook)}: a hook that sees every primitive;</li>
 *   <li>{@link #failNextTask}, {@link #warnNextTask}, {@link #delayNextTask}, {@link #nextTask}: the
 *       next task the cluster starts fails with an error text, ends with {@code WARNINGS: n}, or
 *       runs longer.</li>
 * </ul>
 * Thread-safe.
 */
public final class FakeFaults {

    private final PveCluster cluster;
    private final List<PrimitiveHook> hooks = new ArrayList<>();
    private final List<OneShot> oneShots = new ArrayList<>();

    private record OneShot(String primitive, Supplier<? extends RuntimeException> failure) {
    }

    FakeFaults(PveCluster cluster, List<PrimitiveHook> initialHooks) {
        this.cluster = cluster;
        this.hooks.addAll(initialHooks);
    }

    /** The next call of {@code primitive} (a Hypervisor method name, or {@code *} for any) throws {@code failure}'s exception. */
    public synchronized FakeFaults failNext(String primitive, Supplier<? extends RuntimeException> failure) {
        oneShots.add(new OneShot(Objects.requireNonNull(primitive, "primitive"), Objects.requireNonNull(failure, "failure")));
        return this;
    }

    /** Adds a hook that runs before every primitive from now on. */
    public synchronized FakeFaults always(PrimitiveHook hook) {
        hooks.add(Objects.requireNonNull(hook, "hook"));
        return this;
    }

    /** The next task (of any type) fails with {@code error} as its exit status, doing nothing. */
    public FakeFaults failNextTask(String error) {
        return nextTask(TaskFault.failWith(error));
    }

    /** The next {@code count} tasks (of any type) fail with {@code error}. */
    public FakeFaults failNextTasks(int count, String error) {
        for (int i = 0; i < count; i++) {
            nextTask(TaskFault.failWith(error));
        }
        return this;
    }

    /** The next task (of any type) does its work and ends with {@code WARNINGS: count}. */
    public FakeFaults warnNextTask(int count) {
        return nextTask(TaskFault.warnings(count));
    }

    /** The next task (of any type) runs {@code extra} longer. */
    public FakeFaults delayNextTask(Duration extra) {
        return nextTask(TaskFault.slower(extra));
    }

    /** Queues any {@link TaskFault}, e.g. {@code TaskFault.failWith("boom").onlyFor("qmclone")}. */
    public FakeFaults nextTask(TaskFault fault) {
        cluster.injectTaskFault(fault);
        return this;
    }

    /** Forgets the primitive hooks and one-shot failures (queued task faults stay). */
    public synchronized void clear() {
        hooks.clear();
        oneShots.clear();
    }

    void before(String primitive, VmRef vm) {
        List<PrimitiveHook> toRun;
        RuntimeException failure = null;
        synchronized (this) {
            toRun = List.copyOf(hooks);
            for (int i = 0; i < oneShots.size(); i++) {
                OneShot o = oneShots.get(i);
                if (o.primitive().equals("*") || o.primitive().equals(primitive)) {
                    oneShots.remove(i);
                    failure = o.failure().get();
                    break;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        for (PrimitiveHook hook : toRun) {
            hook.before(primitive, Optional.ofNullable(vm));
        }
    }
}
