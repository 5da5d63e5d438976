package ai.thinkheads.phoenix.testkit.simulator.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.definition.DefinitionSet;
import ai.thinkheads.phoenix.definition.OrchestratorConfigReader;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.Refusal;
import ai.thinkheads.phoenix.plan.VmPlan;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.contract.HypervisorContract;
import ai.thinkheads.phoenix.testkit.model.StorageSpec;
import ai.thinkheads.phoenix.testkit.schema.PveApiReference;
import ai.thinkheads.phoenix.testkit.schema.SchemaAudit;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shell orchestrator's three revisions of {@code phoenix_vm_configs.json} (read from the
 * shared reference folder at test time) planned and applied through a backend talking to the PVE
 * simulator, then planned again: nothing left to do. Every request is checked against the PVE 8.4
 * and 9.1 schemas ({@link SchemaAudit}). Like {@link HypervisorContract}, a backend runs it by
 * extending it and implementing {@link #backend}.
 *
 * <p>The cloud image is the volume {@code local:iso/noble-server-cloudimg-amd64.img} (reader option
 * {@code imageStorage("local")}: an API token may not pass a filesystem path to {@code import-from},
 * pve-storage {@code check_volume_access}). In 0385ea2, Portainer declares a 32G disk cloned from a
 * 50G template: the reader drops that size (the shell orchestrator never resized clones, and Proxmox
 * cannot shrink a disk), so Portainer keeps the template's 50G; drphoenix's 64G grows its clone.
 */
public abstract class OrchestratorFilesContract {

    /** What each revision has refused, by VM name. */
    static final Map<String, Map<String, Refusal.Reason>> REFUSED = Map.of(
            "829c047", Map.of(),
            "093e2b5", Map.of(),
            "0385ea2", Map.of());

    /** scsi0's size per VM name where a revision's clones are not simply their declared size. */
    static final Map<String, Map<String, String>> CLONE_DISKS = Map.of(
            "0385ea2", Map.of("Portainer", "size=50G", "drphoenix", "size=64G"));

    /** The backend under test, connected to {@code sim}; the test closes it. */
    protected abstract Hypervisor backend(PveSimulator sim);

    static Path sharedFile(String name) {
        return PveApiReference.directory().resolveSibling("phoenix-orchestrator").resolve(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"829c047", "093e2b5", "0385ea2"})
    void plannedAppliedAndConvergedThroughTheBackend(String revision) throws Exception {
        DefinitionSet set = OrchestratorConfigReader.builder().imageStorage("local").build()
                .read(sharedFile("phoenix_vm_configs." + revision + ".json"));
        FakeHypervisor fake = FakeHypervisor.builder().realTime()
                .defaultTaskDuration(Duration.ofMillis(5))
                .guestBootDelay(Duration.ofMillis(50))
                .cloudInitDuration(Duration.ofMillis(150), Duration.ofMillis(5))
                .storage(StorageSpec.local("quickOS-vm-disks", "zfspool", 2048, "images", "rootdir"))
                .build();
        fake.cluster().addVolume("pve", "local", "iso/noble-server-cloudimg-amd64.img", 3L << 30);
        int refusedBefore = SchemaAudit.shared().refusals().size();
        long checkedBefore = SchemaAudit.shared().checkedCount();
        try (PveSimulator sim = PveSimulator.over(fake.cluster()).requestValidator(SchemaAudit.shared()::check).build().start();
             Hypervisor api = backend(sim)) {
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
                String size = CLONE_DISKS.getOrDefault(revision, Map.of()).get(d.name());
                if (size != null) {
                    assertTrue(c.get("scsi0").contains(size), d.name() + ": " + c.get("scsi0"));
                }
                assertTrue(c.get("tags").contains("phoenix-managed"), c.toString());
            }
            assertTrue(SchemaAudit.shared().checkedCount() > checkedBefore, "requests were checked against the schemas");
            assertEquals(refusedBefore, SchemaAudit.shared().refusals().size(), "no request failed the PVE schemas");
        } finally {
            fake.close();
        }
    }
}
