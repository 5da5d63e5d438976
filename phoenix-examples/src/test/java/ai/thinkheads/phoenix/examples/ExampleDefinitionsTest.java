package ai.thinkheads.phoenix.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.definition.DefinitionSet;
import ai.thinkheads.phoenix.definition.NativeDefinitionFormat;
import ai.thinkheads.phoenix.definition.OrchestratorConfigReader;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.model.GuestState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The project's own definition files in {@code examples/definitions}: the seed's setup (an Ubuntu
 * 24.04 template from the cloud image and Docker VMs cloned from it) in Phoenix's format and in the
 * shell orchestrator's. Each reads, plans, applies on the fake and then plans nothing.
 */
class ExampleDefinitionsTest {

    static Path examples() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples/definitions"))) {
                return p.resolve("examples/definitions");
            }
        }
        throw new IllegalStateException("examples/definitions not found above " + Path.of("").toAbsolutePath());
    }

    private static void appliesAndConverges(DefinitionSet set) {
        FakeHypervisor pve = FakeHypervisor.singleNode();
        pve.cluster().addVolume("pve", "local", "import/noble-server-cloudimg-amd64.img", 3758096384L);
        pve.cluster().addVolume("pve", "local", "iso/noble-server-cloudimg-amd64.img", 3758096384L);
        Phoenix phoenix = Phoenix.on(pve).time(pve.time());
        Plan plan = phoenix.plan(set.vms());
        assertTrue(plan.refusals().isEmpty(), plan.render());
        ApplyResult result = phoenix.apply(plan);
        assertTrue(result.isComplete(), result.toString());
        Plan again = phoenix.plan(set.vms());
        assertTrue(again.isEmpty(), again.render());

        assertTrue(pve.getConfig(VmRef.of("pve", 9000)).isTemplate());
        for (int vmid : List.of(9101, 9102)) {
            VmConfig config = pve.getConfig(VmRef.of("pve", vmid));
            assertEquals("4", config.values().get("cores"));
            assertEquals("8192", config.values().get("memory"));
            assertTrue(config.values().get("scsi0").contains("size=64G"), config.values().get("scsi0"));
            assertEquals("1", config.values().get("onboot"));
            assertEquals(PowerState.RUNNING, pve.findVm(vmid).orElseThrow().state());
        }
        assertEquals("gw=10.0.0.1,ip=10.0.0.21/24", pve.getConfig(VmRef.of("pve", 9101)).values().get("ipconfig0"));
        // the features reached the guests: Docker from Docker's repository, running, the agent answering
        for (int vmid : List.of(9101, 9102)) {
            GuestState g = pve.guest(vmid);
            assertTrue(g.running("docker") && g.running("qemu-guest-agent"), vmid + ": " + g.services());
            assertTrue(g.users().get("ubuntu").contains("docker"), g.users().toString());
        }
        assertEquals(List.of("before-features", "after-features"),
                pve.listSnapshots(VmRef.of("pve", 9101)).stream().map(s -> s.name()).toList());
    }

    @Test
    void theNativeFileAppliesAndConverges() throws Exception {
        DefinitionSet set = NativeDefinitionFormat.read(examples().resolve("seed.phoenix.json"));
        assertEquals(List.of("ubuntu-2404-tmpl", "docker-01", "docker-02"), set.vms().stream().map(d -> d.name()).toList());
        appliesAndConverges(set);
    }

    @Test
    void theOrchestratorFileAppliesAndConverges() throws Exception {
        DefinitionSet set = OrchestratorConfigReader.builder().imageStorage("local").build()
                .read(examples().resolve("seed.orchestrator.json"));
        assertEquals(List.of("ubuntu-2404-tmpl"), set.byName("docker-02").orElseThrow().dependsOn().stream()
                .filter(d -> d.startsWith("ubuntu")).toList());
        appliesAndConverges(set);
    }
}
