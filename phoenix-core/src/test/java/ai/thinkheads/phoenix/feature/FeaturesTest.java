package ai.thinkheads.phoenix.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.cloudinit.CloudConfig;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.ProxmoxConfigMapping;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeaturesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static VmSpec.Builder vm() {
        return VmSpec.builder("docker-01").source(Source.linkedClone(9000)).cores(2).memory(4096)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(32))).nic(Nic.virtio(0, "vmbr0"))
                .cloudInit(CloudInit.builder("local-lvm").user("ops").sshKey("ssh-ed25519 AAAAC3Nza me@x")
                        .ipconfig(0, IpConfig.dhcp()).searchDomain("lab.example").build())
                .agent(true);
    }

    private static VmDefinition def(VmSpec spec, VmDefinition.Feature... features) {
        return new VmDefinition(spec, List.of(), List.of(features), null, Map.of(), Map.of());
    }

    private static JsonNode userData(ResolvedFeatures r) throws Exception {
        String doc = r.userData().orElseThrow();
        assertTrue(doc.startsWith("#cloud-config\n"));
        return YAML.readTree(doc);
    }

    @Test
    void dockerComesFromDockersRepositoryAndTheUserMayUseIt() throws Exception {
        ResolvedFeatures r = ResolvedFeatures.resolve(def(vm().build(), VmDefinition.Feature.named("docker")), FeatureSet.builtIns());
        JsonNode y = userData(r);
        JsonNode source = y.get("apt").get("sources").get("docker.list");
        assertTrue(source.get("source").asText().contains("https://download.docker.com/linux/ubuntu $RELEASE stable"));
        assertEquals(BuiltInFeatures.DOCKER_KEY, source.get("keyid").asText());
        List<String> packages = YAML.convertValue(y.get("packages"), List.class);
        assertTrue(packages.containsAll(List.of("docker-ce", "docker-ce-cli", "containerd.io", "docker-buildx-plugin",
                "docker-compose-plugin", "qemu-guest-agent")), packages.toString());
        String runcmd = y.get("runcmd").toString();
        assertTrue(runcmd.contains("[\"usermod\",\"-aG\",\"docker\",\"ops\"]"), runcmd);
        assertTrue(runcmd.contains("[\"systemctl\",\"enable\",\"--now\",\"docker\"]"), runcmd);
        assertTrue(runcmd.contains("[\"systemctl\",\"enable\",\"--now\",\"qemu-guest-agent\"]"), runcmd);
        assertEquals(List.of(List.of("systemctl", "is-active", "docker"), List.of("docker", "compose", "version"),
                List.of("runuser", "-u", "ops", "--", "docker", "version")), r.guestSteps().stream().map(GuestStep::command).toList());
        assertEquals(List.of("qemu-guest-agent added: the agent is enabled and the stock cloud image has none"), r.notes());
    }

    @Test
    void theUserDataHoldsWhatProxmoxWouldHaveGenerated() throws Exception {
        JsonNode y = userData(ResolvedFeatures.resolve(def(vm().build(), VmDefinition.Feature.named("base_setup")), FeatureSet.builtIns()));
        assertEquals("docker-01", y.get("hostname").asText());
        assertEquals("docker-01.lab.example", y.get("fqdn").asText());
        assertTrue(y.get("manage_etc_hosts").asBoolean());
        assertEquals("ops", y.get("users").get(0).get("name").asText());
        assertEquals("ssh-ed25519 AAAAC3Nza me@x", y.get("users").get(0).get("ssh_authorized_keys").get(0).asText());
        assertTrue(y.get("package_upgrade").asBoolean());
        assertTrue(y.get("package_update").asBoolean());
    }

    @Test
    void withoutACloudInitUserTheImagesDefaultUserIsKept() throws Exception {
        VmSpec spec = vm().cloudInit(CloudInit.builder("local-lvm").ipconfig(0, IpConfig.dhcp()).build()).build();
        ResolvedFeatures r = ResolvedFeatures.resolve(def(spec, VmDefinition.Feature.named("docker")), FeatureSet.builtIns());
        assertEquals("default", userData(r).get("users").get(0).asText());
        assertTrue(userData(r).get("runcmd").toString().contains("[\"usermod\",\"-aG\",\"docker\",\"ubuntu\"]"));
    }

    @Test
    void nvidiaPassesTheGpuThroughOnQ35AndInstallsTheDriver() throws Exception {
        ResolvedFeatures r = ResolvedFeatures.resolve(def(vm().build(),
                new VmDefinition.Feature("nvidia", Map.of("pci", "\"0000:01:00\""))), FeatureSet.builtIns());
        Map<String, String> config = ProxmoxConfigMapping.forCreate(r.spec()).config();
        assertEquals("0000:01:00,pcie=1", config.get("hostpci0"));
        assertEquals("q35", config.get("machine"));
        assertTrue(userData(r).get("packages").toString().contains(BuiltInFeatures.NVIDIA_DRIVER));
        assertEquals(List.of("nvidia-smi"), r.guestSteps().get(0).command());
    }

    @Test
    void nvidiaNamesItsMissingOrWrongParameters() {
        FeatureException missing = assertThrows(FeatureException.class, () -> ResolvedFeatures.resolve(def(vm().build(),
                VmDefinition.Feature.named("nvidia")), FeatureSet.builtIns()));
        assertEquals("docker-01: feature nvidia: parameter 'pci' is required (the GPU's host PCI id, e.g. 0000:01:00)",
                missing.getMessage());
        FeatureException index = assertThrows(FeatureException.class, () -> ResolvedFeatures.resolve(def(vm().build(),
                new VmDefinition.Feature("nvidia", Map.of("pci", "\"01:00\"", "index", "16"))), FeatureSet.builtIns()));
        assertEquals("docker-01: feature nvidia: parameter 'index' must be 0..15, not 16", index.getMessage());
        FeatureException notString = assertThrows(FeatureException.class, () -> ResolvedFeatures.resolve(def(vm().build(),
                new VmDefinition.Feature("nvidia", Map.of("pci", "7"))), FeatureSet.builtIns()));
        assertEquals("docker-01: feature nvidia: parameter 'pci' must be a string, not 7", notString.getMessage());
    }

    @Test
    void volumesMountTheOrchestratorsNfsSharesFromTheDefinitionsExtras() throws Exception {
        String volumes = "[{\"type\":\"nfs\",\"name\":\"persistent-storage\",\"path\":\"/quickOS/vm-persistent-data/1001\","
                + "\"mount_point\":\"/persistent-storage\",\"server\":\"10.0.0.13\"}]";
        VmDefinition d = new VmDefinition(vm().build(), List.of(), List.of(VmDefinition.Feature.named("volumes")), null, Map.of(),
                Map.of("volumes", volumes));
        ResolvedFeatures r = ResolvedFeatures.resolve(d, FeatureSet.builtIns());
        JsonNode y = userData(r);
        assertEquals("[\"10.0.0.13:/quickOS/vm-persistent-data/1001\",\"/persistent-storage\",\"nfs\",\"defaults,_netdev\",\"0\",\"0\"]",
                y.get("mounts").get(0).toString());
        assertTrue(y.get("packages").toString().contains("nfs-common"));
        assertEquals(List.of("findmnt", "/persistent-storage"), r.guestSteps().get(0).command());
    }

    @Test
    void volumesRefuseWhatTheyCannotMount() {
        VmDefinition d = new VmDefinition(vm().build(), List.of(), List.of(new VmDefinition.Feature("volumes",
                Map.of("volumes", "[{\"type\":\"cifs\",\"server\":\"s\",\"path\":\"/p\",\"mount_point\":\"/m\"}]"))), null, Map.of());
        assertEquals("docker-01: feature volumes: volumes[0].type: only 'nfs' is supported, not 'cifs'",
                assertThrows(FeatureException.class, () -> ResolvedFeatures.resolve(d, FeatureSet.builtIns())).getMessage());
        VmDefinition noPoint = new VmDefinition(vm().build(), List.of(), List.of(new VmDefinition.Feature("volumes",
                Map.of("volumes", "[{\"server\":\"s\",\"path\":\"/p\"}]"))), null, Map.of());
        assertEquals("docker-01: feature volumes: volumes[0].mount_point is required (a string)",
                assertThrows(FeatureException.class, () -> ResolvedFeatures.resolve(noPoint, FeatureSet.builtIns())).getMessage());
    }

    @Test
    void unknownFeaturesAreReportedAndNothingIsAppliedForThem() {
        ResolvedFeatures r = ResolvedFeatures.resolve(def(vm().build(), VmDefinition.Feature.named("trusted_ca"),
                VmDefinition.Feature.named("step_cli")), FeatureSet.builtIns());
        assertEquals(List.of("trusted_ca", "step_cli"), r.unknown());
        assertTrue(r.userData().isEmpty());
        assertTrue(r.guestSteps().isEmpty());
    }

    @Test
    void featuresNeedCloudInitAndDoNotMergeIntoTheUsersOwnUserData() {
        VmSpec noCi = VmSpec.builder("a").disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(4))).build();
        assertEquals("a: features [docker] write cloud-init user-data, but the VM declares no cloud-init",
                assertThrows(FeatureException.class, () -> ResolvedFeatures.resolve(def(noCi, VmDefinition.Feature.named("docker")),
                        FeatureSet.builtIns())).getMessage());
        VmSpec own = vm().cloudInit(CloudInit.builder("local-lvm").userData("#cloud-config\n").build()).build();
        assertTrue(assertThrows(FeatureException.class, () -> ResolvedFeatures.resolve(def(own, VmDefinition.Feature.named("docker")),
                FeatureSet.builtIns())).getMessage().contains("declares its own (cloudInit.userData)"));
        // without features the user's own document is delivered as given
        assertEquals("#cloud-config\n", ResolvedFeatures.resolve(def(own), FeatureSet.builtIns()).userData().orElseThrow());
    }

    @Test
    void aFeatureFromOutsidePlugsInByName() throws Exception {
        Feature motd = new Feature() {
            @Override
            public String name() {
                return "motd";
            }

            @Override
            public FeatureContribution contribute(FeatureRequest request) {
                return FeatureContribution.builder()
                        .userData(CloudConfig.builder().writeFile(new CloudConfig.WriteFile("/etc/motd",
                                request.stringParameter("motd", "text").orElse("hello"), "0644", null)).build())
                        .spec(b -> b.tag("motd"))
                        .guestStep(GuestStep.of("motd written", "test", "-f", "/etc/motd"))
                        .build();
            }
        };
        ResolvedFeatures r = ResolvedFeatures.resolve(def(vm().build(), new VmDefinition.Feature("motd", Map.of("text", "\"hi\""))),
                FeatureSet.builtIns().with(motd));
        assertEquals("hi", userData(r).get("write_files").get(0).get("content").asText());
        assertTrue(r.spec().tags().contains("motd"));
        assertEquals("motd written", r.guestSteps().get(0).description());
        assertFalse(FeatureSet.builtIns().find("motd").isPresent());
    }

    @Test
    void namesWithUnderscoreOrDashAreTheSame() {
        assertTrue(FeatureSet.builtIns().find("qemu_guest_agent").isPresent());
        assertTrue(FeatureSet.builtIns().find("base-setup").isPresent());
        assertEquals(java.util.Set.of("base-setup", "docker", "nvidia", "qemu-guest-agent", "volumes"), FeatureSet.builtIns().names());
    }
}
