package ai.thinkheads.phoenix.testkit.simulator.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.definition.UbuntuCloud;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.feature.Guest;
import ai.thinkheads.phoenix.feature.GuestNotReadyException;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.ChangeKind;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.model.GuestState;
import ai.thinkheads.phoenix.testkit.schema.SchemaAudit;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's first milestone end to end through a backend and the PVE simulator, whose guests act
 * on the cloud-init data they are given as the stock Ubuntu 24.04 cloud image does: a template from
 * the cloud image ({@link UbuntuCloud}), a linked clone with a static address and a full clone with
 * DHCP, both with features (base_setup, docker, NFS volumes), a GPU VM (nvidia), snapshots before
 * and after the features; the
 * guest agent, its address and cloud-init waited for; then a second plan that is empty.
 *
 * <p>How the user-data travels depends on the backend: a snippet and {@code cicustom} where the
 * backend can write snippets (qm over SSH), a NoCloud ISO in the cloud-init slot where it cannot
 * (the HTTP API). The assertions look at the guest, so both must end the same. Every request is
 * checked against the PVE 8.4 and 9.1 schemas ({@link SchemaAudit}). A backend runs it by
 * extending it and implementing {@link #backend}.
 */
public abstract class MilestoneContract {

    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDrZ4V3jOf8w2D1W2o1yqS0k5q0n0r5oV1aX2b3c4d5e ops@laptop";

    private FakeHypervisor fake;
    private PveSimulator sim;
    private Hypervisor backend;

    /** The backend under test, connected to {@code sim}; the test closes it. */
    protected abstract Hypervisor backend(PveSimulator sim);

    @BeforeEach
    void start() {
        fake = FakeHypervisor.builder().realTime()
                .defaultTaskDuration(Duration.ofMillis(5))
                .guestBootDelay(Duration.ofMillis(50))
                .cloudInitDuration(Duration.ofMillis(150), Duration.ofMillis(5))
                .build();
        fake.cluster().addVolume("pve", "local", "import/" + UbuntuCloud.IMAGE_FILE, 3758096384L);
        sim = PveSimulator.over(fake.cluster()).requestValidator(SchemaAudit.shared()::check).build().start();
        backend = backend(sim);
    }

    @AfterEach
    void stop() {
        backend.close();
        sim.close();
        fake.close();
    }

    static List<VmDefinition> milestone() {
        String nfs = "[{\"type\":\"nfs\",\"name\":\"data\",\"server\":\"10.0.0.13\",\"path\":\"/export/data\",\"mount_point\":\"/data\"}]";
        return List.of(
                UbuntuCloud.template("ubuntu-2404", 9000).diskSize(DiskSize.ofGiB(10)).build(),
                UbuntuCloud.clone("docker-01", 9000).vmid(9101).diskSize(DiskSize.ofGiB(32)).cores(4).memory(4096)
                        .address(IpConfig.staticV4("10.0.0.21/24", "10.0.0.1")).nameservers("10.0.0.1")
                        .user("ops").sshKey(KEY)
                        .features("base_setup", "docker")
                        .feature(new VmDefinition.Feature("volumes", Map.of("volumes", nfs)))
                        .snapshots("before-features", "after-features")
                        .build(),
                UbuntuCloud.clone("docker-02", 9000).vmid(9102).full().diskSize(DiskSize.ofGiB(20)).features("docker").build(),
                UbuntuCloud.clone("gpu-01", 9000).vmid(9103)
                        .feature(new VmDefinition.Feature("nvidia", Map.of("pci", "\"0000:01:00\""))).build());
    }

    private Phoenix phoenix() {
        return Phoenix.on(backend);
    }

    @Test
    void theTemplateAndItsClonesComeUpWithTheirFeaturesAndASecondPlanIsEmpty() {
        int refusedBefore = SchemaAudit.shared().refusals().size();
        Plan plan = phoenix().plan(milestone());
        assertFalse(plan.hasRefusals(), plan.render());
        ApplyResult result = phoenix().apply(plan);
        assertTrue(result.isComplete(), result.render());

        VmConfig template = backend.getConfig(new VmRef("pve", 9000));
        assertTrue(template.isTemplate());
        assertEquals("socket", template.get("serial0").orElseThrow());
        assertEquals("1", template.get("agent").orElseThrow());
        boolean snippets = backend.uploadableContent().contains(StorageContent.SNIPPETS);
        VmConfig linked = backend.getConfig(new VmRef("pve", 9101));
        if (snippets) {
            assertTrue(linked.get("cicustom").orElseThrow().startsWith("user=local:snippets/docker-01-"), linked.values().toString());
            assertTrue(linked.get("ide2").orElseThrow().contains("cloudinit"), linked.values().toString());
        } else {
            assertTrue(linked.get("cicustom").isEmpty(), linked.values().toString());
            assertTrue(linked.get("ide2").orElseThrow().matches("local:iso/phoenix-docker-01-[0-9a-f]{12}\\.iso,media=cdrom"),
                    linked.values().toString());
        }

        for (int vmid : List.of(9101, 9102)) {
            GuestState g = fake.guest(vmid);
            assertEquals("done", g.cloudInit().status(), vmid + ": " + g.cloudInit());
            assertTrue(g.running("qemu-guest-agent") && g.running("docker"), vmid + ": " + g.services());
            assertTrue(g.packages().containsAll(Set.of("docker-ce", "docker-compose-plugin")), vmid + ": " + g.packages());
        }
        GuestState g = fake.guest(9101);
        assertEquals("docker-01", g.hostname());
        assertTrue(g.users().get("ops").contains("docker"), g.users().toString());
        assertTrue(g.mounts().stream().anyMatch(m -> m.mountPoint().equals("/data") && m.active()), g.mounts().toString());
        assertTrue(fake.guest(9102).users().get("ubuntu").contains("docker"));
        String ip = Guest.of(backend, TimeSource.system(), Duration.ofSeconds(30)).awaitAddress(new VmRef("pve", 9101));
        assertEquals("10.0.0.21", ip);
        // cloud-init mounts NFS before its final stage installs nfs-common: that first mount fails, a recoverable
        // error ("degraded done", exit 2 of status --wait), which apply reports as a warning; runcmd mounts it after
        assertTrue(g.commands().stream().anyMatch(c -> c.source().equals("agent")
                && c.argv().equals(List.of("cloud-init", "status", "--wait")) && c.exitCode() == 2), g.commands().toString());
        assertTrue(result.outcome("docker-01").orElseThrow().warnings().stream().anyMatch(w -> w.contains("recoverable errors")),
                result.render());
        assertTrue(fake.guest(9102).commands().stream().anyMatch(c -> c.source().equals("agent")
                && c.argv().equals(List.of("cloud-init", "status", "--wait")) && c.exitCode() == 0), "docker-02 has no NFS: clean");
        assertEquals(List.of("before-features", "after-features"),
                backend.listSnapshots(new VmRef("pve", 9101)).stream().map(Snapshot::name).toList());

        // the GPU: passed through on q35, the driver installed, nvidia-smi answering in the guest
        VmConfig gpu = backend.getConfig(new VmRef("pve", 9103));
        assertEquals("0000:01:00,pcie=1", gpu.get("hostpci0").orElseThrow(), gpu.values().toString());
        assertEquals("q35", gpu.get("machine").orElseThrow());
        assertTrue(fake.guest(9103).packages().contains("nvidia-driver-550-server"), fake.guest(9103).packages().toString());
        assertTrue(fake.guest(9103).commands().stream().anyMatch(c -> c.argv().equals(List.of("nvidia-smi")) && c.exitCode() == 0));

        Plan again = phoenix().plan(milestone());
        assertTrue(again.isEmpty(), again.render());
        assertEquals(refusedBefore, SchemaAudit.shared().refusals().size(), "no request failed the PVE schemas");
    }

    @Test
    void withoutTheAgentInTheImageTheGuestNeverAnswers() {
        // the shell orchestrator's template: agent: 1 in the config, Proxmox's own user-data, nothing that installs the agent
        List<VmDefinition> bare = List.of(VmDefinition.of(UbuntuCloud.template("bare", 9000).build().spec()),
                VmDefinition.of(UbuntuCloud.clone("vm-01", 9000).vmid(9101).build().spec()));
        Plan plan = phoenix().plan(bare);
        assertFalse(plan.vm("vm-01").orElseThrow().changes().stream().anyMatch(c -> c.kind() == ChangeKind.AWAIT_GUEST));
        assertTrue(phoenix().apply(plan).isComplete());
        Guest guest = Guest.of(backend, TimeSource.system(), Duration.ofSeconds(2));
        GuestNotReadyException e = assertThrows(GuestNotReadyException.class, () -> guest.awaitAgent(new VmRef("pve", 9101)));
        assertTrue(e.getMessage().contains("QEMU guest agent is not running"), e.getMessage());
        assertFalse(fake.guest(9101).packages().contains("qemu-guest-agent"));
    }
}
