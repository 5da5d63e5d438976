package ai.thinkheads.phoenix.backend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.simulator.HttpFault;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Retries have one owner, core: the transport sends each request once, the planner tries a read
 * three times and the applier a step {@code retries + 1} times. So one GET that keeps failing is
 * sent three times while planning (it was nine: the transport's three tries inside each of the
 * planner's), counted where the simulator receives it.
 */
class RetryOwnerOverApiTest {

    private static final String RESOURCES = "/cluster/resources";

    private static VmDefinition vm(int memory) {
        return VmDefinition.of(VmSpec.builder("retry-01").vmid(150).memory(memory)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(1))).build());
    }

    /** Answers every GET of {@code path} with pveproxy's 596 and counts them. */
    private static AtomicInteger failEveryGet(SimulatedCluster cluster, String path) {
        AtomicInteger count = new AtomicInteger();
        cluster.simulator().httpFaults().script((method, p) -> {
            if (method.equals("GET") && p.equals(path)) {
                count.incrementAndGet();
                return Optional.of(HttpFault.respond(596, "Connection timed out"));
            }
            return Optional.empty();
        });
        return count;
    }

    @Test
    void oneFailingGetIsSentThreeTimesWhilePlanning() {
        try (SimulatedCluster cluster = SimulatedCluster.start(); ProxmoxApi api = ApiTestSupport.overSimulator(cluster.simulator())) {
            AtomicInteger sent = failEveryGet(cluster, RESOURCES);
            Phoenix phoenix = Phoenix.on(api).time(new ManualTime());
            TransportException e = assertThrows(TransportException.class, () -> phoenix.plan(List.of(vm(512))));
            assertTrue(e.getMessage().contains("596"), e.getMessage());
            assertEquals(3, sent.get(), "the planner's three tries, none added by the transport");
        }
    }

    @Test
    void oneFailingGetIsSentRetriesPlusOneTimesWhileApplying() {
        try (SimulatedCluster cluster = SimulatedCluster.start(); ProxmoxApi api = ApiTestSupport.overSimulator(cluster.simulator())) {
            Phoenix phoenix = Phoenix.on(api).time(new ManualTime()).applyOptions(ApplyOptions.builder().retries(2).build());
            assertTrue(phoenix.converge(List.of(vm(512))).isComplete());
            Plan grow = phoenix.plan(List.of(vm(1024)));

            AtomicInteger sent = failEveryGet(cluster, RESOURCES);
            ApplyResult result = phoenix.apply(grow);
            assertEquals(ApplyResult.Status.FAILED, result.outcomes().get(0).status());
            assertInstanceOf(TransportException.class, result.outcomes().get(0).failureIfAny().orElseThrow());
            assertEquals(3, sent.get(), "the applier's first try and its two retries, none added by the transport");
        }
    }
}
