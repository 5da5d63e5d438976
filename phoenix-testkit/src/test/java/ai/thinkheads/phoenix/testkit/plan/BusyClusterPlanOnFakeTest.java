package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.plan.ChangeKind;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.PlanOptions;
import ai.thinkheads.phoenix.plan.Refusal;
import ai.thinkheads.phoenix.plan.VmPlan;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, busy clusters: the planner waits only for the guests it reads and means to change
 * (declared VMIDs and names, the templates it clones from), never for foreign guests' locks; where
 * it gives up, it names the VM that was locked and for how long. And a duplicate of a declared name
 * is ambiguous, not "no longer declared". All on virtual time.
 */
class BusyClusterPlanOnFakeTest {

    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    private static VmSpec.Builder vm(String name) {
        return VmSpec.builder(name).memory(512).disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(4))).nic(Nic.virtio(0, "vmbr0"));
    }

    private static Phoenix phoenix(FakeHypervisor hv) {
        return Phoenix.on(hv).time(hv.time());
    }

    /** A foreign template, then a foreign full clone of it that runs for ten minutes (its new VM locked "clone"). */
    private static void foreignLongClone(FakeHypervisor hv) {
        hv.create(CreateRequest.of("pve", 9000, Map.of("name", "foreign-tpl", "memory", "512", "scsi0", "local-lvm:4")))
                .await(Duration.ofMinutes(1));
        hv.convertToTemplate(VmRef.of("pve", 9000)).await(Duration.ofMinutes(1));
        hv.faults().delayNextTask(TEN_MINUTES);
        hv.clone(VmRef.of("pve", 9000), CloneRequest.full(9001, "foreign-copy"));
    }

    /** Foreign VMs whose create tasks hold their lock for ten minutes. */
    private static void foreignLongCreates(FakeHypervisor hv, int first, int count) {
        for (int id = first; id < first + count; id++) {
            hv.faults().delayNextTask(TEN_MINUTES);
            hv.create(CreateRequest.of("pve", id, Map.of("name", "foreign-" + id, "memory", "512")));
        }
    }

    /** A foreign client that starts a new create (each locked ~0.2 s) before every listing: never a moment without a lock. */
    private static FakeHypervisor withNonStopForeignCreates(AtomicInteger started) {
        FakeHypervisor hv = FakeHypervisor.builder().taskDuration("qmcreate", Duration.ofMillis(200)).build();
        hv.faults().always((primitive, vm) -> {
            if (primitive.equals("listVms")) {
                int id = 7000 + started.getAndIncrement();
                hv.cluster().createVm("pve", id, Map.of("name", "foreign-" + id, "memory", "512"));
            }
        });
        return hv;
    }

    @Test
    void foreignGuestsLockedThroughoutNeverDelayAPlanOfUnrelatedGuests() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        foreignLongClone(hv);
        foreignLongCreates(hv, 200, 3);
        assertEquals("clone", hv.findVm(9001).orElseThrow().lock(), "the foreign clone is running");
        assertEquals("create", hv.findVm(201).orElseThrow().lock(), "the foreign creates are running");

        Instant before = hv.time().now();
        Plan plan = phoenix(hv).plan(List.of(VmDefinition.of(vm("web").build()), VmDefinition.of(vm("db").build())));
        Duration waited = Duration.between(before, hv.time().now());

        assertFalse(plan.hasRefusals(), plan.render());
        assertTrue(waited.compareTo(Duration.ofSeconds(1)) < 0, "the plan waited " + waited + " for foreign locks");
        assertEquals(VmPlan.Action.CREATE, plan.vm("web").orElseThrow().action());
        assertTrue(phoenix(hv).apply(plan).isComplete());
        assertEquals("clone", hv.findVm(9001).orElseThrow().lock(), "the foreign clone is untouched and still running");
    }

    @Test
    void aForeignClientCreatingNonStopNeitherDelaysNorRefusesThePlan() {
        AtomicInteger started = new AtomicInteger();
        FakeHypervisor hv = withNonStopForeignCreates(started);
        Instant before = hv.time().now();
        Plan plan = phoenix(hv).plan(List.of(VmDefinition.of(vm("web").build())));
        Duration waited = Duration.between(before, hv.time().now());
        assertFalse(plan.hasRefusals(), plan.render());
        assertTrue(waited.compareTo(Duration.ofSeconds(1)) < 0, "the plan waited " + waited + " for foreign creates");
        assertTrue(started.get() >= 1, "the foreign client was creating while the plan read the cluster");
    }

    @Test
    void aDeclaredVmidBeingCreatedIsWaitedFor() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        foreignLongClone(hv);
        hv.faults().delayNextTask(Duration.ofSeconds(40));
        hv.create(CreateRequest.of("pve", 300, Map.of("name", "web", "memory", "512", "tags", "phoenix-managed")));
        Instant before = hv.time().now();
        Plan plan = phoenix(hv).plan(List.of(VmDefinition.of(vm("web").vmid(300).build())));
        Duration waited = Duration.between(before, hv.time().now());
        assertFalse(plan.hasRefusals(), plan.render());
        assertTrue(waited.compareTo(Duration.ofSeconds(40)) >= 0, "waited only " + waited + " for VM 300's create");
        assertTrue(waited.compareTo(TEN_MINUTES) < 0, "waited " + waited + ": the foreign clone held it up");
        assertEquals(300, plan.vm("web").orElseThrow().vmid());
        assertNull(hv.findVm(300).orElseThrow().lock(), "VM 300's create had ended when the plan read it");
    }

    @Test
    void aTemplateBeingCreatedIsWaitedForByTheCloneThatDeclaresIt() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        foreignLongCreates(hv, 200, 2);
        hv.faults().delayNextTask(Duration.ofSeconds(40));
        hv.create(CreateRequest.of("pve", 9100, Map.of("name", "tpl", "memory", "512", "scsi0", "local-lvm:4", "template", "1")));
        assertEquals("create", hv.findVm(9100).orElseThrow().lock());
        Instant before = hv.time().now();
        Plan plan = phoenix(hv).plan(List.of(VmDefinition.of(VmSpec.builder("web").memory(512).source(Source.fullClone(9100)).build())));
        Duration waited = Duration.between(before, hv.time().now());
        assertFalse(plan.hasRefusals(), plan.render());
        assertTrue(waited.compareTo(Duration.ofSeconds(40)) >= 0, "waited only " + waited + " for template 9100");
        assertTrue(waited.compareTo(TEN_MINUTES) < 0, "waited " + waited + ": the foreign creates held it up");
        assertEquals(ChangeKind.CLONE, plan.vm("web").orElseThrow().changes().get(0).kind());
    }

    @Test
    void givingUpNamesTheVmThatWasLockedAndForHowLong() {
        AtomicInteger started = new AtomicInteger();
        FakeHypervisor hv = withNonStopForeignCreates(started);
        hv.faults().delayNextTask(TEN_MINUTES);
        hv.create(CreateRequest.of("pve", 300, Map.of("name", "web", "memory", "512")));
        Phoenix p = phoenix(hv).planOptions(PlanOptions.builder().lockWait(Duration.ofSeconds(30)).build());
        Plan plan = p.plan(List.of(VmDefinition.of(vm("web").vmid(300).build()), VmDefinition.of(vm("db").build())));
        assertEquals(1, plan.refusals().size(), plan.render());
        Refusal r = plan.refusals().get(0);
        assertEquals(Refusal.Reason.IN_PROGRESS, r.reason());
        assertEquals("web", r.vm());
        assertTrue(r.message().startsWith("VM 300 on pve is still locked (create) after waiting 30 s for it"), r.message());
        assertTrue(started.get() > 1, "foreign VMs were being created all along");
        assertFalse(plan.render().contains("VM 70"), "no foreign VM is named: " + plan.render());
    }

    @Test
    void aTemplateStillLockedAfterTheWaitIsNamedWithItsTime() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        foreignLongCreates(hv, 200, 1);
        hv.faults().delayNextTask(TEN_MINUTES);
        hv.create(CreateRequest.of("pve", 9100, Map.of("name", "tpl", "memory", "512", "template", "1")));
        Phoenix p = phoenix(hv).planOptions(PlanOptions.builder().lockWait(Duration.ofSeconds(20)).build());
        Plan plan = p.plan(List.of(VmDefinition.of(VmSpec.builder("web").memory(512).source(Source.fullClone(9100)).build())));
        List<String> inProgress = plan.refusals().stream().filter(r -> r.reason() == Refusal.Reason.IN_PROGRESS)
                .map(Refusal::message).toList();
        assertEquals(1, inProgress.size(), plan.render());
        assertTrue(inProgress.get(0).startsWith("VM 9100 on pve is still locked (create) after waiting 20 s for it"), inProgress.get(0));
    }

    @Test
    void aDuplicateOfADeclaredNameIsAmbiguousNotUndeclared() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        for (int id : List.of(100, 105)) {
            hv.create(CreateRequest.of("pve", id, Map.of("name", "web", "memory", "512", "scsi0", "local-lvm:4",
                    "net0", "virtio,bridge=vmbr0", "tags", "phoenix-managed"))).await(Duration.ofMinutes(1));
        }
        // without a VMID: refused, and the warning says the name is declared but ambiguous
        Plan byName = phoenix(hv).plan(List.of(VmDefinition.of(vm("web").build())));
        assertEquals(List.of(Refusal.Reason.CONFLICT), byName.refusals().stream().map(Refusal::reason).toList());
        assertFalse(byName.render().contains("no longer declared"), byName.render());
        assertTrue(byName.warnings().stream().anyMatch(w -> w.contains("100, 105") && w.contains("ambiguous")), byName.warnings().toString());

        // with a VMID: VM 100 is the definition; VM 105 is the ambiguous one, named with both VMIDs, and never pruned
        Phoenix pruning = phoenix(hv).planOptions(PlanOptions.builder().pruneOwned(true).build());
        Plan byVmid = pruning.plan(List.of(VmDefinition.of(vm("web").vmid(100).build())));
        assertFalse(byVmid.render().contains("no longer declared"), byVmid.render());
        assertTrue(byVmid.warnings().stream().anyMatch(w -> w.startsWith("VM 105 ") && w.contains("like VM 100")
                && w.contains("ambiguous")), byVmid.warnings().toString());
        assertTrue(byVmid.vms().stream().noneMatch(v -> v.action() == VmPlan.Action.DELETE), byVmid.render());
    }
}
