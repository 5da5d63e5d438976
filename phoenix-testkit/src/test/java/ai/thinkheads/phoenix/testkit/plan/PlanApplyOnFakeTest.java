package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.ChangeKind;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.PlanOptions;
import ai.thinkheads.phoenix.plan.VmPlan;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plan and apply end to end against the strict in-memory Proxmox. */
class PlanApplyOnFakeTest {

    private static Phoenix phoenix(FakeHypervisor hv) {
        return Phoenix.on(hv).time(hv.time());
    }

    private static VmDefinition web(String name) {
        return VmDefinition.of(VmSpec.builder(name).cores(2).memory(2048)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(8)).withDiscard(true))
                .nic(Nic.virtio(0, "vmbr0").withVlan(10))
                .cloudInit(CloudInit.builder("local-lvm").user("ubuntu").ipconfig(0, IpConfig.dhcp()).build())
                .agent(true).tags("Web", "prod").start(true).build());
    }

    @Test
    void createThenPlanIsEmpty() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        Phoenix p = phoenix(hv);
        Plan plan = p.plan(List.of(web("web01")));
        VmPlan vm = plan.vm("web01").orElseThrow();
        assertEquals(VmPlan.Action.CREATE, vm.action());
        assertEquals(List.of(ChangeKind.CREATE, ChangeKind.START), vm.changes().stream().map(c -> c.kind()).toList());
        assertTrue(plan.render().contains("+ create web01"), plan.render());
        ApplyResult result = p.apply(plan);
        assertTrue(result.isComplete(), result.render());
        VmSummary made = hv.listVms().get(0);
        assertTrue(made.tags().contains(PlanOptions.DEFAULT_OWNER_TAG));
        Plan again = p.plan(List.of(web("web01")));
        assertTrue(again.isEmpty(), again.render());
    }

    @Test
    void importedImageIsGrownAndThenPlansEmpty() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        hv.cluster().addVolume("pve", "local", "import/noble.qcow2", 2L << 30);
        VmDefinition def = VmDefinition.of(VmSpec.builder("imp").source(Source.importImage("local:import/noble.qcow2"))
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(10))).nic(Nic.virtio(0, "vmbr0"))
                .cloudInit(CloudInit.builder("local-lvm").build()).build());
        Phoenix p = phoenix(hv);
        ApplyResult r = p.converge(List.of(def));
        assertTrue(r.isComplete(), r.render());
        String scsi0 = hv.getConfig(hv.listVms().get(0).ref()).values().get("scsi0");
        assertTrue(scsi0.contains("size=10G"), scsi0);
        assertTrue(p.plan(List.of(def)).isEmpty(), p.plan(List.of(def)).render());
    }

    @Test
    void templateBeforeItsLinkedClones() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        VmDefinition tmpl = VmDefinition.of(VmSpec.builder("tmpl").vmid(9000).disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(4)))
                .nic(Nic.virtio(0, "vmbr0")).template(true).build());
        VmDefinition clone = VmDefinition.of(VmSpec.builder("app").source(Source.linkedClone(9000)).memory(1024)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(6))).start(true).build());
        Phoenix p = phoenix(hv);
        Plan plan = p.plan(List.of(clone, tmpl));
        assertEquals(List.of("tmpl", "app"), plan.vms().stream().map(VmPlan::name).toList());
        ApplyResult r = p.apply(plan);
        assertTrue(r.isComplete(), r.render());
        Plan again = p.plan(List.of(clone, tmpl));
        assertTrue(again.isEmpty(), again.render());
    }

    @Test
    void unownedNameIsAConflictAndApplyRefuses() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        hv.create(CreateRequest.of("pve", 100, Map.of("name", "web01", "memory", "512"))).await(Duration.ofMinutes(1));
        Phoenix p = phoenix(hv);
        Plan plan = p.plan(List.of(web("web01")));
        assertTrue(plan.hasRefusals());
        assertTrue(plan.render().contains("adopt it by VMID"), plan.render());
        assertThrows(ai.thinkheads.phoenix.plan.PlanRefusedException.class, () -> p.apply(plan));
        assertEquals(1, hv.listVms().size());
        // adopting it by VMID hands it over
        Plan adopted = p.planOptions(p.planOptions().toBuilder().adopt(100).build()).plan(List.of(web("web01")));
        assertFalse(adopted.hasRefusals(), adopted.render());
        assertEquals(VmPlan.Action.UPDATE, adopted.vm("web01").orElseThrow().action());
    }

    @Test
    void concurrentEditIsDetectedAndReplanned() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        Phoenix p = phoenix(hv);
        p.converge(List.of(web("web01")));
        VmDefinition bigger = VmDefinition.of(web("web01").spec().toBuilder().memory(4096).build());
        Plan plan = p.plan(List.of(bigger));
        VmSummary vm = hv.listVms().get(0);
        hv.updateConfig(vm.ref(), ConfigUpdate.set("description", "edited by someone")).await(Duration.ofSeconds(5));
        ApplyResult r = p.apply(plan);
        assertTrue(r.isComplete(), r.render());
        assertEquals("4096", hv.getConfig(vm.ref()).values().get("memory"));
        assertEquals("edited by someone", hv.getConfig(vm.ref()).values().get("description"));
    }

    @Test
    void shrinkIsRefusedAndStorageMoveNeedsOptIn() {
        FakeHypervisor hv = FakeHypervisor.clusterBuilder(1).build();
        Phoenix p = phoenix(hv);
        p.converge(List.of(web("web01")));
        VmDefinition smaller = VmDefinition.of(web("web01").spec().toBuilder().build()); // same
        assertTrue(p.plan(List.of(smaller)).isEmpty());
        VmSpec s = web("web01").spec();
        VmSpec shrunk = rebuildDisk(s, Disk.scsi(0, "local-lvm", DiskSize.ofGiB(4)));
        Plan shrinkPlan = p.plan(List.of(VmDefinition.of(shrunk)));
        assertTrue(shrinkPlan.render().contains("cannot shrink"), shrinkPlan.render());
        VmSpec moved = rebuildDisk(s, Disk.scsi(0, "ceph", DiskSize.ofGiB(8)));
        Plan movePlan = p.plan(List.of(VmDefinition.of(moved)));
        assertTrue(movePlan.hasRefusals(), movePlan.render());
        Phoenix allowed = p.planOptions(p.planOptions().toBuilder().allowDestructive("web01").build());
        Plan replace = allowed.plan(List.of(VmDefinition.of(moved)));
        assertEquals(VmPlan.Action.REPLACE, replace.vm("web01").orElseThrow().action(), replace.render());
        ApplyResult r = allowed.apply(replace);
        assertTrue(r.isComplete(), r.render());
        assertTrue(allowed.plan(List.of(VmDefinition.of(moved))).isEmpty());
        assertEquals(1, hv.listVms().size());
    }

    private static VmSpec rebuildDisk(VmSpec s, Disk disk) {
        VmSpec.Builder b = VmSpec.builder(s.name()).cores(s.cores()).memory(s.memoryMiB()).disk(disk.withDiscard(true));
        s.nics().forEach(b::nic);
        s.cloudInit().ifPresent(b::cloudInit);
        s.agent().ifPresent(b::agent);
        return b.tags(s.tags().toArray(String[]::new)).start(s.start()).build();
    }

    @Test
    void equivalentSpellingsWrittenBySomeoneElsePlanNoChange() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        Phoenix p = phoenix(hv);
        p.converge(List.of(web("web01")));
        VmSummary vm = hv.listVms().get(0);
        Map<String, String> stored = hv.getConfig(vm.ref()).values();
        String mac = ai.thinkheads.phoenix.config.NetConfig.parse(stored.get("net0")).mac().orElseThrow();
        String volume = ai.thinkheads.phoenix.config.DriveConfig.parse(stored.get("scsi0")).file();
        hv.updateConfig(vm.ref(), ConfigUpdate.set(Map.of(
                "memory", "current=2048",
                "tags", "Web prod PHOENIX-MANAGED",
                "agent", "enabled=1",
                "net0", "model=virtio,tag=10,macaddr=" + mac.toLowerCase(java.util.Locale.ROOT) + ",bridge=vmbr0",
                "scsi0", "size=8G,discard=on,file=" + volume))).await(Duration.ofMinutes(1));
        Plan again = p.plan(List.of(web("web01")));
        assertTrue(again.isEmpty(), again.render() + "\nstored: " + hv.getConfig(vm.ref()).values());
    }
}
