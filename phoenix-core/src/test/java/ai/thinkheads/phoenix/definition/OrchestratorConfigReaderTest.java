package ai.thinkheads.phoenix.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.config.StartupOrder;
import ai.thinkheads.phoenix.definition.VmDefinition.Feature;
import ai.thinkheads.phoenix.definition.VmDefinition.SnapshotPolicy;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.ProxmoxConfigMapping;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link OrchestratorConfigReader} against the three revisions of the shell orchestrator's
 * {@code phoenix_vm_configs.json} (read from the shared folder), its schema, and bad input.
 */
class OrchestratorConfigReaderTest {

    private static final String IMAGE = "/var/lib/vz/template/iso/noble-server-cloudimg-amd64.img";
    private final OrchestratorConfigReader reader = OrchestratorConfigReader.defaults();

    private DefinitionSet revision(String rev) throws Exception {
        return reader.read(SharedReference.file("phoenix_vm_configs." + rev + ".json"));
    }

    /** The template both early revisions and the newest one declare, with the revision's values. */
    private static VmSpec template(int vmid, int cores, int memory, int diskGb, IpConfig ip, String... nameservers) {
        CloudInit.Builder ci = CloudInit.builder("quickOS-vm-disks").user("phoenix_user").ipconfig(0, ip);
        if (nameservers.length > 0) {
            ci.nameservers(nameservers);
        }
        return VmSpec.builder("ubuntu-2404-cloud-template").vmid(vmid).source(Source.importImage(IMAGE))
                .scsihw("virtio-scsi-pci").cores(cores).memory(memory)
                .disk(Disk.scsi(0, "quickOS-vm-disks", DiskSize.ofGiB(diskGb)))
                .nic(Nic.virtio(0, "vmbr0")).cloudInit(ci.build()).agent(true).template(true)
                .option("serial0", "socket").build();
    }

    @Test
    void revision829c047() throws Exception {
        DefinitionSet set = revision("829c047");
        assertEquals(List.of("ubuntu-2404-cloud-template", "docker-vm-01"), names(set));

        VmDefinition template = set.vms().get(0);
        assertEquals(template(8000, 4, 8192, 100, IpConfig.staticV4("10.0.0.45/24", "10.0.0.1"), "75.75.75.75", "75.75.76.76"),
                template.spec());
        assertEquals(List.of(), template.dependsOn());
        assertEquals(SnapshotPolicy.none(), template.snapshots());

        VmDefinition docker = set.vms().get(1);
        VmSpec expected = VmSpec.builder("docker-vm-01").vmid(8001).source(Source.fullClone(8000)).scsihw("virtio-scsi-pci")
                .cores(4).memory(8192).disk(Disk.scsi(0, "quickOS-vm-disks", DiskSize.ofGiB(100)))
                .nic(Nic.virtio(0, "vmbr0"))
                .cloudInit(CloudInit.builder("quickOS-vm-disks").user("phoenix_user")
                        .ipconfig(0, IpConfig.staticV4("10.0.0.101/24", "10.0.0.1")).build())
                .agent(true).start(true).build();
        assertEquals(expected, docker.spec());
        assertEquals(List.of("ubuntu-2404-cloud-template"), docker.dependsOn());
        assertEquals(List.of(Feature.named("docker")), docker.features());
        assertEquals(SnapshotPolicy.none(), docker.snapshots(), "template_snapshot_name on a clone is not acted on");
        assertEquals(Map.of(), docker.extras());

        assertEquals(Set.of("$.vm_defaults.template", "$.vms[0].user_config.gw", "$.vms[1].template_snapshot_name"),
                set.allIgnored().keySet());
        assertEquals("\"ubuntu-24.04-standard\"", set.ignored().get("$.vm_defaults.template"));
        assertEquals("\"initial\"", docker.ignored().get("$.vms[1].template_snapshot_name"));
        assertEquals("\"10.0.0.1\"", template.ignored().get("$.vms[0].user_config.gw"));
    }

