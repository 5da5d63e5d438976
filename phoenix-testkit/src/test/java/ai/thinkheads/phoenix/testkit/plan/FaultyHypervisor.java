package ai.thinkheads.phoenix.testkit.plan;

import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
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
 * its request or its answer, gets an HTTP 500 with a Proxmox message, or the whole process
 * "crashes" ({@link Crash}); or it arms a fault that fires at the first call it fits: a task that
 * fails or warns (the next call that starts a task), a concurrent edit (the next updateConfig of an
 * unlocked VM), a lost task-status reading (armed on the fake; counted as fired when armed). Faults
 * fire only while {@link #active}; {@link #firedKinds()} counts what fired.
 */
final class FaultyHypervisor {

    /**
     * The kinds of fault. {@code SERVER_ERROR} is an HTTP 500 with a Proxmox message that no rule of
     * {@code ProxmoxErrorText} names, so a backend reports it as a plain {@link HypervisorException}:
     * the request reached the server, and whether it acted is unknown (here it did on even call
     * numbers, not on odd ones), so a write is not safe to repeat blindly.
     */
    enum Fault { LOCK, TRANSPORT_BEFORE, TRANSPORT_AFTER, SERVER_ERROR, TASK_FAILS, TASK_WARNS, STATUS_LOST, CONCURRENT_EDIT, CRASH }

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
    private final Map<Fault, Integer> firedKinds = new java.util.concurrent.ConcurrentHashMap<>();
    /** Faults armed by the schedule that wait for a call they fit. */
    private final java.util.Set<Fault> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();
    volatile boolean active = true;

    /**
     * @param calls how many primitive calls the apply makes without faults (counted by a dry run
     *     with {@link #counting}); each fault's call number is taken modulo it, so that every fault
     *     falls within the calls the apply really makes
     */
    FaultyHypervisor(FakeHypervisor fake, List<At> faults, int calls) {
        this.fake = fake;
        int within = Math.max(1, calls);
        faults.forEach(a -> schedule.putIfAbsent(a.call() % within, a.fault()));
    }

    /** No faults: counts the calls ({@link #calls()}). */
    static FaultyHypervisor counting(FakeHypervisor fake) {
        return new FaultyHypervisor(fake, List.of(), 1);
    }

    private void fire(Fault f) {
        fired.incrementAndGet();
        firedKinds.merge(f, 1, Integer::sum);
    }

    int fired() {
        return fired.get();
    }

    /** How often each kind of fault fired. */
    Map<Fault, Integer> firedKinds() {
        return Map.copyOf(firedKinds);
    }

    /** Primitive calls made so far while {@link #active}. */
    int calls() {
        return calls.get();
    }

    /**
     * pve-common PVE::Tools::file_set_contents: pmxcfs refused the config write. An HTTP 500 whose
     * text ProxmoxErrorText does not classify.
     */
    private static HypervisorException serverError(Object[] args) {
        Integer vmid = args != null && args.length > 0 && args[0] instanceof VmRef ref ? ref.vmid() : null;
        String node = args != null && args.length > 0 && args[0] instanceof VmRef ref ? ref.node() : null;
        return new HypervisorException("closing file '/etc/pve/nodes/" + (node == null ? "pve1" : node) + "/qemu-server/"
                + (vmid == null ? 0 : vmid) + ".conf.tmp.4242' failed - Input/output error", node, vmid);
    }

    Hypervisor hypervisor() {
        return (Hypervisor) Proxy.newProxyInstance(Hypervisor.class.getClassLoader(), new Class<?>[] {Hypervisor.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(fake, args);
                    }
                    int call = active ? calls.getAndIncrement() : -1;
                    Fault f = active ? schedule.get(call) : null;
                    String where = method.getName();
                    if (f == Fault.TASK_FAILS || f == Fault.TASK_WARNS || f == Fault.CONCURRENT_EDIT) {
                        // armed here, fired at the first call it fits (a call that starts a task; an updateConfig)
                        pending.add(f);
                        f = null;
                    }
                    if (f != null) {
                        fire(f);
                        switch (f) {
                            case LOCK -> throw new LockedException("can't lock file '/var/lock/qemu-server/lock-0.conf' - got timeout",
                                    null, null, null);
                            case TRANSPORT_BEFORE -> throw new TransportException("connection refused (" + where + ")", false, null);
                            case CRASH -> throw new Crash(where);
                            case SERVER_ERROR -> {
                                if (call % 2 == 1) {
                                    throw serverError(args); // refused before it acted
                                }
                            }
                            // armed on the fake: the next task-status reading fails
                            case STATUS_LOST -> fake.faults().failNext("taskStatus",
                                    () -> new TransportException("read timed out (taskStatus)", false, null));
                            default -> {
                            }
                        }
                    }
                    if (active && method.getReturnType() == Task.class) {
                        if (pending.remove(Fault.TASK_FAILS)) {
                            fire(Fault.TASK_FAILS);
                            fake.faults().failNextTask("injected failure in " + where);
                        } else if (pending.remove(Fault.TASK_WARNS)) {
                            fire(Fault.TASK_WARNS);
                            fake.faults().warnNextTask(1);
                        }
                    }
                    if (active && method.getName().equals("updateConfig") && pending.contains(Fault.CONCURRENT_EDIT)
                            && args[0] instanceof VmRef ref && fake.findVm(ref.vmid()).map(v -> v.lock() == null).orElse(false)
                            && pending.remove(Fault.CONCURRENT_EDIT)) {
                        // someone else edits the VM between Phoenix's read and its digest-guarded write
                        fire(Fault.CONCURRENT_EDIT);
                        fake.updateConfig(ref, ConfigUpdate.set("description", "edited by someone else"));
                    }
                    Object result;
                    try {
                        result = method.invoke(fake, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (f == Fault.SERVER_ERROR) {
                        throw serverError(args); // it acted, then answered 500
                    }
                    if (f == Fault.TRANSPORT_AFTER) {
                        throw new TransportException("connection reset after the request was sent (" + where + ")", true, null);
                    }
                    return result;
                });
    }
}
