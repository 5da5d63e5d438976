package ai.thinkheads.phoenix.hypervisor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place where many VM configs are read one request each, at most {@code parallelism} at a
 * time: the default of {@link Hypervisor#getConfigs(Collection, int)}. A backend that can read
 * every config in one request (the qm backend, one remote command) overrides that method instead.
 *
 * <p>Reading N configs this way takes about {@code RTT × ⌈N / parallelism⌉}. A VM that is gone by
 * the time it is read ({@link NotFoundException}) is left out of the result; any other failure of
 * any read is thrown (the first one, after the other reads in flight have ended).
 */
public final class ConfigReads {

    private ConfigReads() {
    }

    /** Reads each of {@code vms} with {@link Hypervisor#getConfig}, {@code parallelism} at a time; keyed by VMID, in the given order. */
    public static Map<Integer, VmConfig> oneByOne(Hypervisor hypervisor, Collection<VmRef> vms, int parallelism) {
        Objects.requireNonNull(hypervisor, "hypervisor");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1");
        }
        List<VmRef> refs = List.copyOf(vms);
        Map<Integer, VmConfig> out = new LinkedHashMap<>();
        if (refs.isEmpty()) {
            return out;
        }
        if (parallelism == 1 || refs.size() == 1) {
            for (VmRef ref : refs) {
                readInto(hypervisor, ref, out);
            }
            return out;
        }
        int threads = Math.min(parallelism, refs.size());
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "phoenix-config-read-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<VmConfig>> futures = new ArrayList<>(refs.size());
            for (VmRef ref : refs) {
                futures.add(pool.submit(() -> {
                    try {
                        return hypervisor.getConfig(ref);
                    } catch (NotFoundException gone) {
                        return null;
                    }
                }));
            }
            RuntimeException first = null;
            for (Future<VmConfig> f : futures) {
                try {
                    VmConfig c = f.get();
                    if (c != null) {
                        out.put(c.vm().vmid(), c);
                    }
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException re ? re
                                : new IllegalStateException("reading a VM config failed", e.getCause());
                        futures.forEach(other -> other.cancel(false));
                    }
                }  catch (java.util.concurrent.CancellationException e) {
                    // cancelled after the first failure
                }
            }
            if (first != null) {
                throw first;
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("interrupted while reading VM configs", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void readInto(Hypervisor hypervisor, VmRef ref, Map<Integer, VmConfig> out) {
        try {
            out.put(ref.vmid(), hypervisor.getConfig(ref));
        } catch (NotFoundException gone) {
            // gone since it was listed: the caller decides what a missing VM means
        }
    }
}