    @Test
    void revision093e2b5() throws Exception {
        DefinitionSet set = revision("093e2b5");
        assertEquals(List.of("ubuntu-2404-cloud-template", "docker-vm-01"), names(set));

        VmDefinition template = set.vms().get(0);
        assertEquals(template(8000, 2, 4096, 50, IpConfig.dhcp()), template.spec());
        assertEquals(new SnapshotPolicy(null, null, "initial_clean_state"), template.snapshots());

        VmDefinition docker = set.vms().get(1);
        VmSpec expected = VmSpec.builder("docker-vm-01").vmid(8001).source(Source.fullClone(8000)).scsihw("virtio-scsi-pci")
                .cores(4).memory(8192).disk(Disk.scsi(0, "quickOS-vm-disks", DiskSize.ofGiB(100)))
                .nic(Nic.virtio(0, "vmbr0"))
                .cloudInit(CloudInit.builder("quickOS-vm-disks").user("phoenix_user")
                        .ipconfig(0, IpConfig.staticV4("10.0.0.101/24", "10.0.0.1")).build())
                .agent(true).onboot(true).startup(1, 10, null).option("vga", "qxl").start(true).build();
        assertEquals(expected, docker.spec());
        assertEquals(new StartupOrder(1, 10, null), docker.spec().startup().orElseThrow());
        // its NFS volumes are mounted by Phoenix's volumes feature, added after the declared ones
        assertEquals(List.of(Feature.named("base_setup"), Feature.named("docker"), Feature.named("volumes")), docker.features());
        assertEquals(new SnapshotPolicy("snap_before_docker", "snap_after_docker", null), docker.snapshots());
        assertEquals(List.of("ubuntu-2404-cloud-template"), docker.dependsOn());
        JsonNode volumes = new ObjectMapper().readTree(docker.extras().get("volumes"));
        assertEquals(1, volumes.size());
        assertEquals("/quickOS/vm-persistent-data/8001", volumes.get(0).get("path").asText());
        assertEquals("/persistent-storage", volumes.get(0).get("mount_point").asText());
        assertEquals("10.0.0.13", volumes.get(0).get("server").asText());
        assertEquals(Set.of("volumes"), docker.extras().keySet());

        assertEquals(Set.of("$.vm_defaults.template"), set.allIgnored().keySet());
        Map<String, String> config = ProxmoxConfigMapping.forCreate(docker.spec()).config();
        assertEquals("1", config.get("onboot"));
        assertEquals("order=1,up=10", config.get("startup"));
        assertEquals("qxl", config.get("vga"));
    }

    @Test
    void revision0385ea2() throws Exception {
        DefinitionSet set = revision("0385ea2");
        assertEquals(List.of("ubuntu-2404-cloud-template", "Portainer", "drphoenix"), names(set));

        VmDefinition template = set.vms().get(0);
        assertEquals(template(9000, 2, 4096, 50, IpConfig.dhcp(), "10.0.0.13"), template.spec());
        assertEquals(new SnapshotPolicy(null, null, "initial_clean_state"), template.snapshots());
        assertEquals(Map.of(), template.extras());

        VmDefinition portainer = set.vms().get(1);
        VmSpec expected = VmSpec.builder("Portainer").vmid(1001).source(Source.fullClone(9000)).scsihw("virtio-scsi-pci")
                .cores(4).memory(8192) // disk_size_gb 32 is smaller than the template's 50: dropped, see below
                .nic(Nic.virtio(0, "vmbr0").withFirewall(true))
                .cloudInit(CloudInit.builder("quickOS-vm-disks").user("phoenix_user")
                        .ipconfig(0, IpConfig.staticV4("10.0.0.111/24", "10.0.0.1")).nameservers("10.0.0.13").build())
                .agent(true).onboot(true).startup(4, 2, null).start(true).build();
        assertEquals(expected, portainer.spec());
        assertEquals(List.of("ubuntu-2404-cloud-template"), portainer.dependsOn(), "102 is an LXC container, not a VM of the file");
        assertEquals("[\"102\"]", portainer.extras().get("externalDependencies"));
        assertEquals(List.of("base_setup", "trusted_ca", "step_cli", "docker", "volumes"),
                portainer.features().stream().map(Feature::name).collect(Collectors.toList()));
        JsonNode firewall = new ObjectMapper().readTree(portainer.extras().get("firewall"));
        assertTrue(firewall.get("enabled").asBoolean());
        assertEquals(2, firewall.get("rules").size());
        assertEquals("10.0.0.153", firewall.get("rules").get(0).get("dest").asText());
        assertEquals(2, new ObjectMapper().readTree(portainer.extras().get("volumes")).size());

        VmDefinition drphoenix = set.vms().get(2);
        assertEquals(1002, drphoenix.spec().vmid().orElseThrow());
        assertEquals(4, drphoenix.spec().cores());
        assertEquals(4096, drphoenix.spec().memoryMiB());
        assertEquals(DiskSize.ofGiB(64), drphoenix.spec().disks().get(0).size());
        assertEquals(new StartupOrder(5, 2, null), drphoenix.spec().startup().orElseThrow());
        assertEquals(IpConfig.staticV4("10.0.0.102/24", "10.0.0.1"),
                drphoenix.spec().cloudInit().orElseThrow().ipConfigs().get(0));
        assertEquals(List.of("ubuntu-2404-cloud-template", "Portainer"), drphoenix.dependsOn());
        assertEquals(Set.of("firewall", "volumes"), drphoenix.extras().keySet());
        assertEquals(6, new ObjectMapper().readTree(drphoenix.extras().get("firewall")).get("rules").size());

        assertEquals(new TreeSet<>(List.of("$.vm_defaults.template", "$.vms[1].disk_size_gb",
                "$.vms[1].portainer_role", "$.vms[1].traefik_service", "$.vms[1].docker_stacks",
                "$.vms[2].portainer_role", "$.vms[2].portainer_environment_name", "$.vms[2].portainer_agent_hostname",
                "$.vms[2].trigger_sync_on_completion", "$.vms[2].traefik_service", "$.vms[2].docker_stacks",
                "$.vms[2].dns_records")), set.allIgnored().keySet());
        assertEquals("{\"name\":\"portainer\",\"port\":9443}", set.allIgnored().get("$.vms[1].traefik_service"));
        assertEquals("[]", set.allIgnored().get("$.vms[2].dns_records"));
        assertEquals("\"32 (dropped: smaller than the 50 GiB disk of template 9000; the orchestrator never resized clones,"
                + " and Proxmox cannot shrink a disk)\"", set.allIgnored().get("$.vms[1].disk_size_gb"));
        assertEquals("[\"qdrant_service\",\"thinkheads_ai_app\"]", set.allIgnored().get("$.vms[2].docker_stacks"));
    }

