package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.definition.DefinitionSet;
import ai.thinkheads.phoenix.definition.OrchestratorConfigReader;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.Refusal;
import ai.thinkheads.phoenix.plan.VmPlan;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.model.StorageSpec;
import ai.thinkheads.phoenix.testkit.schema.SchemaAudit;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three revisions of the shell orchestrator's {@code phoenix_vm_configs.json} (from the shared
 * reference folder) planned and applied through {@link QmHypervisor} over SSH (host key pinned) to the
 * PVE simulator's qm/pvesh face, wired as {@link QmBackendContractTest} does (every command line
 * checked against the PVE 8.4 and 9.1 schemas, a malformed one refused as PVE would), then planned again: nothing left to do.
 *
 * <p>Same set-up and decisions as the testkit's {@code OrchestratorFilesOnFakeTest}: storage
 * {@code quickOS-vm-disks}, the cloud image as the volume {@code local:iso/noble-server-cloudimg-amd64.img}
 * (reader option {@code imageStorage("local")}, the same files for both backends; qm runs as root,
 * which could pass a filesystem path, but the API backend's token could not), and in 0385ea2 Portainer (32G clone of a 50G template) refused, with drphoenix
 * that depends on it.
 */
class OrchestratorFilesOverQmTest {

    static final Map<String, Map<String, Refusal.Reason>> REFUSED = Map.of(
            "829c047", Map.of(),
            "093e2b5", Map.of(),
            "0385ea2", Map.of("Portainer", Refusal.Reason.DISK_SHRINK, "drphoenix", Refusal.Reason.MISSING_DEPENDENCY));

    static Path sharedFile(String name) {
        String prop = System.getProperty("phoenix.shared.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop, "phoenix-orchestrator"))) {
            return Paths.get(prop, "phoenix-orchestrator", name);
        }
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolveSibling("shared").resolve("phoenix-orchestrator");
            if (Files.isDirectory(candidate)) {
                return candidate.resolve(name);
            }
        }
        throw new IllegalStateException("no shared/phoenix-orchestrator folder found (set -Dphoenix.shared.dir)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"829c047", "093e2b5", "0385ea2"})
    void plannedAppliedAndConvergedOverSsh(String revision) throws Exception {
        DefinitionSet set = OrchestratorConfigReader.builder().imageStorage("local").build()
                .read(sharedFile("phoenix_vm_configs." + revision + ".json"));
        FakeHypervisor fake = FakeHypervisor.builder().realTime()
                .defaultTaskDuration(Duration.ofMillis(5))
                .guestBootDelay(Duration.ofMillis(50))
                .storage(StorageSpec.local("quickOS-vm-disks", "zfspool", 2048, "images", "rootdir"))
                .build();
        fake.cluster().addVolume("pve", "local", "iso/noble-server-cloudimg-amd64.img", 3L << 30);
        int refusedBefore = SchemaAudit.shared().refusals().size();
        long checkedBefore = SchemaAudit.shared().checkedCount();
        try (PveSimulator sim = PveSimulator.builder().hypervisor(fake).requestValidator(SchemaAudit.shared()::check).build().start();
             QmHypervisor api = QmHypervisor.builder()
                     .host("127.0.0.1").port(sim.sshPort())
                     .user("root").password(sim.rootPassword())
                     .hostKeyFingerprint(sim.sshHostKeyFingerprint())
                     .node(sim.sshNode())
                     .build()) {
            Phoenix phoenix = Phoenix.on(api);
            Plan full = phoenix.plan(set.vms());
            Map<String, Refusal.Reason> refused = new TreeMap<>();
            full.refusals().forEach(r -> refused.put(r.vm(), r.reason()));
            assertEquals(REFUSED.get(revision), refused, full.render());
            List<VmDefinition> applicable = set.vms().stream().filter(d -> !refused.containsKey(d.name())).toList();

            Plan plan = phoenix.plan(applicable);
            assertFalse(plan.hasRefusals(), plan.render());
            assertEquals(applicable.size(), plan.count(VmPlan.Action.CREATE), plan.render());
            ApplyResult result = phoenix.apply(plan);
            assertTrue(result.isComplete(), result.render());
            Plan again = phoenix.plan(applicable);
            assertTrue(again.isEmpty(), again.render());

            for (VmDefinition d : applicable) {
                VmSummary vm = api.listVms().stream().filter(v -> v.vmid() == d.spec().vmid().orElseThrow()).findFirst()
                        .orElseThrow(() -> new AssertionError(d.name() + " missing"));
                Map<String, String> c = api.getConfig(vm.ref()).values();
                assertEquals(d.name(), vm.name());
                assertEquals(d.spec().template(), vm.template(), c.toString());
                assertEquals(Integer.toString(d.spec().cores()), c.get("cores"), c.toString());
                assertEquals(Integer.toString(d.spec().memoryMiB()), c.get("memory"), c.toString());
                assertTrue(c.get("scsi0").startsWith("quickOS-vm-disks:"), c.toString());
                assertTrue(c.get("tags").contains("phoenix-managed"), c.toString());
            }
            assertTrue(SchemaAudit.shared().checkedCount() > checkedBefore, "requests were checked against the schemas");
            assertEquals(refusedBefore, SchemaAudit.shared().refusals().size(), "no request failed the PVE schemas");
        } finally {
            fake.close();
        }
    }
}
