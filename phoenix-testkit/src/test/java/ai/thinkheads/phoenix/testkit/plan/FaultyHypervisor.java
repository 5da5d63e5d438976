package ai.thinkheads.phoenix.testkit.plan;

import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fake behind a schedule of faults, by call number: the n-th primitive call meets a lock, loses
 * its request or its answer, gets a task that fails or warns, loses the next task-status reading,
 * meets a concurrent edit of its VM, or the whole process "crashes" ({@link Crash}). Faults fire only while {@link #active}.
 */
final class FaultyHypervisor {

    enum Fault { LOCK, TRANSPORT_BEFORE, TRANSPORT_AFTER, TASK_FAILS, TASK_WARNS, STATUS_LOST, CONCURRENT_EDIT, CRASH }

    /** A scheduled fault. */
    record At(int call, Fault fault) {
    }

    /** The process dies: not an exception apply may catch. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(String where) {
            super("simulated crash at " + where, null, false, false);
        }
    }

    private final FakeHypervisor fake;
    private final Map<Integer, Fault> schedule = new TreeMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger fired = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean editBeforeNextUpdate = new java.util.concurrent.atomic.AtomicBoolean();
    volatile boolean active = true;

    FaultyHypervisor(FakeHypervisor fake, List<At> faults) {
        this.fake = fake;
        faults.forEach(a -> schedule.putIfAbsent(a.call(), a.fault()));
    }

    int fired() {
        return fired.get();
    }

    Hypervisor hypervisor() {
        return (Hypervisor) Proxy.newProxyInstance(Hypervisor.class.getClassLoader(), new Class<?>[] {Hypervisor.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(fake, args);
                    }
                    Fault f = active ? schedule.get(calls.getAndIncrement()) : null;
                    String where = method.getName();
                    if (f != null) {
                        fired.incrementAndGet();
                        switch (f) {
                            case LOCK -> throw new LockedException("can't lock file '/var/lock/qemu-server/lock-0.conf' - got timeout",
                                    null, null, null);
                            case TRANSPORT_BEFORE -> throw new TransportException("connection refused (" + where + ")", false, null);
                            case CRASH -> throw new Crash(where);
                            case TASK_FAILS -> {
                                if (method.getReturnType() == Task.class) {
                                    fake.faults().failNextTask("injected failure in " + where);
                                }
                            }
                            case TASK_WARNS -> {
                                if (method.getReturnType() == Task.class) {
                                    fake.faults().warnNextTask(1);
                                }
                            }
                            case CONCURRENT_EDIT -> editBeforeNextUpdate.set(true);
                            case STATUS_LOST -> fake.faults().failNext("taskStatus",
                                    () -> new TransportException("read timed out (taskStatus)", false, null));
                            default -> {
                            }
                        }
                    }
                    if (active && method.getName().equals("updateConfig") && editBeforeNextUpdate.getAndSet(false)
                            && args[0] instanceof VmRef ref && fake.findVm(ref.vmid()).map(v -> v.lock() == null).orElse(false)) {
                        // someone else edits the VM between Phoenix's read and its digest-guarded write
                        fake.updateConfig(ref, ConfigUpdate.set("description", "edited by someone else"));
                    }
                    Object result;
                    try {
                        result = method.invoke(fake, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (f == Fault.TRANSPORT_AFTER) {
                        throw new TransportException("connection reset after the request was sent (" + where + ")", true, null);
                    }
                    return result;
                });
    }
}