    @Test
    void everyPropertyOfTheOrchestratorSchemaIsMappedOrKnownToBeIgnored() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(SharedReference.text("phoenix_vm_configs.schema.0385ea2.json"));
        List<String> unclassified = new ArrayList<>();
        schema.at("/properties/vms/items/properties").fieldNames().forEachRemaining(name -> {
            if (!OrchestratorConfigReader.MAPPED.contains(name) && !OrchestratorConfigReader.KNOWN_IGNORED.contains(name)) {
                unclassified.add(name);
            }
        });
        schema.at("/properties/vm_defaults/properties").fieldNames().forEachRemaining(name -> {
            if (!OrchestratorConfigReader.MAPPED.contains(name) && !OrchestratorConfigReader.KNOWN_IGNORED.contains(name)) {
                unclassified.add("vm_defaults." + name);
            }
        });
        assertEquals(List.of(), unclassified);
    }

    @Test
    void readsEveryPropertyTheSchemaDefinesInTheSchemasOwnSpelling() {
        // the schema spells the snapshot keys with '-' (as the orchestrator's jq did), docker_stacks as objects
        String json = "{\"vm_defaults\": {\"template\": \"t\", \"cores\": 2, \"memory_mb\": 2048, \"disk_size_gb\": 20,"
                + " \"storage_pool\": \"local-lvm\", \"network_bridge\": \"vmbr1\"},\n"
                + "\"vms\": [{\"vmid\": 9000, \"name\": \"tpl\", \"is_template\": true, \"template_image\": \"/srv/img/a.img\"},\n"
                + "{\"vmid\": 200, \"name\": \"app\", \"clone_from_vmid\": 9000, \"count\": 1, \"start_at_boot\": false,"
                + " \"boot_order\": 0, \"boot_delay\": 0, \"features\": [\"docker\"], \"portainer_role\": \"none\","
                + " \"snapshots\": {\"pre-features\": \"before\", \"post-features\": \"after\"},"
                + " \"qm_options\": [\"--vga=std --tablet 0\"],"
                + " \"volumes\": [{\"type\": \"nfs\", \"name\": \"v\", \"path\": \"/export/v\", \"mount_point\": \"/mnt/v\", \"server\": \"10.0.0.2\"}],"
                + " \"docker_stacks\": [{\"name\": \"s\", \"environment\": \"prod\"}],"
                + " \"firewall\": {\"enabled\": false, \"rules\": [{\"type\": \"in\", \"action\": \"DROP\", \"proto\": \"udp\", \"port\": \"53\"}]},"
                + " \"network_config\": {\"ip\": \"192.168.1.5/24\", \"gw\": \"192.168.1.1\", \"nameserver\": \"192.168.1.1 1.1.1.1\"},"
                + " \"user_config\": {\"username\": \"ops\"},"
                + " \"dns_records\": [{\"hostname\": \"app\", \"ip\": \"192.168.1.5\"}],"
                + " \"trigger_sync_on_completion\": false, \"dependencies\": [\"9000\"]}]}";
        DefinitionSet set = reader.read(json, "schema-example.json");
        VmDefinition tpl = set.vms().get(0);
        assertEquals(Source.importImage("/srv/img/a.img"), tpl.spec().source(), "an absolute template_image is used as is");
        assertEquals(DiskSize.ofGiB(20), tpl.spec().disks().get(0).size());
        VmDefinition app = set.vms().get(1);
        assertEquals(new SnapshotPolicy("before", "after", null), app.snapshots());
        assertEquals(Map.of("vga", "std", "tablet", "0"), app.spec().options());
        assertEquals(new StartupOrder(0, 0, null), app.spec().startup().orElseThrow());
        assertFalse(app.spec().onboot());
        assertEquals(List.of("192.168.1.1", "1.1.1.1"), app.spec().cloudInit().orElseThrow().nameservers());
        assertEquals("vmbr1", app.spec().nics().get(0).bridge());
        assertEquals(null, app.spec().nics().get(0).firewall(), "firewall.enabled false leaves the NIC's firewall at its default");
        assertEquals(List.of("tpl"), app.dependsOn(), "the clone source and a dependency on it are listed once");
        assertEquals(Set.of("firewall", "volumes"), app.extras().keySet());
        assertEquals(Set.of("$.vm_defaults.template", "$.vms[1].portainer_role", "$.vms[1].docker_stacks",
                "$.vms[1].dns_records", "$.vms[1].trigger_sync_on_completion"), set.allIgnored().keySet());
    }

    @Test
    void vmDefaultsFillWhatAVmLeavesOutAndVmValuesWin() {
        String json = "{\"vm_defaults\": {\"cores\": 2, \"memory_mb\": 4096, \"disk_size_gb\": 50, \"storage_pool\": \"pool-a\","
                + " \"network_bridge\": \"vmbr0\", \"start_at_boot\": true, \"features\": [\"base_setup\"],"
                + " \"network_config\": {\"ip\": \"dhcp\"}},\n"
                + "\"vms\": [{\"vmid\": 9000, \"name\": \"tpl\", \"is_template\": true, \"template_image\": \"a.img\", \"start_at_boot\": false},\n"
                + "{\"vmid\": 201, \"name\": \"a\", \"clone_from_vmid\": 9000, \"cores\": 8, \"storage_pool\": \"pool-b\", \"memory_mb\": null,"
                + " \"network_config\": {\"ip\": \"10.1.0.5/16\"}}]}";
        DefinitionSet set = reader.read(json, "defaults.json");
        VmSpec tpl = set.vms().get(0).spec();
        assertEquals(2, tpl.cores());
        assertFalse(tpl.onboot(), "the template's own start_at_boot wins over the default");
        assertEquals(List.of(Feature.named("base_setup")), set.vms().get(0).features());
        assertEquals(IpConfig.dhcp(), tpl.cloudInit().orElseThrow().ipConfigs().get(0));
        VmSpec a = set.vms().get(1).spec();
        assertEquals(8, a.cores(), "VM value wins");
        assertEquals(4096, a.memoryMiB(), "null counts as absent, so the default applies (jq's //)");
        assertEquals("pool-b", a.disks().get(0).storage());
        assertEquals("pool-b", a.cloudInit().orElseThrow().storage());
        assertEquals(DiskSize.ofGiB(50), a.disks().get(0).size());
        assertTrue(a.onboot(), "start_at_boot from the defaults");
        assertEquals(IpConfig.staticV4("10.1.0.5/16", null), a.cloudInit().orElseThrow().ipConfigs().get(0),
                "objects are replaced as a whole, not merged");
    }

    @Test
    void aCloneKeepsItsTemplatesDiskUnlessItDeclaresALargerOne() {
        String json = "{\"vm_defaults\": {\"cores\": 1, \"memory_mb\": 1024, \"disk_size_gb\": 50,"
                + " \"storage_pool\": \"local-lvm\", \"network_bridge\": \"vmbr0\"},\n"
                + "\"vms\": [{\"vmid\": 9000, \"name\": \"tpl\", \"is_template\": true, \"template_image\": \"a.img\"},\n"
                + "{\"vmid\": 201, \"name\": \"smaller\", \"clone_from_vmid\": 9000, \"disk_size_gb\": 32},\n"
                + "{\"vmid\": 202, \"name\": \"same\", \"clone_from_vmid\": 9000},\n"
                + "{\"vmid\": 203, \"name\": \"larger\", \"clone_from_vmid\": 9000, \"disk_size_gb\": 64}]}";
        DefinitionSet set = reader.read(json, "clones.json");
        VmDefinition smaller = set.byName("smaller").orElseThrow();
        assertEquals(List.of(), smaller.spec().disks(), "no disk declared: the clone keeps the template's 50G");
        assertEquals("\"32 (dropped: smaller than the 50 GiB disk of template 9000; the orchestrator never resized clones,"
                + " and Proxmox cannot shrink a disk)\"", smaller.ignored().get("$.vms[1].disk_size_gb"));
        assertEquals(DiskSize.ofGiB(50), set.byName("same").orElseThrow().spec().disks().get(0).size());
        assertEquals(DiskSize.ofGiB(64), set.byName("larger").orElseThrow().spec().disks().get(0).size(), "a larger size grows");
        assertEquals(Set.of("$.vms[1].disk_size_gb"), set.allIgnored().keySet());
    }

    @Test
    void imageDirectoryAndCloneKindAreOptions() {
        String json = "{\"vm_defaults\": {\"cores\": 1, \"memory_mb\": 1024, \"storage_pool\": \"local-lvm\", \"network_bridge\": \"vmbr0\"},"
                + "\"vms\": [{\"vmid\": 9000, \"name\": \"tpl\", \"is_template\": true, \"template_image\": \"noble.img\"},"
                + "{\"vmid\": 9001, \"name\": \"vol\", \"is_template\": true, \"template_image\": \"local:iso/noble.img\"},"
                + "{\"vmid\": 300, \"name\": \"c\", \"clone_from_vmid\": 9000}]}";
        assertEquals(Source.importImage("/var/lib/vz/template/iso/noble.img"),
                reader.read(json, "x.json").vms().get(0).spec().source());
        OrchestratorConfigReader custom = OrchestratorConfigReader.builder().imageDirectory("/mnt/images/").fullClones(false).build();
        DefinitionSet set = custom.read(json, "x.json");
        assertEquals(Source.importImage("/mnt/images/noble.img"), set.vms().get(0).spec().source());
        assertEquals(Source.importImage("local:iso/noble.img"), set.vms().get(1).spec().source());
        assertEquals(Source.linkedClone(9000), set.vms().get(2).spec().source());
        assertTrue(set.vms().get(2).spec().disks().isEmpty(), "no disk_size_gb: the clone keeps the template's disk");
        assertThrows(IllegalArgumentException.class, () -> OrchestratorConfigReader.builder().imageDirectory("relative/dir"));

        // the hypervisor config declares an iso storage the image could live on
        OrchestratorConfigReader fromStorage = OrchestratorConfigReader.builder().imageStorage("fastData-shared-iso").build();
        assertEquals(Source.importImage("fastData-shared-iso:iso/noble.img"), fromStorage.read(json, "x.json").vms().get(0).spec().source());
        assertThrows(IllegalArgumentException.class, () -> OrchestratorConfigReader.builder().imageStorage("bad storage"));
    }

    @Test
    void storagePoolsAndBridgesAreTheOnesTheHypervisorConfigDeclares() throws Exception {
        JsonNode host = new ObjectMapper().readTree(SharedReference.text("phoenix_hypervisor_config.0385ea2.json"));
        Set<String> storages = new java.util.HashSet<>();
        host.get("proxmox_storage_ids").forEach(s -> storages.add(s.asText()));
        assertTrue(storages.contains("fastData-shared-iso"));
        String bridge = host.at("/network/interfaces/name").asText();
        for (String rev : List.of("829c047", "093e2b5", "0385ea2")) {
            for (VmDefinition d : revision(rev).vms()) {
                d.spec().disks().forEach(disk -> assertTrue(storages.contains(disk.storage()), rev + " " + disk));
                assertTrue(storages.contains(d.spec().cloudInit().orElseThrow().storage()), rev);
                d.spec().nics().forEach(n -> assertEquals(bridge, n.bridge(), rev));
            }
        }
    }

    @Test
    void firewallVolumesAndQmOptionsAreChecked() {
        String json = String.join("\n",
                "{\"vm_defaults\": {\"cores\": 1, \"memory_mb\": 1024, \"storage_pool\": \"local-lvm\", \"network_bridge\": \"vmbr0\"},",
                "\"vms\": [{\"vmid\": 200, \"name\": \"a\", \"template_image\": \"a.img\",",
                "  \"firewall\": {\"rules\": [{\"type\": \"sideways\", \"action\": \"ACCEPT\", \"proto\": \"icmp\"}, {\"type\": \"in\"}]},",
                "  \"volumes\": [{\"type\": \"nfs\", \"name\": \"v\", \"path\": \"relative\", \"server\": \"10.0.0.1\"}],",
                "  \"qm_options\": [\"vga qxl\", \"--nosuchoption 1\", \"--vga\"]}]}");
        DefinitionException e = assertThrows(DefinitionException.class, () -> OrchestratorConfigReader.defaults().read(json, "f.json"));
        List<String> shown = e.problems().stream().map(p -> p.path() + "@" + p.line() + ": " + p.message()).collect(Collectors.toList());
        assertEquals(List.of(
                "$.vms[0].firewall@3: missing required 'enabled'",
                "$.vms[0].firewall.rules[0].type@3: 'sideways' is not one of [in, out]",
                "$.vms[0].firewall.rules[0].proto@3: 'icmp' is not one of [tcp, udp]",
                "$.vms[0].firewall.rules[1]@3: missing required 'action' (ACCEPT|DROP|REJECT)",
                "$.vms[0].qm_options[0]@5: 'vga qxl' is not a qm option (--key value)",
                "$.vms[0].qm_options[2]@5: option --vga has no value",
                "$.vms[0].volumes[0].path@4: 'relative' is not an absolute path",
                "$.vms[0].volumes[0]@4: missing required 'mount_point'",
                "$.vms[0].qm_options[1]@5: is not a VM option Phoenix knows (see ConfigKeys)"), shown);
    }

    @Test
    void badInputGivesEveryProblemWithPathAndLine() {
        String json = String.join("\n",
                "{",
                "  \"vm_defaults\": {\"memory_mb\": 2048, \"storage_pool\": \"local-lvm\", \"network_bridge\": \"vmbr0\"},",
                "  \"vms\": [",
                "    {\"vmid\": 9000, \"name\": \"tpl\", \"is_template\": \"yes\", \"template_image\": \"a.img\", \"cores\": 2},",
                "    {\"vmid\": 101, \"name\": \"web\", \"clone_from_vmid\": 7000, \"cores\": \"four\",",
                "     \"network_config\": {\"ip\": \"10.0.0.300/24\", \"gw\": \"10.0.0.1\"}},",
                "    {\"name\": \"db\", \"cores\": 2, \"template_image\": \"b.img\",",
                "     \"network_config\": {\"ip\": \"dhcp\", \"gw\": \"10.0.0.1\"}, \"user_config\": {\"username\": \"Bad User\"}},",
                "    {\"vmid\": 103, \"name\": \"cache\", \"cores\": 0, \"template_image\": \"c.img\", \"start_at_boot\": true,",
                "     \"is_template\": true, \"qm_options\": [\"--cores 4\"], \"features\": [\"docker\", 5]}",
                "  ]",
                "}");
        DefinitionException e = assertThrows(DefinitionException.class, () -> reader.read(json, "bad.json"));
        Map<String, DefinitionProblem> byPath = e.problems().stream()
                .collect(Collectors.toMap(DefinitionProblem::path, p -> p, (a, b) -> a));
        assertEquals("bad.json", e.source());

        DefinitionProblem isTemplate = byPath.get("$.vms[0].is_template");
        assertEquals(4, isTemplate.line());
        assertEquals(column(json, 4, "\"yes\""), isTemplate.column());
        assertEquals("expected true or false, got string \"yes\"", isTemplate.message());

        DefinitionProblem clone = byPath.get("$.vms[1].clone_from_vmid");
        assertEquals(5, clone.line());
        assertTrue(clone.message().startsWith("no VM with vmid 7000 in this file"), clone.message());
        assertEquals(5, byPath.get("$.vms[1].cores").line());
        assertEquals("expected an integer, got string \"four\"", byPath.get("$.vms[1].cores").message());

        DefinitionProblem ip = byPath.get("$.vms[1].network_config.ip");
        assertEquals(6, ip.line());
        assertEquals(column(json, 6, "\"10.0.0.300/24\""), ip.column());
        assertTrue(ip.message().contains("10.0.0.300/24"), ip.message());

        DefinitionProblem missingVmid = byPath.get("$.vms[2]");
        assertEquals(7, missingVmid.line());
        assertEquals(5, missingVmid.column());
        assertTrue(e.problems().stream().anyMatch(p -> p.path().equals("$.vms[2]") && p.message().equals("missing required 'vmid'")));
        assertEquals(8, byPath.get("$.vms[2].network_config.gw").line());
        assertTrue(byPath.get("$.vms[2].network_config.gw").message().contains("DHCP"));
        assertEquals(8, byPath.get("$.vms[2].user_config.username").line());

        assertEquals("0 is less than 1", byPath.get("$.vms[3].cores").message());
        assertEquals(9, byPath.get("$.vms[3].cores").line());
        assertEquals("a template cannot be started at boot", byPath.get("$.vms[3].start_at_boot").message());
        assertEquals(9, byPath.get("$.vms[3].start_at_boot").line());
        DefinitionProblem option = byPath.get("$.vms[3].qm_options[0]");
        assertEquals(10, option.line());
        assertTrue(option.message().contains("typed field"), option.message());
        assertEquals(10, byPath.get("$.vms[3].features[1]").line());

        assertEquals(11, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().startsWith("bad.json has 11 problems:\n  "), e.getMessage());
        assertTrue(e.getMessage().contains("$.vms[1].cores (line 5, column "), e.getMessage());
    }

    @Test
    void aBadDefaultIsReportedOnceAtTheDefaultsSection() {
        String json = "{\"vm_defaults\": {\"cores\": \"two\", \"memory_mb\": 1024, \"storage_pool\": \"local-lvm\","
                + " \"network_bridge\": \"vmbr0\"},\n\"vms\": [{\"vmid\": 9000, \"name\": \"a\", \"template_image\": \"a.img\"},"
                + " {\"vmid\": 9001, \"name\": \"b\", \"template_image\": \"a.img\"}]}";
        DefinitionException e = assertThrows(DefinitionException.class, () -> reader.read(json, "d.json"));
        assertEquals(List.of(new DefinitionProblem("$.vm_defaults.cores", 1, 27, "expected an integer, got string \"two\"")),
                e.problems());
    }

    @Test
    void badAddressesInNetworkConfigAreReportedWhereTheyAre() {
        String json = String.join("\n",
                "{\"vm_defaults\": {\"cores\": 1, \"memory_mb\": 1024, \"storage_pool\": \"local-lvm\", \"network_bridge\": \"vmbr0\"},",
                "\"vms\": [{\"vmid\": 200, \"name\": \"a\", \"template_image\": \"a.img\",",
                "  \"network_config\": {\"ip\": \"10.0.0.5\", \"gw\": \"10.0.0.999\",",
                "    \"nameserver\": \"10.0.0.1 dns.example.com\", \"nameservers\": [\"1.1.1.1\", \"::1\", \"bogus\"]}},",
                " {\"vmid\": 201, \"name\": \"b\", \"template_image\": \"a.img\", \"network_config\": {\"gw\": \"10.0.0.1\"}}]}");
        DefinitionException e = assertThrows(DefinitionException.class, () -> reader.read(json, "net.json"));
        List<String> shown = e.problems().stream().map(p -> p.path() + "@" + p.line() + ": " + p.message()).collect(Collectors.toList());
        assertEquals(List.of(
                "$.vms[0].network_config.ip@3: '10.0.0.5' is neither 'dhcp' nor an IPv4 address in CIDR notation",
                "$.vms[0].network_config.nameserver@4: 'dns.example.com' is not an IP address",
                "$.vms[0].network_config.nameservers[2]@4: 'bogus' is not an IP address",
                "$.vms[1].network_config@5: missing required 'ip' ('dhcp' or an address in CIDR notation)"), shown);
    }

    @Test
    void missingTopLevelAndPerVmRequiredFields() {
        DefinitionException noVms = assertThrows(DefinitionException.class,
                () -> reader.read("{\"vm_defaults\": {}}", "empty.json"));
        assertEquals(List.of(new DefinitionProblem("$", 1, 1, "missing required 'vms' (the list of VMs)")), noVms.problems());

        String json = "{\"vms\": [\n  {\"vmid\": 100, \"name\": \"x\"}\n]}";
        DefinitionException e = assertThrows(DefinitionException.class, () -> reader.read(json, "min.json"));
        Set<String> messages = e.problems().stream().map(DefinitionProblem::message).collect(Collectors.toSet());
        assertEquals(Set.of(
                "missing 'clone_from_vmid' or 'template_image': a VM is cloned from a template or created from a cloud image",
                "missing required 'cores' (not in the VM nor in vm_defaults)",
                "missing required 'memory_mb' (not in the VM nor in vm_defaults)",
                "missing required 'storage_pool' (not in the VM nor in vm_defaults)",
                "missing required 'network_bridge' (not in the VM nor in vm_defaults)"), messages);
        assertTrue(e.problems().stream().allMatch(p -> p.path().equals("$.vms[0]") && p.line() == 2 && p.column() == 3));
    }

    @Test
    void cloneSourceMustBeATemplateOfTheFileAndDependenciesMustNotLoop() {
        String base = "{\"vm_defaults\": {\"cores\": 1, \"memory_mb\": 1024, \"storage_pool\": \"local-lvm\", \"network_bridge\": \"vmbr0\"},"
                + "\"vms\": [{\"vmid\": 9000, \"name\": \"img\", \"template_image\": \"a.img\"},"
                + "{\"vmid\": 300, \"name\": \"c\", \"clone_from_vmid\": 9000, \"dependencies\": [\"301\"]},"
                + "{\"vmid\": 301, \"name\": \"d\", \"template_image\": \"a.img\", \"dependencies\": [300, \"x1\"]}]}";
        DefinitionException e = assertThrows(DefinitionException.class, () -> reader.read(base, "loop.json"));
        Map<String, String> byPath = e.problems().stream()
                .collect(Collectors.toMap(DefinitionProblem::path, DefinitionProblem::message, (a, b) -> a + " | " + b));
        assertTrue(byPath.get("$.vms[1].clone_from_vmid").contains("is not a template"), byPath.toString());
        assertEquals("expected a guest ID (digits), got string \"x1\"", byPath.get("$.vms[2].dependencies[1]"));
        assertTrue(byPath.values().stream().anyMatch(m -> m.startsWith("dependencies form a cycle: ")), byPath.toString());
    }

    @Test
    void duplicateVmidsNamesAndKeysAreProblems() {
        String dupes = "{\"vm_defaults\": {\"cores\": 1, \"memory_mb\": 1024, \"storage_pool\": \"local-lvm\", \"network_bridge\": \"vmbr0\"},\n"
                + "\"vms\": [{\"vmid\": 200, \"name\": \"a\", \"template_image\": \"a.img\"},\n"
                + "{\"vmid\": 200, \"name\": \"a\", \"template_image\": \"a.img\"}]}";
        DefinitionException e = assertThrows(DefinitionException.class, () -> reader.read(dupes, "dupes.json"));
        assertEquals(List.of("$.vms[1].name", "$.vms[1].vmid"),
                e.problems().stream().map(DefinitionProblem::path).sorted().collect(Collectors.toList()));
        assertTrue(e.problems().stream().allMatch(p -> p.line() == 3));

        DefinitionException key = assertThrows(DefinitionException.class,
                () -> reader.read("{\"vms\": [],\n \"vms\": []}", "key.json"));
        assertEquals(2, key.problems().get(0).line());
        assertTrue(key.problems().get(0).message().contains("Duplicate field 'vms'"), key.getMessage());
    }

    @Test
    void syntaxErrorsCarryLineAndColumn() {
        DefinitionException e = assertThrows(DefinitionException.class,
                () -> reader.read("{\n  \"vms\": [\n    {\"vmid\": 100,,}\n  ]\n}", "broken.json"));
        DefinitionProblem p = e.problems().get(0);
        assertEquals(3, p.line());
        assertEquals(18, p.column());
        assertTrue(p.message().startsWith("not valid JSON: "), p.message());
        assertEquals("$.vms[0].vmid", p.path(), "the last value read before the error");
    }

    @Test
    void secretsAreNeitherKeptNorPrinted() {
        String hash = "$6$rounds=4096$saltsalt$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcd";
        String json = "{\"vm_defaults\": {\"cores\": 1, \"memory_mb\": 1024, \"storage_pool\": \"local-lvm\", \"network_bridge\": \"vmbr0\"},"
                + "\"vms\": [{\"vmid\": 200, \"name\": \"a\", \"template_image\": \"a.img\","
                + " \"user_config\": {\"username\": \"ops\", \"password_hash\": \"" + hash.replace("$", "\\u0024") + "\","
                + " \"password\": \"hunter2\"}, \"api\": {\"token\": \"t0ps3cret\", \"url\": \"https://x\"}}]}";
        DefinitionSet set = reader.read(json, "secret.json");
        VmDefinition a = set.vms().get(0);
        assertEquals(hash, a.spec().cloudInit().orElseThrow().passwordHash().orElseThrow());
        assertEquals("\"<redacted>\"", a.ignored().get("$.vms[0].user_config.password"));
        assertEquals("{\"token\":\"<redacted>\",\"url\":\"https://x\"}", a.ignored().get("$.vms[0].api"));
        String shown = a.toString() + set;
        assertFalse(shown.contains(hash) || shown.contains("hunter2") || shown.contains("t0ps3cret"), shown);

        String plain = json.replace(hash.replace("$", "\\u0024"), "hunter2");
        DefinitionException e = assertThrows(DefinitionException.class, () -> reader.read(plain, "secret.json"));
        assertEquals("$.vms[0].user_config.password_hash", e.problems().get(0).path());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aMemberTheOrchestratorsSchemaDoesNotDefineIsAWarningWithFilePathLineAndSuggestion() {
        String json = "{\"vm_defaults\": {\"cores\": 1, \"memory_mb\": 1024, \"storage_pool\": \"local-lvm\","
                + " \"network_bridge\": \"vmbr0\", \"templte\": \"x\"},\n"
                + "\"vms\": [\n"
                + "  {\"vmid\": 200, \"name\": \"a\", \"template_image\": \"a.img\",\n"
                + "   \"memroy_mb\": 32768, \"portainer_role\": \"none\", \"network_config\": {\"ip\": \"dhcp\", \"gateway\": \"10.0.0.1\"}},\n"
                + "  {\"vmid\": 201, \"name\": \"b\", \"template_image\": \"a.img\", \"portainer_role\": \"agent\", \"colour\": \"red\"}\n"
                + "]}";
        DefinitionSet set = reader.read(json, "phoenix_vm_configs.json");
        // the typo is still read as nothing: the VM gets the default memory, but it is said
        assertEquals(1024, set.vms().get(0).spec().memoryMiB());
        List<String> a = set.vms().get(0).notices().stream().map(DefinitionNotice::toString).toList();
        assertEquals(List.of(
                "phoenix_vm_configs.json: $.vm_defaults.templte (line 1): 'templte' is not a member the orchestrator's"
                        + " schema defines for a VM (vm_defaults); did you mean 'template'? It is ignored",
                "phoenix_vm_configs.json: $.vms[0].memroy_mb (line 4): 'memroy_mb' is not a member the orchestrator's schema"
                        + " defines for a VM; did you mean 'memory_mb'? It is ignored",
                "phoenix_vm_configs.json: $.vms[0].network_config.gateway (line 4): 'gateway' is not a member the"
                        + " orchestrator's schema defines in network_config; it is ignored",
                "phoenix_vm_configs.json: Phoenix does not act on portainer_role ($.vms[0], $.vms[1])"), a);
        List<String> b = set.vms().get(1).notices().stream().map(DefinitionNotice::toString).toList();
        assertEquals(List.of(a.get(0),
                "phoenix_vm_configs.json: $.vms[1].colour (line 5): 'colour' is not a member the orchestrator's schema"
                        + " defines for a VM; it is ignored",
                a.get(3)), b);
        assertEquals(List.of(DefinitionNotice.Kind.WARNING, DefinitionNotice.Kind.WARNING, DefinitionNotice.Kind.WARNING,
                DefinitionNotice.Kind.IGNORED), set.vms().get(0).notices().stream().map(DefinitionNotice::kind).toList());
        assertEquals(5, set.notices().size());
    }

    private static List<String> names(DefinitionSet set) {
        return set.vms().stream().map(VmDefinition::name).collect(Collectors.toList());
    }

    /** 1-based column of {@code needle} on 1-based {@code line} of {@code text}. */
    static int column(String text, int line, String needle) {
        return text.split("\n", -1)[line - 1].indexOf(needle) + 1;
    }
}
