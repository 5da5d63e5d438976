package ai.thinkheads.phoenix.testkit.milestone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.cloudinit.CloudConfig;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.definition.UbuntuCloud;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.feature.Feature;
import ai.thinkheads.phoenix.feature.FeatureContribution;
import ai.thinkheads.phoenix.feature.FeatureRequest;
import ai.thinkheads.phoenix.feature.FeatureSet;
import ai.thinkheads.phoenix.feature.Guest;
import ai.thinkheads.phoenix.feature.GuestNotReadyException;
import ai.thinkheads.phoenix.feature.GuestStep;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.ChangeKind;
import ai.thinkheads.phoenix.plan.Impact;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.PlanOptions;
import ai.thinkheads.phoenix.plan.VmPlan;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.ForwardingHypervisor;
import ai.thinkheads.phoenix.testkit.model.GuestState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The seed's first milestone on the fake, whose guests act on the cloud-init data they are given as
 * the stock Ubuntu 24.04 cloud image does: a template from the cloud image, a linked and a full
 * clone with features, every guest step run through the agent, and a second plan that is empty.
 */
class MilestoneOnFakeTest {

    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDrZ4V3jOf8w2D1W2o1yqS0k5q0n0r5oV1aX2b3c4d5e ops@laptop";

    static FakeHypervisor fake() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        fake.cluster().addVolume("pve", "local", "import/" + UbuntuCloud.IMAGE_FILE, 3758096384L);
        return fake;
    }

    static List<VmDefinition> milestone() {
        VmDefinition template = UbuntuCloud.template("ubuntu-2404", 9000).diskSize(DiskSize.ofGiB(10)).build();
        VmDefinition linked = UbuntuCloud.clone("docker-01", 9000).vmid(9101).diskSize(DiskSize.ofGiB(32)).cores(4).memory(4096)
                .address(IpConfig.staticV4("10.0.0.21/24", "10.0.0.1")).nameservers("10.0.0.1")
                .user("ops").sshKey(KEY)
                .features("base_setup", "docker")
                .snapshots("before-features", "after-features")
                .build();
        VmDefinition full = UbuntuCloud.clone("docker-02", 9000).vmid(9102).full().diskSize(DiskSize.ofGiB(20))
                .features("docker").build();
        return List.of(template, linked, full);
    }

    private static Phoenix phoenix(Hypervisor hv, FakeHypervisor fake) {
        return Phoenix.on(hv).time(fake.time());
    }

    private static List<ChangeKind> kinds(Plan plan, String vm) {
        return plan.vm(vm).orElseThrow().changes().stream().map(c -> c.kind()).toList();
    }

    @Test
    void theTemplateAndItsDockerClonesComeUpAndASecondPlanIsEmpty() {
        FakeHypervisor fake = fake();
        Phoenix phoenix = phoenix(fake, fake);
        Plan plan = phoenix.plan(milestone());
        assertFalse(plan.hasRefusals(), plan.render());
        assertEquals(List.of(ChangeKind.UPLOAD, ChangeKind.CREATE, ChangeKind.GROW_DISK), kinds(plan, "ubuntu-2404"));
        assertEquals(List.of(ChangeKind.UPLOAD, ChangeKind.CLONE, ChangeKind.UPDATE_CONFIG, ChangeKind.GROW_DISK,
                ChangeKind.SNAPSHOT, ChangeKind.START, ChangeKind.AWAIT_GUEST, ChangeKind.GUEST_STEP, ChangeKind.GUEST_STEP,
                ChangeKind.GUEST_STEP, ChangeKind.SNAPSHOT, ChangeKind.MARK_PROVISIONED), kinds(plan, "docker-01"));
        assertTrue(plan.render().contains("write snippet local:snippets/docker-01-"), plan.render());

        ApplyResult result = phoenix.apply(plan);
        assertTrue(result.isComplete(), result.render());

        // the template: the cloud image on virtio-scsi, a serial console, the cloud-init drive, the agent, its own user-data
        VmConfig t = fake.getConfig(new VmRef("pve", 9000));
        assertTrue(t.isTemplate());
        assertEquals("virtio-scsi-pci", t.get("scsihw").orElseThrow());
        assertEquals("socket", t.get("serial0").orElseThrow());
        assertEquals("serial0", t.get("vga").orElseThrow());
        assertTrue(t.get("ide2").orElseThrow().startsWith("local-lvm:vm-9000-cloudinit"), t.get("ide2").orElseThrow());
        assertEquals("1", t.get("agent").orElseThrow());
        assertEquals("order=scsi0", t.get("boot").orElseThrow());
        String templateSnippet = t.get("cicustom").orElseThrow().substring("user=".length());
        String templateUserData = new String(fake.cluster().volumeContent("pve", templateSnippet).orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(templateUserData.contains("\"qemu-guest-agent\""), templateUserData);

        // the linked clone: static address, its user with the key, docker from Docker's repository, the user in group docker
        GuestState g = fake.guest(9101);
        assertEquals("done", g.cloudInit().status(), g.cloudInit().toString());
        assertTrue(g.packages().containsAll(Set.of("qemu-guest-agent", "docker-ce", "docker-compose-plugin", "curl", "jq")), g.packages().toString());
        assertTrue(g.running("qemu-guest-agent") && g.running("docker"), g.services().toString());
        assertTrue(g.users().get("ops").contains("docker"), g.users().toString());
        assertEquals("docker-01", g.hostname());
        assertTrue(fake.agentNetworkInterfaces(new VmRef("pve", 9101)).stream().flatMap(i -> i.addresses().stream())
                .anyMatch(a -> a.address().equals("10.0.0.21")));
        // every guest step ran through the agent and succeeded
        List<List<String>> ran = g.commands().stream().filter(c -> c.source().equals("agent") && c.exitCode() == 0)
                .map(GuestState.Command::argv).toList();
        assertTrue(ran.containsAll(List.of(List.of("cloud-init", "status", "--wait"), List.of("systemctl", "is-active", "docker"),
                List.of("docker", "compose", "version"))), ran.toString());
        assertEquals(List.of("before-features", "after-features"),
                fake.listSnapshots(new VmRef("pve", 9101)).stream().map(Snapshot::name).toList());

        // the full clone: DHCP, the image's default user in group docker
        GuestState g2 = fake.guest(9102);
        assertTrue(g2.running("docker"), g2.services().toString());
        assertTrue(g2.users().get("ubuntu").contains("docker"), g2.users().toString());

        Plan again = phoenix.plan(milestone());
        assertTrue(again.isEmpty(), again.render());
    }

    @Test
    void anApplyInterruptedBeforeTheGuestStepsRunsThemNextTime() {
        // the guest agent is lost for the first apply (a dropped connection, a crash of the tool): after the start, nothing more
        boolean[] down = {true};
        FakeHypervisor fake = FakeHypervisor.singleNode().toBuilder().beforePrimitive((name, vmid) -> {
            if (down[0] && name.equals("agentPing")) {
                throw new IllegalStateException("the tool stopped here");
            }
        }).build();
        fake.cluster().addVolume("pve", "local", "import/" + UbuntuCloud.IMAGE_FILE, 3758096384L);
        Phoenix phoenix = phoenix(fake, fake);
        ApplyResult first = phoenix.apply(phoenix.plan(milestone()));
        assertFalse(first.isComplete(), first.render());
        assertFalse(fake.listVms().stream().filter(v -> v.vmid() == 9101).findFirst().orElseThrow().tags().stream()
                .anyMatch(t -> t.startsWith(ai.thinkheads.phoenix.plan.Planner.PROVISIONED_TAG_PREFIX)));

        down[0] = false;
        Plan again = phoenix.plan(milestone());
        assertEquals(List.of(ChangeKind.AWAIT_GUEST, ChangeKind.GUEST_STEP, ChangeKind.GUEST_STEP, ChangeKind.GUEST_STEP,
                ChangeKind.SNAPSHOT, ChangeKind.MARK_PROVISIONED), kinds(again, "docker-01"), again.render());
        ApplyResult second = phoenix.apply(again);
        assertTrue(second.isComplete(), second.render());
        assertTrue(fake.listVms().stream().filter(v -> v.vmid() == 9101).findFirst().orElseThrow().tags().stream()
                .anyMatch(t -> t.startsWith(ai.thinkheads.phoenix.plan.Planner.PROVISIONED_TAG_PREFIX)));
        assertTrue(phoenix.plan(milestone()).isEmpty(), phoenix.plan(milestone()).render());
        assertEquals(List.of("before-features", "after-features"),
                fake.listSnapshots(new VmRef("pve", 9101)).stream().map(Snapshot::name).toList());
    }

    @Test
    void theSnapshotBeforeTheFeaturesHoldsTheGuestWithoutThem() {
        FakeHypervisor fake = fake();
        Phoenix phoenix = phoenix(fake, fake);
        assertTrue(phoenix.apply(phoenix.plan(milestone())).isComplete());
        VmRef vm = new VmRef("pve", 9101);
        fake.stop(vm).await(Duration.ofMinutes(1));
        fake.rollbackSnapshot(vm, "before-features").await(Duration.ofMinutes(1));
        GuestState before = fake.guest(9101);
        assertFalse(before.packages().contains("docker-ce"), before.packages().toString());
        assertFalse(before.packages().contains("qemu-guest-agent"));
    }

    @Test
    void theShellOrchestratorsFailureIsReproducibleWithATemplateWithoutTheAgent() {
        FakeHypervisor fake = fake();
        // as the shell orchestrator built it: agent: 1 in the config, Proxmox's own user-data, no qemu-guest-agent in the image
        VmDefinition bare = VmDefinition.of(UbuntuCloud.template("bare", 9000).build().spec());
        VmDefinition vm = VmDefinition.of(UbuntuCloud.clone("vm-01", 9000).vmid(9101).build().spec());
        Phoenix phoenix = phoenix(fake, fake);
        assertTrue(phoenix.apply(phoenix.plan(List.of(bare, vm))).isComplete());
        Guest guest = Guest.of(fake, fake.time(), Duration.ofMinutes(5));
        GuestNotReadyException e = assertThrows(GuestNotReadyException.class, () -> guest.awaitAgent(new VmRef("pve", 9101)));
        assertTrue(e.getMessage().contains("QEMU guest agent is not running"), e.getMessage());
        assertTrue(e.getMessage().contains("stock Ubuntu cloud image"), e.getMessage());
        assertEquals("done", fake.guest(9101).cloudInit().status());
        assertFalse(fake.guest(9101).packages().contains("qemu-guest-agent"));
    }

    @Test
    void overTheApiTheUserDataTravelsAsANoCloudIso() {
        FakeHypervisor fake = fake();
        // what the HTTP API can write: iso, import and vztmpl, no snippets
        Hypervisor apiLike = new ForwardingHypervisor() {
            @Override
            protected Hypervisor delegate() {
                return fake;
            }

            @Override
            public Set<StorageContent> uploadableContent() {
                return EnumSet.of(StorageContent.ISO, StorageContent.IMPORT, StorageContent.VZTMPL);
            }
        };
        Phoenix phoenix = phoenix(apiLike, fake);
        Plan plan = phoenix.plan(milestone());
        assertTrue(plan.render().contains("write NoCloud ISO local:iso/phoenix-docker-01-"), plan.render());
        ApplyResult applied = phoenix.apply(plan);
        assertTrue(applied.isComplete(), applied.render());
        VmConfig c = fake.getConfig(new VmRef("pve", 9101));
        assertTrue(c.get("ide2").orElseThrow().matches("local:iso/phoenix-docker-01-[0-9a-f]{12}\\.iso,media=cdrom"), c.get("ide2").orElseThrow());
        assertTrue(c.get("cicustom").isEmpty());
        assertTrue(c.get("net0").orElseThrow().startsWith("virtio=BC:24:11:"), c.get("net0").orElseThrow());
        GuestState g = fake.guest(9101);
        assertTrue(g.running("docker") && g.running("qemu-guest-agent"), g.toString());
        // no Proxmox cloud-init drive and no snippet: everything the guest knows came from the ISO in ide2
        assertTrue(g.cloudInit().datasource().startsWith("NoCloud"), g.cloudInit().datasource());
        assertEquals("docker-01", g.hostname());
        assertTrue(fake.agentNetworkInterfaces(new VmRef("pve", 9101)).stream().flatMap(i -> i.addresses().stream())
                .anyMatch(a -> a.address().equals("10.0.0.21")));
        assertTrue(phoenix.plan(milestone()).isEmpty(), phoenix.plan(milestone()).render());
    }

    @Test
    void withoutAStorageForSnippetsTheUserDataTravelsAsAnIsoToo() {
        // a fresh Proxmox: local holds iso, vztmpl and backup, no snippets (and here import for the image)
        FakeHypervisor fake = FakeHypervisor.builder().withoutStorage("local")
                .storage(ai.thinkheads.phoenix.testkit.model.StorageSpec.local("local", "dir", 100, "iso", "import", "vztmpl", "backup"))
                .build();
        fake.cluster().addVolume("pve", "local", "import/" + UbuntuCloud.IMAGE_FILE, 3758096384L);
        Phoenix phoenix = phoenix(fake, fake);
        Plan plan = phoenix.plan(milestone());
        assertTrue(plan.render().contains("write NoCloud ISO local:iso/phoenix-docker-01-"), plan.render());
        ApplyResult applied = phoenix.apply(plan);
        assertTrue(applied.isComplete(), applied.render());
        assertTrue(fake.guest(9101).running("docker"));
    }

    @Test
    void changedUserDataIsAConfigChangeThatWaitsForTheNextBoot() {
        FakeHypervisor fake = fake();
        Phoenix phoenix = phoenix(fake, fake);
        assertTrue(phoenix.apply(phoenix.plan(milestone())).isComplete());
        List<VmDefinition> more = List.of(milestone().get(0), UbuntuCloud.clone("docker-01", 9000).vmid(9101).diskSize(DiskSize.ofGiB(32))
                .cores(4).memory(4096).address(IpConfig.staticV4("10.0.0.21/24", "10.0.0.1")).nameservers("10.0.0.1")
                .user("ops").sshKey(KEY).features("base_setup", "docker")
                .feature(new VmDefinition.Feature("volumes", Map.of("volumes",
                        "[{\"type\":\"nfs\",\"server\":\"10.0.0.13\",\"path\":\"/export/data\",\"mount_point\":\"/data\"}]")))
                .snapshots("before-features", "after-features").build(), milestone().get(2));
        Plan plan = phoenix.plan(more);
        VmPlan p = plan.vm("docker-01").orElseThrow();
        assertEquals(List.of(ChangeKind.UPLOAD, ChangeKind.UPDATE_CONFIG), kinds(plan, "docker-01"));
        assertEquals(Impact.NEEDS_REBOOT, p.changes().get(1).impact());
        assertTrue(p.notes().contains("new user-data: cloud-init runs it at the next boot (a new instance-id)"), p.notes().toString());

        Phoenix rebooting = phoenix.planOptions(phoenix.planOptions().toBuilder().rebootForPendingChanges(true).build());
        Plan withReboot = rebooting.plan(more);
        assertEquals(List.of(ChangeKind.UPLOAD, ChangeKind.UPDATE_CONFIG, ChangeKind.REBOOT, ChangeKind.AWAIT_GUEST,
                ChangeKind.GUEST_STEP, ChangeKind.GUEST_STEP, ChangeKind.GUEST_STEP, ChangeKind.GUEST_STEP, ChangeKind.MARK_PROVISIONED),
                kinds(withReboot, "docker-01"));
        ApplyResult r = rebooting.apply(withReboot);
        assertTrue(r.isComplete(), r.render());
        GuestState g = fake.guest(9101);
        assertTrue(g.packages().contains("nfs-common"));
        assertEquals(2, g.instanceIds().size(), g.instanceIds().toString());
        assertTrue(rebooting.plan(more).isEmpty());
    }

    @Test
    void aFeatureWrittenOutsideTheLibraryPlugsIn() {
        Feature motd = new Feature() {
            @Override
            public String name() {
                return "motd";
            }

            @Override
            public FeatureContribution contribute(FeatureRequest request) {
                return FeatureContribution.builder()
                        .userData(CloudConfig.builder().writeFile(new CloudConfig.WriteFile("/etc/motd",
                                "Welcome to " + request.vmName() + "\n", "0644", null)).build())
                        .guestStep(GuestStep.of("the motd is there", "test", "-f", "/etc/motd"))
                        .build();
            }
        };
        FakeHypervisor fake = fake();
        Phoenix phoenix = Phoenix.on(fake).time(fake.time())
                .planOptions(PlanOptions.builder().features(FeatureSet.builtIns().with(motd)).build());
        List<VmDefinition> defs = List.of(milestone().get(0), UbuntuCloud.clone("web-01", 9000).vmid(9103).features("motd").build());
        ApplyResult r = phoenix.apply(phoenix.plan(defs));
        assertTrue(r.isComplete(), r.render());
        assertEquals("Welcome to web-01\n", fake.guest(9103).files().get("/etc/motd"));
        assertTrue(fake.guest(9103).commands().stream().anyMatch(c -> c.argv().equals(List.of("test", "-f", "/etc/motd")) && c.exitCode() == 0));
    }

    @Test
    void aGpuIsPassedThroughAndItsDriverAnswers() {
        FakeHypervisor fake = fake();
        Phoenix phoenix = phoenix(fake, fake);
        List<VmDefinition> defs = List.of(milestone().get(0), UbuntuCloud.clone("gpu-01", 9000).vmid(9104)
                .feature(new VmDefinition.Feature("nvidia", Map.of("pci", "\"0000:01:00\""))).build());
        ApplyResult r = phoenix.apply(phoenix.plan(defs));
        assertTrue(r.isComplete(), r.render());
        VmConfig c = fake.getConfig(new VmRef("pve", 9104));
        assertEquals("0000:01:00,pcie=1", c.get("hostpci0").orElseThrow());
        assertEquals("q35", c.get("machine").orElseThrow());
        assertTrue(fake.guest(9104).commands().stream().anyMatch(x -> x.argv().equals(List.of("nvidia-smi")) && x.exitCode() == 0));
    }
}
