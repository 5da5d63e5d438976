package ai.thinkheads.phoenix.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link ConfigReads#oneByOne}: p reads in flight at once, order kept, missing VMs left out, failures thrown. */
class ConfigReadsTest {

    /** A hypervisor whose only working primitive is getConfig. */
    private static Hypervisor reading(Function<VmRef, VmConfig> getConfig) {
        return (Hypervisor) Proxy.newProxyInstance(Hypervisor.class.getClassLoader(), new Class<?>[] {Hypervisor.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConfig")) {
                        return getConfig.apply((VmRef) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static List<VmRef> refs(int n) {
        List<VmRef> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(VmRef.of("pve", 100 + i));
        }
        return out;
    }

    @Test
    void pReadsAreInFlightTogether() {
        int p = 8;
        CountDownLatch allArrived = new CountDownLatch(p);
        AtomicInteger timedOut = new AtomicInteger();
        Hypervisor hv = reading(ref -> {
            allArrived.countDown();
            try {
                // only returns once p reads are running at the same time (or gives up)
                if (!allArrived.await(20, TimeUnit.SECONDS)) {
                    timedOut.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new VmConfig(ref, Map.of("name", "vm" + ref.vmid()), "d" + ref.vmid());
        });
        Map<Integer, VmConfig> out = ConfigReads.oneByOne(hv, refs(20), p);
        assertEquals(0, timedOut.get(), "the first p reads ran concurrently");
        assertEquals(refs(20).stream().map(VmRef::vmid).toList(), List.copyOf(out.keySet()), "in the order asked");
    }

    @Test
    void aVmGoneMeanwhileIsLeftOutAndOtherFailuresAreThrown() {
        Hypervisor hv = reading(ref -> {
            if (ref.vmid() == 103) {
                throw new NotFoundException("Configuration file 'nodes/pve/qemu-server/103.conf' does not exist", "pve", 103);
            }
            return new VmConfig(ref, Map.of(), "d");
        });
        Map<Integer, VmConfig> out = ConfigReads.oneByOne(hv, refs(6), 4);
        assertEquals(5, out.size());
        assertTrue(!out.containsKey(103));
        Hypervisor failing = reading(ref -> {
            throw new TransportException("connection reset", true, null);
        });
        assertThrows(TransportException.class, () -> ConfigReads.oneByOne(failing, refs(6), 4));
        assertThrows(TransportException.class, () -> ConfigReads.oneByOne(failing, refs(6), 1));
    }
}
