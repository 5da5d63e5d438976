package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.PlanOptions;
import ai.thinkheads.phoenix.plan.VmPlan;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.ForwardingHypervisor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The planner reads the configs of the VMs it matched in one {@link Hypervisor#getConfigs} call
 * with {@link PlanOptions#readParallelism()}, not one {@code getConfig} per definition, and the
 * plan is the same as before.
 */
class PlanReadsConfigsInBatchTest {

    @Test
    void matchedVmsAreReadInOneBatchWithTheConfiguredParallelism() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        List<VmDefinition> defs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            defs.add(VmDefinition.of(VmSpec.builder("vm-" + i).memory(512).disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(4)))
                    .nic(Nic.virtio(0, "vmbr0")).build()));
        }
        assertTrue(Phoenix.on(fake).time(fake.time()).converge(defs).isComplete());

        List<Integer> batchSizes = new ArrayList<>();
        List<Integer> parallelisms = new ArrayList<>();
        AtomicInteger singles = new AtomicInteger();
        Hypervisor counting = new ForwardingHypervisor() {
            @Override
            protected Hypervisor delegate() {
                return fake;
            }

            @Override
            public Map<Integer, VmConfig> getConfigs(Collection<VmRef> vms, int parallelism) {
                batchSizes.add(vms.size());
                parallelisms.add(parallelism);
                return super.getConfigs(vms, parallelism);
            }

            @Override
            public VmConfig getConfig(VmRef vm) {
                singles.incrementAndGet();
                return super.getConfig(vm);
            }
        };
        Plan plan = Phoenix.on(counting).time(fake.time())
                .planOptions(PlanOptions.builder().readParallelism(4).build()).plan(defs);
        assertEquals(List.of(20), batchSizes);
        assertEquals(List.of(4), parallelisms);
        assertEquals(0, singles.get(), "no config is read one by one");
        assertTrue(plan.vms().stream().allMatch(p -> p.action() == VmPlan.Action.NO_CHANGE), plan.render());
    }
}
