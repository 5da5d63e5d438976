package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.Refusal;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.model.NodeSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A NIC on a bridge the node lacks would fail at start (issue 11 item 9): the plan refuses it first. */
class BridgesAtPlanTimeOnFakeTest {

    private static VmSpec.Builder vm(String name, String bridge) {
        return VmSpec.builder(name).memory(512).disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(4))).nic(Nic.virtio(0, bridge));
    }

    @Test
    void aNicOnABridgeTheNodeLacksIsRefusedAtPlanTimeNamingTheNodesBridges() {
        FakeHypervisor hv = FakeHypervisor.builder().node(NodeSpec.of("pve", 16, 64).withBridge("vmbr1")).build();
        Phoenix p = Phoenix.on(hv).time(hv.time());
        Plan plan = p.plan(List.of(VmDefinition.of(vm("web", "vmbr9").start(true).build())));
        assertEquals(1, plan.refusals().size(), plan.render());
        Refusal r = plan.refusals().get(0);
        assertEquals(Refusal.Reason.MISSING_DEPENDENCY, r.reason());
        assertEquals("net0: bridge 'vmbr9' does not exist on node pve (its bridges: vmbr0, vmbr1)", r.message());
        assertTrue(hv.listVms().isEmpty());

        Plan fine = p.plan(List.of(VmDefinition.of(vm("web", "vmbr1").start(true).build())));
        assertTrue(fine.refusals().isEmpty(), fine.render());
        assertTrue(p.apply(fine).isComplete());
        // the VM exists now: moving its NIC to a missing bridge is refused too
        Plan moved = p.plan(List.of(VmDefinition.of(vm("web", "vmbr9").start(true).build())));
        assertEquals(List.of("net0: bridge 'vmbr9' does not exist on node pve (its bridges: vmbr0, vmbr1)"),
                moved.refusals().stream().map(Refusal::message).toList(), moved.render());
    }
}
