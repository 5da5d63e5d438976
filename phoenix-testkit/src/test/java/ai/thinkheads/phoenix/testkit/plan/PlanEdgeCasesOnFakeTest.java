package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.TaskTimeoutException;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.ApplyEvent;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.ChangeKind;
import ai.thinkheads.phoenix.plan.ConsoleApplyListener;
import ai.thinkheads.phoenix.plan.DependencyCycleException;
import ai.thinkheads.phoenix.plan.DuplicateDefinitionException;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.PlanStaleException;
import ai.thinkheads.phoenix.plan.Refusal;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Snapshots, stale plans, shrink with opt-in, per-node limits, deadlines, cycles and duplicates. */
class PlanEdgeCasesOnFakeTest {

    private static Phoenix phoenix(FakeHypervisor hv) {
        return Phoenix.on(hv).time(hv.time());
    }

    private static VmSpec.Builder vm(String name) {
        return VmSpec.builder(name).memory(512).disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(4))).nic(Nic.virtio(0, "vmbr0"));
    }

    @Test
    void declaredSnapshotsAreTakenOnceBeforeAndAfterTheStart() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        VmDefinition def = new VmDefinition(vm("web").start(true).build(), List.of(), List.of(),
                new VmDefinition.SnapshotPolicy("pre-features", "post-features", null), Map.of());
        Plan plan = phoenix(hv).plan(List.of(def));
        // no features: nothing to wait for in the guest, so "after the features" is right after the start
        assertEquals(List.of(ChangeKind.CREATE, ChangeKind.SNAPSHOT, ChangeKind.START, ChangeKind.SNAPSHOT),
                plan.vm("web").orElseThrow().changes().stream().map(c -> c.kind()).toList());
        assertTrue(phoenix(hv).apply(plan).isComplete());
        assertEquals(List.of("pre-features", "post-features"),
                hv.listSnapshots(hv.listVms().get(0).ref()).stream().map(Snapshot::name).toList());
        assertTrue(phoenix(hv).plan(List.of(def)).isEmpty());
    }

    @Test
    void aConcurrentEditThatMakesTheChangeDestructiveFailsAsStale() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        Phoenix p = phoenix(hv);
        p.converge(List.of(VmDefinition.of(vm("web").build())));
        Plan plan = p.plan(List.of(VmDefinition.of(vm("web").memory(1024).build())));
        VmSummary v = hv.listVms().get(0);
        hv.updateConfig(v.ref(), ConfigUpdate.set("virtio3", "local-lvm:1")).await(Duration.ofMinutes(1));
        ApplyResult r = p.apply(plan);
        assertEquals(ApplyResult.Status.FAILED, r.outcome("web").orElseThrow().status());
        assertInstanceOf(PlanStaleException.class, r.outcome("web").orElseThrow().failure());
        assertEquals("512", hv.getConfig(v.ref()).values().get("memory"), "nothing was written");
    }

    @Test
    void shrinkingIsRefusedEvenWhenDestructiveChangesAreAllowed() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        Phoenix p = phoenix(hv);
        p.converge(List.of(VmDefinition.of(vm("web").build())));
        VmSpec smaller = VmSpec.builder("web").memory(512).disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(2))).nic(Nic.virtio(0, "vmbr0")).build();
        Plan plan = p.planOptions(p.planOptions().toBuilder().allowDestructiveForAll(true).build()).plan(List.of(VmDefinition.of(smaller)));
        assertEquals(List.of(Refusal.Reason.DISK_SHRINK), plan.refusals().stream().map(Refusal::reason).toList());
    }

    @Test
    void noNodeRunsMoreThanItsLimitAtOnce() {
        FakeHypervisor hv = FakeHypervisor.cluster(2);
        Map<String, Integer> inFlight = new HashMap<>();
        int[] worst = {0};
        Map<String, String> nodeOf = new HashMap<>();
        ApplyOptions options = ApplyOptions.builder().maxParallel(4).maxPerNode(1).listener(e -> {
            synchronized (inFlight) {
                String node = nodeOf.get(e.vm());
                if (e.type() == ApplyEvent.Type.VM_STARTED) {
                    worst[0] = Math.max(worst[0], inFlight.merge(node, 1, Integer::sum));
                } else if (e.type() == ApplyEvent.Type.VM_SUCCEEDED || e.type() == ApplyEvent.Type.VM_FAILED) {
                    inFlight.merge(node, -1, Integer::sum);
                }
            }
        }).build();
        Phoenix p = Phoenix.on(hv).applyOptions(options).time(hv.time());
        List<VmDefinition> defs = IntStream.range(0, 6).mapToObj(i -> VmDefinition.of(vm("vm" + i).start(true).build())).toList();
        Plan plan = p.plan(defs);
        plan.vms().forEach(v -> nodeOf.put(v.name(), v.node()));
        ApplyResult r = p.apply(plan);
        assertTrue(r.isComplete(), r.render());
        assertEquals(1, worst[0]);
        assertEquals(6, hv.listVms().size());
    }

    @Test
    void aTaskPastItsDeadlineFailsTheVm() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        hv.faults().delayNextTask(Duration.ofHours(2));
        Phoenix p = Phoenix.on(hv).applyOptions(ApplyOptions.builder().taskTimeout(Duration.ofMinutes(10)).build()).time(hv.time());
        ApplyResult r = p.converge(List.of(VmDefinition.of(vm("slow").build())));
        assertInstanceOf(TaskTimeoutException.class, r.outcome("slow").orElseThrow().failure());
        hv.time().advance(Duration.ofHours(3));
        assertTrue(p.converge(List.of(VmDefinition.of(vm("slow").build()))).isComplete());
        assertEquals(1, hv.listVms().size());
    }

    @Test
    void theConsoleListenerPrintsOneLinePerEvent() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Phoenix p = Phoenix.on(hv).applyOptions(ApplyOptions.builder()
                .listener(new ConsoleApplyListener(new PrintStream(out, true, StandardCharsets.UTF_8))).build()).time(hv.time());
        p.converge(List.of(VmDefinition.of(vm("web").build())));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("web: vm started — create"), text);
        assertTrue(text.contains("step done create"), text);
        assertTrue(text.contains("web (100): vm succeeded"), text);
    }

    @Test
    void cyclesAndDuplicatesAreClearErrors() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        VmDefinition a = new VmDefinition(vm("a").build(), List.of("b"), List.of(), null, Map.of());
        VmDefinition b = new VmDefinition(vm("b").build(), List.of("a"), List.of(), null, Map.of());
        assertThrows(DependencyCycleException.class, () -> phoenix(hv).plan(List.of(a, b)));
        assertThrows(DuplicateDefinitionException.class, () -> phoenix(hv).plan(List.of(VmDefinition.of(vm("a").build()),
                VmDefinition.of(vm("a").build()))));
        VmDefinition orphan = new VmDefinition(vm("c").build(), List.of("nowhere"), List.of(), null, Map.of());
        assertEquals(Refusal.Reason.MISSING_DEPENDENCY, phoenix(hv).plan(List.of(orphan)).refusals().get(0).reason());
    }

    @Test
    void anAdoptedVmIsTaggedAndThenManagedWithoutAdoption() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        hv.create(ai.thinkheads.phoenix.hypervisor.CreateRequest.of("pve", 321, Map.of("name", "legacy", "memory", "512",
                "scsi0", "local-lvm:4", "net0", "virtio,bridge=vmbr0", "tags", "theirs"))).await(Duration.ofMinutes(1));
        VmDefinition def = VmDefinition.of(vm("legacy").tags("theirs").build());
        Phoenix p = phoenix(hv);
        assertEquals(Refusal.Reason.CONFLICT, p.plan(List.of(def)).refusals().get(0).reason());
        Phoenix adopting = p.planOptions(p.planOptions().toBuilder().adopt(321).build());
        Plan plan = adopting.plan(List.of(def));
        assertTrue(plan.render().contains("adopted: VM 321 gets the tag phoenix-managed"), plan.render());
        assertTrue(adopting.apply(plan).isComplete());
        assertTrue(hv.findVm(321).orElseThrow().tags().contains("phoenix-managed"));
        assertTrue(p.plan(List.of(def)).isEmpty(), "owned now, without the adopt option");
    }

    @Test
    void aVmStillBeingCreatedIsWaitedForOrReported() {
        // a declared VMID being created (issue 20: only the plan's own guests are waited for; BusyClusterPlanOnFakeTest)
        FakeHypervisor hv = FakeHypervisor.singleNode();
        hv.create(ai.thinkheads.phoenix.hypervisor.CreateRequest.of("pve", 200, Map.of("name", "web", "memory", "512",
                "tags", "phoenix-managed")));
        Phoenix impatient = phoenix(hv).planOptions(ai.thinkheads.phoenix.plan.PlanOptions.builder().lockWait(Duration.ZERO)
                .build());
        Plan refused = impatient.plan(List.of(VmDefinition.of(vm("web").vmid(200).build())));
        assertEquals(List.of(Refusal.Reason.IN_PROGRESS), refused.refusals().stream().map(Refusal::reason).toList());
        Plan waited = phoenix(hv).plan(List.of(VmDefinition.of(vm("web").vmid(200).build())));
        assertTrue(!waited.hasRefusals(), waited.render());
        assertEquals("web", hv.findVm(200).orElseThrow().name());
    }
}
