package ai.thinkheads.phoenix.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.AgentConfig;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.definition.VmDefinition.Feature;
import ai.thinkheads.phoenix.definition.VmDefinition.SnapshotPolicy;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.PciPassthrough;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link NativeDefinitionFormat}: examples, versioning, defaults, problems, and the shipped schema. */
class NativeDefinitionFormatTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HASH = "$6$saltsalt$8Yk7m1dJ0pC9tQxk0M3qk1V0cU0sG1i2wWl7oE5Z3sS3lq1t5yGx9lQ1Q0c2QJ3oYQ8u4ZtH9rV2nP7mL6kJ0.";

    private static MiniSchemaValidator schema() throws Exception {
        return new MiniSchemaValidator(MAPPER.readTree(NativeDefinitionFormat.schema()));
    }

    private static VmDefinition web() {
        VmSpec spec = VmSpec.builder("web01").vmid(120).node("pve1")
                .source(Source.importImage("/var/lib/vz/template/iso/noble-server-cloudimg-amd64.img"))
                .cores(2).memory(4096).cpu("host")
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(32)).withDiscard(true).withIothread(true))
                .disk(Disk.virtio(1, "local-lvm", DiskSize.ofMiB(1536 * 1024)).withOption("backup", "0"))
                .nic(Nic.virtio(0, "vmbr0").withVlan(10).withFirewall(true))
                .cloudInit(CloudInit.builder("local-lvm").user("ubuntu").passwordHash(HASH)
                        .ipconfig(0, IpConfig.staticV4("10.0.0.5/24", "10.0.0.1")).nameservers("10.0.0.1").build())
                .agent(new AgentConfig(true, true)).bootOrder("scsi0", "net0").onboot(true).startup(2, 30, null)
                .tags("web", "prod").pool("lab").description("front end\nsecond line")
                .pci(PciPassthrough.host(0, "0000:01:00.0").withPcie(true)).option("vga", "qxl").start(true).build();
        return new VmDefinition(spec, List.of("db01"), List.of(Feature.named("base_setup"),
                new Feature("docker", Map.of("version", "\"27.1\""))),
                new SnapshotPolicy("pre_features", "post_features", null),
                Map.of("$.vms[1].traefik_service", "{\"name\":\"web\",\"port\":443}"),
                Map.of("volumes", "[{\"type\":\"nfs\",\"path\":\"/export/web\"}]"));
    }

    private static VmDefinition db() {
        return VmDefinition.of(VmSpec.builder("db01").vmid(121).source(new Source.CloneTemplate(9000, true, null, "ceph"))
                .disk(Disk.scsi(0, "ceph", DiskSize.ofGiB(64))).nic(Nic.virtio(0, "vmbr0")).agent(true).build());
    }

    @Test
    void aRichSetRoundTripsAndTheSchemaAcceptsIt() throws Exception {
        DefinitionSet set = new DefinitionSet(List.of(db(), web()), Map.of("$.vm_defaults.template", "\"ubuntu\""));
        String json = NativeDefinitionFormat.write(set);
        assertEquals(set, NativeDefinitionFormat.read(json, "rich.json"));
        assertEquals(List.of(), schema().validate(MAPPER.readTree(json)));
        JsonNode tree = MAPPER.readTree(json);
        assertEquals(1, tree.get("phoenix").intValue());
        assertEquals("1536G", tree.at("/vms/1/disks/1/size").textValue());
        assertEquals(HASH, tree.at("/vms/1/cloudInit/passwordHash").textValue(), "the hash is written: it is the declared value");
        assertFalse(set.toString().contains(HASH), "but never printed");
    }

    @Test
    void aSmallFileReadsToTheDocumentedValues() {
        String json = String.join("\n",
                "{",
                "  \"phoenix\": 1,",
                "  \"defaults\": {",
                "    \"cores\": 2, \"memory\": 4096, \"agent\": true,",
                "    \"cloudInit\": {\"storage\": \"local-lvm\", \"user\": \"ops\"},",
                "    \"nics\": [{\"slot\": \"net0\", \"bridge\": \"vmbr0\"}]",
                "  },",
                "  \"vms\": [",
                "    {\"name\": \"tpl\", \"vmid\": 9000, \"template\": true,",
                "     \"source\": {\"type\": \"import\", \"from\": \"local:iso/noble.img\"},",
                "     \"disks\": [{\"slot\": \"scsi0\", \"storage\": \"local-lvm\"}],",
                "     \"snapshots\": {\"beforeTemplate\": \"clean\"}},",
                "    {\"name\": \"app\", \"vmid\": 200, \"cores\": 4, \"dependsOn\": [\"tpl\"],",
                "     \"source\": {\"type\": \"clone\", \"template\": 9000, \"full\": true},",
                "     \"disks\": [{\"slot\": \"scsi0\", \"storage\": \"local-lvm\", \"size\": \"40G\"}],",
                "     \"cloudInit\": {\"ipconfig\": [{\"nic\": 0, \"ip\": \"10.0.0.20/24\", \"gw\": \"10.0.0.1\"}]},",
                "     \"features\": [\"docker\"], \"x-owner\": \"team-a\"}",
                "  ]",
                "}");
        DefinitionSet set = NativeDefinitionFormat.read(json, "small.json");
        VmSpec tplSpec = VmSpec.builder("tpl").vmid(9000).template(true).source(Source.importImage("local:iso/noble.img"))
                .cores(2).memory(4096).agent(true).disk(Disk.scsi(0, "local-lvm", null)).nic(Nic.virtio(0, "vmbr0"))
                .cloudInit(CloudInit.builder("local-lvm").user("ops").build()).build();
        assertEquals(new VmDefinition(tplSpec, List.of(), List.of(), new SnapshotPolicy(null, null, "clean"), Map.of()),
                set.vms().get(0));
        VmDefinition app = set.vms().get(1);
        assertEquals(4, app.spec().cores(), "the VM's value wins");
        assertEquals(4096, app.spec().memoryMiB(), "the default fills in");
        CloudInit ci = app.spec().cloudInit().orElseThrow();
        assertEquals("local-lvm", ci.storage(), "objects merge member by member");
        assertEquals("ops", ci.user().orElseThrow());
        assertEquals(IpConfig.staticV4("10.0.0.20/24", "10.0.0.1"), ci.ipConfigs().get(0));
        assertEquals(Source.fullClone(9000), app.spec().source());
        assertEquals(List.of("tpl"), app.dependsOn());
        assertEquals(List.of(Feature.named("docker")), app.features());
        assertEquals(Map.of("$.vms[1].x-owner", "\"team-a\""), app.ignored());
    }

    @ParameterizedTest
    @ValueSource(strings = {"829c047", "093e2b5", "0385ea2"})
    void orchestratorFilesConvertToTheNativeFormatWithoutLoss(String rev) throws Exception {
        DefinitionSet read = OrchestratorConfigReader.defaults().read(SharedReference.file("phoenix_vm_configs." + rev + ".json"));
        String json = NativeDefinitionFormat.write(read);
        // notices are about the orchestrator file's text (paths, lines), not part of what it declares: not converted
        DefinitionSet declared = new DefinitionSet(read.vms().stream().map(v -> v.withNotices(List.of())).toList(), read.ignored());
        assertEquals(declared, NativeDefinitionFormat.read(json, rev + ".phoenix.json"));
        assertEquals(List.of(), schema().validate(MAPPER.readTree(json)));
    }

    @Test
    void versionIsRequiredAndAnotherMajorVersionIsRefused() {
        DefinitionException missing = assertThrows(DefinitionException.class,
                () -> NativeDefinitionFormat.read("{\"vms\": []}", "v.json"));
        assertEquals(List.of(new DefinitionProblem("$", 1, 1, "missing required 'phoenix' (the format version, 1)")),
                missing.problems());

        DefinitionException newer = assertThrows(DefinitionException.class,
                () -> NativeDefinitionFormat.read("{\n  \"phoenix\": 2,\n  \"vms\": [{\"name\": 5, \"future\": true}]\n}", "v2.json"));
        assertEquals(List.of(new DefinitionProblem("$.phoenix", 2, 14,
                "format version 2 is not supported: this Phoenix reads version 1; use a newer Phoenix")), newer.problems(),
                "nothing else of a newer file is judged");

        DefinitionException text = assertThrows(DefinitionException.class,
                () -> NativeDefinitionFormat.read("{\"phoenix\": \"1\", \"vms\": []}", "v.json"));
        assertEquals("expected the format version as an integer (1), got string \"1\"", text.problems().get(0).message());
        assertEquals(DefinitionSet.of(List.of()), NativeDefinitionFormat.read("{\"phoenix\": 1, \"vms\": []}", "v.json"));
    }

    @Test
    void everyProblemIsReportedWithPathAndLine() {
        String json = String.join("\n",
                "{",
                "  \"phoenix\": 1,",
                "  \"defaults\": {\"memory\": 8, \"name\": \"x\"},",
                "  \"vms\": [",
                "    {\"name\": \"a\", \"cores\": \"two\", \"colour\": \"blue\",",
                "     \"nics\": [{\"slot\": \"net0\", \"bridge\": \"vmbr0\", \"vlan\": 5000}],",
                "     \"disks\": [{\"slot\": \"scsi0\", \"storage\": \"local-lvm\", \"size\": \"lots\"},",
                "                {\"slot\": \"nvme0\", \"storage\": \"local-lvm\", \"size\": \"1G\"}],",
                "     \"cloudInit\": {\"storage\": \"local-lvm\", \"ipconfig\": [{\"nic\": 0, \"ip\": \"10.0.0.256/24\"}]}},",
                "    {\"name\": \"b\", \"source\": {\"type\": \"clone\"}, \"dependsOn\": [\"nobody\"],",
                "     \"snapshots\": {\"beforeFeatures\": \"1st\"}, \"boot\": [\"scsi9\"]}",
                "  ]",
                "}");
        DefinitionException e = assertThrows(DefinitionException.class, () -> NativeDefinitionFormat.read(json, "bad.json"));
        Map<String, String> byPath = e.problems().stream().collect(Collectors.toMap(
                p -> p.path() + "@" + p.line(), DefinitionProblem::message, (a, b) -> a + " | " + b));
        assertEquals(Map.ofEntries(
                Map.entry("$.defaults.name@3", "'name' identifies one VM and cannot be a default"),
                Map.entry("$.defaults.memory@3", "8 is less than 16"),
                Map.entry("$.vms[0].colour@5", "unknown member 'colour'"),
                Map.entry("$.vms[0].cores@5", "expected an integer, got string \"two\""),
                Map.entry("$.vms[0].nics[0].vlan@6", "5000 is outside 1..4094"),
                Map.entry("$.vms[0].disks[0].size@7", "not a disk size: 'lots' (expected e.g. 32G, 512M, 1T)"),
                Map.entry("$.vms[0].disks[1].slot@8", "'nvme0' is not a disk slot (scsi0..30, virtio0..15, sata0..5, ide0..3)"),
                Map.entry("$.vms[0].cloudInit.ipconfig[0].ip@9",
                        "'10.0.0.256/24' is neither 'dhcp' nor an IPv4 address in CIDR notation"),
                Map.entry("$.vms[1].source@10", "missing required 'template' (the template's vmid)"),
                Map.entry("$.vms[1].snapshots.beforeFeatures@11",
                        "'1st' is not a valid snapshot name (a letter, then letters, digits, '_' or '-')"),
                Map.entry("$.vms[1].boot@11", "boot[0]: 'scsi9' is not a declared disk, NIC or PCI device"),
                Map.entry("$.vms[1].dependsOn[0]@10", "no VM named 'nobody' in this file")),
                byPath, e.getMessage());
        DefinitionProblem vlan = e.problems().stream().filter(p -> p.path().endsWith("vlan")).findFirst().orElseThrow();
        assertEquals(OrchestratorConfigReaderTest.column(json, 6, "5000"), vlan.column());
    }

    @Test
    void aSourceIsNotMergedWithTheDefaultOne() {
        String json = "{\"phoenix\": 1, \"defaults\": {\"source\": {\"type\": \"clone\", \"template\": 9000},"
                + " \"options\": {\"ostype\": \"l26\"}, \"disks\": [{\"slot\": \"scsi0\", \"storage\": \"local-lvm\", \"size\": \"8G\"}]},"
                + " \"vms\": [{\"name\": \"a\"}, {\"name\": \"b\", \"options\": {\"vga\": \"qxl\"},"
                + " \"source\": {\"type\": \"import\", \"from\": \"/img/b.img\"}}]}";
        DefinitionSet set = NativeDefinitionFormat.read(json, "s.json");
        assertEquals(Source.linkedClone(9000), set.vms().get(0).spec().source());
        assertEquals(Source.importImage("/img/b.img"), set.vms().get(1).spec().source());
        assertEquals(Map.of("ostype", "l26", "vga", "qxl"), set.vms().get(1).spec().options(), "options objects merge");
    }

    @Test
    void namesAndVmidsAreUnique() {
        String json = "{\"phoenix\": 1, \"vms\": [{\"name\": \"a\", \"vmid\": 100}, {\"name\": \"a\", \"vmid\": 100}]}";
        DefinitionException e = assertThrows(DefinitionException.class, () -> NativeDefinitionFormat.read(json, "u.json"));
        assertEquals(Set.of("$.vms[1].name", "$.vms[1].vmid"),
                e.problems().stream().map(DefinitionProblem::path).collect(Collectors.toSet()));
    }

    @Test
    void theShippedSchemaIsDraft202012AndRejectsWhatTheReaderRejects() throws Exception {
        JsonNode s = MAPPER.readTree(NativeDefinitionFormat.schema());
        assertEquals("https://json-schema.org/draft/2020-12/schema", s.get("$schema").textValue());
        assertEquals(1, s.at("/properties/phoenix/const").intValue());
        MiniSchemaValidator v = schema();
        assertTrue(v.validate(MAPPER.readTree("{\"vms\": []}")).contains("$: required phoenix"));
        assertFalse(v.validate(MAPPER.readTree("{\"phoenix\": 2, \"vms\": []}")).isEmpty());
        assertFalse(v.validate(MAPPER.readTree("{\"phoenix\": 1, \"vms\": [{\"name\": \"a\", \"colour\": 1}]}")).isEmpty());
        assertFalse(v.validate(MAPPER.readTree("{\"phoenix\": 1, \"vms\": [{\"cores\": 2}]}")).isEmpty(), "name required");
        assertFalse(v.validate(MAPPER.readTree("{\"phoenix\": 1, \"vms\": [{\"name\": \"a\", \"source\": {\"type\": \"clone\"}}]}"))
                .isEmpty());
        assertFalse(v.validate(MAPPER.readTree("{\"phoenix\": 1, \"defaults\": {\"vmid\": 100}, \"vms\": []}")).isEmpty());
        assertEquals(List.of(), v.validate(MAPPER.readTree("{\"phoenix\": 1, \"x-note\": 1, \"vms\": [{\"name\": \"a\", \"x-y\": 2}]}")));
        for (String field : NativeDefinitionFormat.VM_KEYS) {
            assertTrue(s.at("/$defs/vmMembers/properties").has(field), "schema lacks VM member " + field);
        }
        assertEquals(NativeDefinitionFormat.VM_KEYS.size(), s.at("/$defs/vmMembers/properties").size());
    }
}
