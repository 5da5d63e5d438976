package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.definition.DefinitionSet;
import ai.thinkheads.phoenix.definition.OrchestratorConfigReader;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.PlanOptions;
import ai.thinkheads.phoenix.plan.Refusal;
import ai.thinkheads.phoenix.plan.VmPlan;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.model.StorageSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three revisions of the shell orchestrator's {@code phoenix_vm_configs.json} (read from the
 * shared reference folder, never copied here) read with {@link OrchestratorConfigReader}, planned
 * and applied on a {@link FakeHypervisor} prepared with what the files need, then planned again.
 *
 * <p>Set-up per revision: node {@code pve}; the files' {@code storage_pool} {@code quickOS-vm-disks}
 * (images); {@code local} (iso) holding the cloud image that {@code template_image} names. The
 * reader is configured with {@code imageStorage("local")}, so {@code noble-server-cloudimg-amd64.img}
 * is imported from the volume {@code local:iso/noble-server-cloudimg-amd64.img} rather than from the
 * default absolute path {@code /var/lib/vz/template/iso/...}: PVE lets only {@code root@pam} pass a
 * filesystem path ({@code PVE::Storage::check_volume_access}: "Only root can pass arbitrary
 * filesystem paths."), which an API token never is, while a volume ID works for both backends.
 *
 * <p>Features ({@code docker}, {@code base_setup}, ...) are carried on the definitions and not run
 * (issue 6); declared snapshots are taken; the template snapshot is taken before {@code qm template}.
 */
class OrchestratorFilesOnFakeTest {

    static final String IMAGE = "iso/noble-server-cloudimg-amd64.img";
    static final String STORAGE = "quickOS-vm-disks";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fields each revision declares that have no provisioning meaning: JSON paths, exactly. */
    static final Map<String, Set<String>> IGNORED = Map.of(
            "829c047", Set.of("$.vm_defaults.template", "$.vms[0].user_config.gw", "$.vms[1].template_snapshot_name"),
            "093e2b5", Set.of("$.vm_defaults.template"),
            "0385ea2", Set.of("$.vm_defaults.template", "$.vms[1].disk_size_gb", "$.vms[1].docker_stacks", "$.vms[1].portainer_role",
                    "$.vms[1].traefik_service", "$.vms[2].dns_records", "$.vms[2].docker_stacks",
                    "$.vms[2].portainer_agent_hostname", "$.vms[2].portainer_environment_name", "$.vms[2].portainer_role",
                    "$.vms[2].traefik_service", "$.vms[2].trigger_sync_on_completion"));

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

    static DefinitionSet read(String revision) throws Exception {
        return OrchestratorConfigReader.builder().imageStorage("local").build()
                .read(sharedFile("phoenix_vm_configs." + revision + ".json"));
    }

    static FakeHypervisor prepared() {
        FakeHypervisor fake = FakeHypervisor.builder()
                .storage(StorageSpec.local(STORAGE, "zfspool", 2048, "images", "rootdir"))
                .build();
        fake.cluster().addVolume("pve", "local", IMAGE, 3L << 30);
        return fake;
    }

    /**
     * What the planner refuses per revision, as VM → reason: nothing. 0385ea2 declares Portainer
     * with {@code disk_size_gb: 32}, cloned from a template whose disk is 50G ({@code vm_defaults});
     * the reader drops that size and warns of it (the shell orchestrator never resized
     * clones, and Proxmox cannot shrink a disk), so Portainer keeps 50G and drphoenix, which depends
     * on it, is planned too.
     */
    static final Map<String, Map<String, Refusal.Reason>> REFUSED = Map.of(
            "829c047", Map.of(),
            "093e2b5", Map.of(),
            "0385ea2", Map.of());

    @org.junit.jupiter.api.Test
    void aTypoInTheFileIsAPlanWarningWithFilePathLineAndSuggestionAndIgnoredMembersAreListedOnce() throws Exception {
        String text = Files.readString(sharedFile("phoenix_vm_configs.0385ea2.json"));
        int at = text.indexOf("\"memory_mb\": 8192");
        String typo = text.substring(0, at) + "\"memroy_mb\": 8192" + text.substring(at + "\"memory_mb\": 8192".length());
        int line = (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        DefinitionSet set = OrchestratorConfigReader.builder().imageStorage("local").build().read(typo, "phoenix_vm_configs.json");
        FakeHypervisor fake = prepared();
        Plan plan = Phoenix.on(fake).time(fake.time()).plan(set.vms());
        String render = plan.render();

        String warning = "  warning: phoenix_vm_configs.json: $.vms[1].memroy_mb (line " + line + "): 'memroy_mb' is not a member"
                + " the orchestrator's schema defines for a VM; did you mean 'memory_mb'? It is ignored\n";
        assertEquals(1, occurrences(render, warning), render);
        // the VM falls back to vm_defaults' memory, as the orchestrator would: the warning is what tells
        assertTrue(render.contains("+ create Portainer"), render);
        // the members Phoenix knows and ignores: one line for the file, each member once
        List<String> ignored = render.lines().filter(l -> l.startsWith("  ignored: ")).toList();
        assertEquals(List.of("  ignored: phoenix_vm_configs.json: Phoenix does not act on template ($.vm_defaults);"
                + " docker_stacks ($.vms[1], $.vms[2]); portainer_role ($.vms[1], $.vms[2]); traefik_service ($.vms[1], $.vms[2]);"
                + " dns_records ($.vms[2]); portainer_agent_hostname ($.vms[2]); portainer_environment_name ($.vms[2]);"
                + " trigger_sync_on_completion ($.vms[2])"), ignored);
        // every warning once per plan, though three VMs carry the file's notices
        List<String> warnings = render.lines().filter(l -> l.startsWith("  warning: ")).toList();
        assertEquals(new java.util.LinkedHashSet<>(warnings).size(), warnings.size(), render);
        assertEquals(plan.warnings().size(), warnings.size(), render);
        // planned again, unchanged: the warnings and the ignored list are not repeated
        String again = Phoenix.on(fake).time(fake.time()).plan(set.vms()).renderAfter(plan);
        assertFalse(again.contains("  warning: ") || again.contains("  ignored: "), again);
        assertTrue(again.contains("\n  " + plan.warnings().size() + " warnings are the same as before\n"), again);
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(strings = {"829c047", "093e2b5", "0385ea2"})
    void readPlannedAppliedAndConverged(String revision) throws Exception {
        DefinitionSet set = read(revision);
        assertEquals(IGNORED.get(revision), new TreeSet<>(set.allIgnored().keySet()), "ignored fields of " + revision);

        FakeHypervisor fake = prepared();
        Phoenix phoenix = Phoenix.on(fake).time(fake.time());
        Plan full = phoenix.plan(set.vms());
        System.out.println("--- plan of phoenix_vm_configs." + revision + ".json on the fake\n" + full.render());
        if (revision.equals("0385ea2")) {
            // the README shows this plan as it is rendered: keep the two the same
            assertEquals(readmePlan(), full.render(), "README.md's 'What a plan looks like' block");
        }
        Map<String, Refusal.Reason> refused = new TreeMap<>();
        full.refusals().forEach(r -> refused.put(r.vm(), r.reason()));
        assertEquals(REFUSED.get(revision), refused, full.render());
        // no refusal to shrink: the reader dropped the smaller size (and says so in a warning)
        assertFalse(full.refusals().stream().anyMatch(r -> r.message().contains("shrink")), full.render());
        List<VmDefinition> applicable = set.vms().stream().filter(d -> !refused.containsKey(d.name())).toList();

        Plan plan = phoenix.plan(applicable);
        assertFalse(plan.hasRefusals(), plan.render());
        assertEquals(applicable.size(), plan.count(VmPlan.Action.CREATE), plan.render());
        for (VmDefinition d : applicable) {
            d.snapshots().beforeTemplateIfAny().ifPresent(s -> assertTrue(plan.vm(d.name()).orElseThrow().notes().stream()
                    .anyMatch(n -> n.startsWith("snapshot " + s + " before templating is not taken")), plan.render()));
        }
        ApplyResult result = phoenix.apply(plan);
        assertTrue(result.isComplete(), result.render());
        Plan again = phoenix.plan(applicable);
        assertTrue(again.isEmpty(), again.render());
        Plan fullAgain = phoenix.plan(set.vms());
        assertEquals(refused.size(), fullAgain.refusals().size(), fullAgain.render());
        assertTrue(fullAgain.vms().stream().allMatch(v -> !v.hasChanges()), fullAgain.render());

        assertAsDeclared(fake, revision, refused.keySet());
        // features are carried on the definitions, in the file's order, and a VM with volumes mounts them (the volumes feature)
        JsonNode doc = JSON.readTree(sharedFile("phoenix_vm_configs." + revision + ".json").toFile());
        for (JsonNode vm : doc.get("vms")) {
            List<String> declared = new ArrayList<>();
            vm.path("features").forEach(f -> declared.add(f.asText()));
            if (vm.has("volumes")) {
                declared.add("volumes");
            }
            VmDefinition d = set.byName(vm.get("name").asText()).orElseThrow();
            assertEquals(declared, d.features().stream().map(VmDefinition.Feature::name).collect(Collectors.toList()));
        }
    }

    /**
     * Each VM of the file (merged with {@code vm_defaults}, as the shell orchestrator's jq did) exists
     * on the fake with its vmid, template flag, cores, memory, disk size, ipconfig, onboot, startup,
     * owner tag, snapshots and, for a clone, its template's disk copied (a full clone: own volume).
     */
    static void assertAsDeclared(FakeHypervisorLike cluster, String revision, Set<String> refused) throws Exception {
        JsonNode doc = JSON.readTree(sharedFile("phoenix_vm_configs." + revision + ".json").toFile());
        for (JsonNode vmNode : doc.get("vms")) {
            if (refused.contains(vmNode.get("name").asText())) {
                assertTrue(cluster.listVms().stream().noneMatch(v -> v.vmid() == vmNode.get("vmid").asInt()), "refused VM was created");
                continue;
            }
            ObjectNode vm = ((ObjectNode) doc.get("vm_defaults")).deepCopy();
            vmNode.properties().forEach(e -> vm.set(e.getKey(), e.getValue()));
            int vmid = vm.get("vmid").asInt();
            String name = vm.get("name").asText();
            VmSummary summary = cluster.listVms().stream().filter(v -> v.vmid() == vmid).findFirst()
                    .orElseThrow(() -> new AssertionError("VM " + vmid + " (" + name + ") missing"));
            Map<String, String> c = cluster.config(summary).values();
            String where = revision + " " + vmid + " " + c;
            assertEquals(name, summary.name(), where);
            boolean template = vm.path("is_template").asBoolean(false);
            assertEquals(template, summary.template(), where);
            assertEquals(template ? "1" : null, c.get("template"), where);
            assertEquals(vm.get("cores").asText(), c.get("cores"), where);
            assertEquals(vm.get("memory_mb").asText(), c.get("memory"), where);
            String scsi0 = c.get("scsi0");
            assertTrue(scsi0.startsWith(STORAGE + ":" + (template ? "base-" : "vm-") + vmid + "-disk-"), where);
            // a clone keeps its template's disk unless it declares a larger one (the reader drops a smaller size)
            int diskGb = vm.get("disk_size_gb").asInt();
            if (vm.has("clone_from_vmid")) {
                for (JsonNode other : doc.get("vms")) {
                    if (other.get("vmid").asInt() == vm.get("clone_from_vmid").asInt()) {
                        diskGb = Math.max(diskGb, other.path("disk_size_gb").asInt(doc.get("vm_defaults").path("disk_size_gb").asInt()));
                    }
                }
            }
            assertTrue(scsi0.contains("size=" + diskGb + "G"), where);
            JsonNode net = vm.path("network_config");
            String ip = net.path("ip").asText();
            assertEquals(ip.equals("dhcp") ? "ip=dhcp" : "gw=" + net.path("gw").asText() + ",ip=" + ip,
                    normaliseIpconfig(c.get("ipconfig0")), where);
            assertEquals(vm.path("user_config").path("username").asText(), c.get("ciuser"), where);
            assertEquals(vm.path("start_at_boot").asBoolean(false) ? "1" : null, c.get("onboot"), where);
            if (vm.has("boot_order")) {
                assertEquals("order=" + vm.get("boot_order").asInt() + ",up=" + vm.get("boot_delay").asInt(), c.get("startup"), where);
            } else {
                assertEquals(null, c.get("startup"), where);
            }
            assertTrue(List.of(c.get("tags").split("[;, ]")).contains(PlanOptions.DEFAULT_OWNER_TAG), where);
            assertTrue(c.get("net0").contains("bridge=" + vm.get("network_bridge").asText()), where);
            assertTrue(c.get("agent").contains("1"), where);
            // a template holds no snapshot: Proxmox refuses to template a VM with snapshots, so
            // template_snapshot_name is not taken (the plan says so in a note)
            Set<String> snapshots = new TreeSet<>();
            vm.path("snapshots").forEach(s -> snapshots.add(s.asText()));
            assertEquals(snapshots, cluster.snapshots(summary), where);
            if (vm.has("clone_from_vmid")) {
                VmSummary source = cluster.listVms().stream().filter(v -> v.vmid() == vm.get("clone_from_vmid").asInt())
                        .findFirst().orElseThrow();
                assertTrue(source.template(), "clone source " + source + " is a template");
                assertFalse(scsi0.contains("base-"), "full clone, not linked: " + where);
                assertEquals(template ? null : "running", summary.state().name().toLowerCase(), where);
            }
            for (Map.Entry<String, JsonNode> opt : qmOptions(vm).entrySet()) {
                assertEquals(opt.getValue().asText(), c.get(opt.getKey()), where);
            }
        }
    }

    private static String normaliseIpconfig(String value) {
        List<String> parts = new ArrayList<>(List.of(value.split(",")));
        parts.sort(null);
        return String.join(",", parts);
    }

    private static Map<String, JsonNode> qmOptions(ObjectNode vm) {
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode o : vm.path("qm_options")) {
            String[] kv = o.asText().replaceFirst("^--", "").split("[ =]", 2);
            out.put(kv[0], JSON.getNodeFactory().textNode(kv[1]));
        }
        return out;
    }

    /** What {@link #assertAsDeclared} needs of a cluster: the seam's reads. */
    interface FakeHypervisorLike {
        List<VmSummary> listVms();

        VmConfig config(VmSummary vm);

        Set<String> snapshots(VmSummary vm);

        static FakeHypervisorLike of(ai.thinkheads.phoenix.hypervisor.Hypervisor hv) {
            return new FakeHypervisorLike() {
                @Override
                public List<VmSummary> listVms() {
                    return hv.listVms();
                }

                @Override
                public VmConfig config(VmSummary vm) {
                    return hv.getConfig(vm.ref());
                }

                @Override
                public Set<String> snapshots(VmSummary vm) {
                    return hv.listSnapshots(vm.ref()).stream().map(Snapshot::name).filter(s -> !s.equals("current"))
                            .collect(Collectors.toCollection(TreeSet::new));
                }
            };
        }
    }

    static void assertAsDeclared(FakeHypervisor fake, String revision, Set<String> refused) throws Exception {
        assertAsDeclared(FakeHypervisorLike.of(fake), revision, refused);
    }

    /** The plan block of README.md's "What a plan looks like" (the code block that starts with the template's create). */
    static String readmePlan() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Path.of("").toAbsolutePath();
        while (dir != null && !java.nio.file.Files.exists(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        String readme = java.nio.file.Files.readString(java.util.Objects.requireNonNull(dir, "README.md").resolve("README.md"));
        int start = readme.indexOf("```\n+ create ubuntu-2404-cloud-template") + 4;
        return readme.substring(start, readme.indexOf("```", start));
    }
}
