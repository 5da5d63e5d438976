package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.TaskFailedException;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.ApplyEvent;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.ChangeKind;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.Refusal;
import ai.thinkheads.phoenix.plan.VmPlan;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Apply's retries, VMID allocation, failures, pruning, placement and events on the fake. */
class ApplyBehaviourOnFakeTest {

    private final List<ApplyEvent> events = Collections.synchronizedList(new ArrayList<>());

    private Phoenix phoenix(FakeHypervisor hv) {
        return Phoenix.on(hv).applyOptions(ApplyOptions.builder().listener(events::add).build()).time(hv.time());
    }

    private static VmDefinition vm(String name, int memoryMiB) {
        return VmDefinition.of(VmSpec.builder(name).memory(memoryMiB).disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(4)))
                .nic(Nic.virtio(0, "vmbr0")).start(true).build());
    }

    private static long named(FakeHypervisor hv, String name) {
        return hv.listVms().stream().filter(v -> v.name().equals(name)).count();
    }

    @Test
    void aVmidTakenMeanwhileIsSkippedNotAdopted() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        AtomicBoolean raced = new AtomicBoolean();
        hv.faults().always((primitive, ref) -> {
            if (primitive.equals("create") && ref.isPresent() && raced.compareAndSet(false, true)) {
                hv.cluster().createVm(ref.get().node(), ref.get().vmid(), Map.of("name", "intruder", "memory", "512"));
            }
        });
        ApplyResult r = phoenix(hv).converge(List.of(vm("web", 1024)));
        assertTrue(r.isComplete(), r.render());
        assertEquals(1, named(hv, "web"));
        assertEquals(1, named(hv, "intruder"));
        assertTrue(events.stream().anyMatch(e -> e.type() == ApplyEvent.Type.RETRY && e.message().contains("was taken")));
    }

    @Test
    void locksAndLostConnectionsAreRetriedWithoutDuplicates() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        hv.faults().failNext("create", () -> new TransportException("connection reset", true, null))
                .failNext("taskStatus", () -> new TransportException("read timed out", false, null))
                .failNext("start", () -> new LockedException("VM is locked (backup)", "pve", null, "backup"));
        ApplyResult r = phoenix(hv).converge(List.of(vm("web", 1024)));
        assertTrue(r.isComplete(), r.render());
        assertEquals(1, hv.listVms().size());
        assertEquals(PowerState.RUNNING, hv.listVms().get(0).state());
        assertTrue(events.stream().filter(e -> e.type() == ApplyEvent.Type.RETRY).count() >= 2, events.toString());
    }

    @Test
    void aFailedTemplateLeavesItsClonesNotAttempted() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        hv.faults().failNextTask("unable to create VM 9000 - storage is full");
        VmDefinition tmpl = VmDefinition.of(VmSpec.builder("tmpl").vmid(9000).disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(4)))
                .template(true).build());
        VmDefinition clone = VmDefinition.of(VmSpec.builder("app").source(Source.linkedClone(9000)).build());
        ApplyResult r = phoenix(hv).converge(List.of(tmpl, clone));
        assertEquals(ApplyResult.Status.FAILED, r.outcome("tmpl").orElseThrow().status());
        assertInstanceOf(TaskFailedException.class, r.outcome("tmpl").orElseThrow().failure());
        assertEquals(ApplyResult.Status.NOT_ATTEMPTED, r.outcome("app").orElseThrow().status());
        assertTrue(r.outcome("app").orElseThrow().reason().contains("tmpl"));
        // the next run finishes the work
        ApplyResult again = phoenix(hv).converge(List.of(tmpl, clone));
        assertTrue(again.isComplete(), again.render());
        assertTrue(phoenix(hv).plan(List.of(tmpl, clone)).isEmpty());
    }

    @Test
    void pruningIsOptInAndDeletesOnlyOwnedVms() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        Phoenix p = phoenix(hv);
        p.converge(List.of(vm("a", 512), vm("b", 512)));
        hv.cluster().createVm("pve", 500, Map.of("name", "stranger", "memory", "512"));
        Plan keep = p.plan(List.of(vm("a", 512)));
        assertTrue(keep.isEmpty(), keep.render());
        assertTrue(keep.warnings().stream().anyMatch(w -> w.contains("'b'") && w.contains("prune is off")), keep.warnings().toString());
        Phoenix pruning = p.planOptions(p.planOptions().toBuilder().pruneOwned(true).build());
        Plan prune = pruning.plan(List.of(vm("a", 512)));
        assertEquals(VmPlan.Action.DELETE, prune.vm("b").orElseThrow().action());
        assertEquals(List.of(ChangeKind.STOP, ChangeKind.DELETE), prune.vm("b").orElseThrow().changes().stream().map(c -> c.kind()).toList());
        assertTrue(pruning.apply(prune).isComplete());
        assertEquals(List.of("a", "stranger"), hv.listVms().stream().map(VmSummary::name).sorted().toList());
    }

    @Test
    void placementCountsWhatThePlanPlacesAndRefusesWhatDoesNotFit() {
        FakeHypervisor hv = FakeHypervisor.cluster(2); // 64 GiB each
        Phoenix p = phoenix(hv);
        Plan plan = p.plan(List.of(vm("a", 40 * 1024), vm("b", 40 * 1024), vm("c", 40 * 1024)));
        assertEquals(List.of(Refusal.Reason.NO_CAPACITY), plan.refusals().stream().map(Refusal::reason).toList(), plan.render());
        assertEquals("c", plan.refusals().get(0).vm());
        assertFalse(plan.vm("a").orElseThrow().node().equals(plan.vm("b").orElseThrow().node()));
        Plan two = p.plan(List.of(vm("a", 40 * 1024), vm("b", 40 * 1024)));
        assertTrue(p.apply(two).isComplete());
        assertEquals(2, hv.listVms().stream().map(VmSummary::node).distinct().count());
    }

    @Test
    void pendingChangesRebootOnlyWhenAllowed() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        Phoenix p = phoenix(hv);
        p.converge(List.of(vm("web", 1024)));
        VmDefinition more = VmDefinition.of(vm("web", 1024).spec().toBuilder().cores(4).build());
        Plan plan = p.plan(List.of(more));
        assertTrue(plan.render().contains("[needs reboot]"), plan.render());
        assertTrue(plan.vm("web").orElseThrow().notes().stream().anyMatch(n -> n.contains("pending")));
        Phoenix rebooting = p.planOptions(p.planOptions().toBuilder().rebootForPendingChanges(true).build());
        Plan withReboot = rebooting.plan(List.of(more));
        assertEquals(List.of(ChangeKind.UPDATE_CONFIG, ChangeKind.REBOOT),
                withReboot.vm("web").orElseThrow().changes().stream().map(c -> c.kind()).toList());
        assertTrue(rebooting.apply(withReboot).isComplete());
        assertEquals("4", hv.cluster().vmConfig("pve", hv.listVms().get(0).vmid(), true).values().get("cores"));
        assertTrue(p.plan(List.of(more)).isEmpty());
    }

    @Test
    void planningRetriesReadsThatLoseTheirConnection() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        hv.faults().failNext("listVms", () -> new TransportException("connection reset", true, null))
                .failNext("listNodes", () -> new TransportException("connection refused", false, null));
        Plan plan = phoenix(hv).plan(List.of(vm("web", 1024)));
        assertEquals(VmPlan.Action.CREATE, plan.vm("web").orElseThrow().action());
    }
}
