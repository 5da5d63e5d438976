package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.plan.ChangeKind;
import ai.thinkheads.phoenix.plan.KeyChange;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.VmPlan;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 1 on the fake: a change Proxmox keeps pending on a running VM (memory without
 * memory hotplug) is not forgotten by the plans after the apply that wrote it.
 */
class PendingChangesOnFakeTest {

    private final FakeHypervisor hv = FakeHypervisor.singleNode();
    private final Phoenix phoenix = Phoenix.on(hv).time(hv.time());
    private final Phoenix rebooting = phoenix.planOptions(phoenix.planOptions().toBuilder().rebootForPendingChanges(true).build());

    private static List<VmDefinition> web(int memoryMiB) {
        return List.of(VmDefinition.of(VmSpec.builder("web").vmid(100).memory(memoryMiB)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(4))).nic(Nic.virtio(0, "vmbr0")).start(true).build()));
    }

    @Test
    void aMemoryChangeLeftPendingIsRebootedForWhenAllowedAndShownOtherwise() {
        assertTrue(phoenix.converge(web(2048)).isComplete());
        Plan grow = phoenix.plan(web(4096));
        assertTrue(grow.render().contains("~ memory: 2048 → 4096  [needs reboot]"), grow.render());
        assertTrue(phoenix.apply(grow).isComplete());

        // the next plan, without a reboot allowed: the pending key and that a reboot is needed, never "up to date"
        Plan next = phoenix.plan(web(4096));
        VmPlan vm = next.vm("web").orElseThrow();
        assertEquals(List.of(new KeyChange("memory", "2048", "4096", ai.thinkheads.phoenix.plan.Impact.NEEDS_REBOOT)), vm.pending());
        assertTrue(vm.waitsForReboot());
        assertFalse(next.render().contains("up to date"), next.render());
        assertTrue(next.render().contains("~ pending web (vmid 100 on pve)  [needs reboot]"), next.render());
        assertTrue(vm.notes().stream().anyMatch(n -> n.contains("a reboot is needed: [memory] is pending")), vm.notes().toString());
        assertTrue(next.toJson().contains("\"needsReboot\" : true"), next.toJson());

        // with rebootForPendingChanges(true): a reboot, which applies it
        Plan reboot = rebooting.plan(web(4096));
        assertEquals(List.of(ChangeKind.REBOOT), reboot.vm("web").orElseThrow().changes().stream().map(c -> c.kind()).toList(),
                reboot.render());
        assertTrue(rebooting.apply(reboot).isComplete());
        assertEquals("4096", hv.cluster().vmConfig("pve", 100, true).values().get("memory"));
        Plan done = rebooting.plan(web(4096));
        assertTrue(done.isEmpty(), done.render());
        assertTrue(done.render().contains("1 VM is up to date"), done.render());
    }

    @Test
    void aPendingChangeMadeByHandIsShownAndAChangeOfTheSameKeyReplacesIt() {
        assertTrue(phoenix.converge(web(2048)).isComplete());
        hv.updateConfig(VmRef.of("pve", 100), ConfigUpdate.set("memory", "3072")).await(java.time.Duration.ofMinutes(1));
        // the definition says 4096: the update writes it again, so the hand-made pending value is not listed apart
        Plan plan = phoenix.plan(web(4096));
        VmPlan vm = plan.vm("web").orElseThrow();
        assertEquals(List.of(), vm.pending(), plan.render());
        assertTrue(plan.render().contains("~ memory: 3072 → 4096  [needs reboot]"), plan.render());
        // the definition says 3072, which is pending: nothing to write, but not up to date either
        Plan same = phoenix.plan(web(3072));
        assertEquals(List.of("memory"), same.vm("web").orElseThrow().pending().stream().map(KeyChange::key).toList(), same.render());
        assertEquals(VmPlan.Action.NO_CHANGE, same.vm("web").orElseThrow().action());
        assertFalse(same.render().contains("up to date"), same.render());
    }

    @Test
    void aStoppedVmIsNotAskedForPendingChanges() {
        assertTrue(phoenix.converge(web(2048)).isComplete());
        hv.stop(VmRef.of("pve", 100)).await(java.time.Duration.ofMinutes(1));
        List<String> calls = new java.util.ArrayList<>();
        hv.faults().always((primitive, ref) -> calls.add(primitive));
        Plan plan = phoenix.plan(web(2048).stream().map(d -> VmDefinition.of(d.spec().toBuilder().start(false).build())).toList());
        assertTrue(plan.isEmpty(), plan.render());
        assertFalse(calls.contains("getPending"), calls.toString());
    }
}
