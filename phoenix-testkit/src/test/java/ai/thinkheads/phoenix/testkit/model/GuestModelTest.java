package ai.thinkheads.phoenix.testkit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import ai.thinkheads.phoenix.testkit.FakeClock;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The guest OS model: a stock Ubuntu 24.04 cloud image acting on the cloud-init data it is given,
 * with an agent that answers only when qemu-guest-agent is installed and running. Virtual time.
 */
class GuestModelTest {

    private static final Duration LONG = Duration.ofHours(1);
    private static final String CLOUDIMG = "local:import/noble-server-cloudimg-amd64.img";
    private static final String SNIPPET = "local:snippets/user.yaml";

    private final Map<String, byte[]> volumes = new HashMap<>();
    private final FakeClock clock = new FakeClock();
    private FakeHypervisor hv = FakeHypervisor.builder().time(clock)
            .volumeReader((node, volid) -> Optional.ofNullable(volumes.get(volid))).build();

    private final VmRef vm100 = VmRef.of("pve", 100);

    private void agentImage() {
        hv = FakeHypervisor.builder().time(clock)
                .volumeReader((node, volid) -> Optional.ofNullable(volumes.get(volid)))
                .guestImages(GuestImages.stock().with("with-agent",
                        GuestImage.ubuntuNobleCloud().withPackages("ubuntu-with-agent", "qemu-guest-agent")))
                .build();
    }

    private void images() {
        hv.cluster().addVolume("pve", "local", "import/noble-server-cloudimg-amd64.img", 3L << 30);
        hv.cluster().addVolume("pve", "local", "import/with-agent.img", 3L << 30);
    }

    private void snippet(String content) {
        put(SNIPPET, content.getBytes(StandardCharsets.UTF_8));
    }

    /** A file volume, both where the injected reader finds it and on the cluster's storage (where start checks cicustom). */
    private void put(String volid, byte[] bytes) {
        volumes.put(volid, bytes);
        String[] parts = volid.split("[:/]", 3);
        hv.cluster().writeVolume("pve", parts[0], parts[1], parts[2], bytes);
    }

    /** A VM on the cloud image with Proxmox's cloud-init drive, plus {@code extra} config. */
    private VmRef create(int vmid, String image, Map<String, String> extra) {
        Map<String, String> config = new TreeMap<>(Map.of("name", "web" + vmid, "agent", "1", "memory", "2048",
                "scsi0", "local-lvm:0,import-from=" + image, "ide2", "local-lvm:cloudinit",
                "net0", "virtio,bridge=vmbr0", "ipconfig0", "ip=dhcp", "boot", "order=scsi0"));
        config.putAll(extra);
        config.values().removeIf(String::isEmpty);
        hv.create(CreateRequest.of("pve", vmid, config)).await(LONG);
        return VmRef.of("pve", vmid);
    }

    private boolean answers(VmRef vm) {
        try {
            hv.agentPing(vm);
            return true;
        } catch (WrongStateException e) {
            assertEquals("QEMU guest agent is not running", e.getMessage());
            return false;
        }
    }

    private GuestExecStatus exec(VmRef vm, String... argv) {
        int pid = hv.agentExec(vm, List.of(argv), null);
        GuestExecStatus s = hv.agentExecStatus(vm, pid);
        for (int i = 0; i < 600 && !s.exited(); i++) {
            clock.advance(Duration.ofSeconds(1));
            s = hv.agentExecStatus(vm, pid);
        }
        assertTrue(s.exited(), "command did not end");
        return s;
    }

    private void settle() {
        clock.advance(Duration.ofMinutes(10));
    }

    // ---- the orchestrator's failure --------------------------------------------------------------

    @Test
    void theStockCloudImageWithProxmoxUserDataNeverAnswersTheAgent() {
        images();
        VmRef vm = create(100, CLOUDIMG, Map.of("ciuser", "ops"));
        hv.start(vm).await(LONG);
        settle();
        assertFalse(answers(vm), "the stock image has no qemu-guest-agent");
        WrongStateException e = assertThrows(WrongStateException.class, () -> hv.agentExec(vm, List.of("true"), null));
        assertEquals("QEMU guest agent is not running", e.getMessage());
        GuestState g = hv.guest(100);
        assertEquals("done", g.cloudInit().status());
        assertFalse(g.packages().contains("qemu-guest-agent"));
        assertTrue(g.packages().contains("cloud-init"));
        assertEquals("web100", g.hostname());
        assertTrue(g.users().get("ops").contains("sudo"), "Proxmox's user: renames the default user");
        Map<String, String> conf = hv.cluster().vmConfig("pve", 100, false).values();
        String user = CloudInitDatasource.proxmoxUserData(100, conf);
        assertTrue(user.contains("package_upgrade: true\n") && !user.contains("qemu-guest-agent"), user);
        assertEquals(List.of(CloudInitDatasource.sha1Hex(user + CloudInitDatasource.proxmoxNetwork(conf))), g.instanceIds());
    }

    @Test
    void aVmWithAnEmptyDiskHasNoOsAndNoAgent() {
        hv.create(CreateRequest.of("pve", 100, Map.of("agent", "1", "scsi0", "local-lvm:4"))).await(LONG);
        hv.start(vm100).await(LONG);
        settle();
        assertFalse(answers(vm100));
        assertFalse(hv.guest(100).hasOs());
    }

    @Test
    void userDataThatInstallsAndStartsTheAgentMakesItAnswerAfterCloudInit() {
        images();
        snippet("#cloud-config\npackages:\n  - qemu-guest-agent\nruncmd:\n  - systemctl enable --now qemu-guest-agent\n");
        VmRef vm = create(100, CLOUDIMG, Map.of("cicustom", "user=" + SNIPPET));
        hv.start(vm).await(LONG);
        clock.advance(Duration.ofSeconds(25));
        assertFalse(answers(vm), "the guest is up but cloud-init is still installing the agent");
        assertEquals("running", hv.guest(100).cloudInit().status());
        clock.advance(Duration.ofSeconds(60));
        assertTrue(answers(vm));
        GuestExecStatus status = exec(vm, "cloud-init", "status", "--wait");
        assertEquals(new GuestExecStatus(true, 0, "status: done\n", ""), status);
        GuestState g = hv.guest(100);
        assertTrue(g.running("qemu-guest-agent"));
        assertEquals("ubuntu", g.hostname(), "custom user-data without hostname leaves the image's");
        assertEquals(List.of("systemctl", "enable", "--now", "qemu-guest-agent"), g.commands().get(0).argv());
        assertEquals("runcmd", g.commands().get(0).source());
        assertEquals("agent", g.commands().get(g.commands().size() - 1).source());
    }

    @Test
    void anInstalledButStoppedAgentAnswersOnlyAfterAReboot() {
        images();
        snippet("#cloud-config\npackages: [qemu-guest-agent]\nruncmd:\n  - echo installed\n");
        VmRef vm = create(100, CLOUDIMG, Map.of("cicustom", "user=" + SNIPPET));
        hv.start(vm).await(LONG);
        settle();
        assertFalse(answers(vm));
        assertEquals(new GuestState.Service(false, false), hv.guest(100).services().get("qemu-guest-agent"));
        hv.reboot(vm).await(LONG);
        settle();
        assertTrue(answers(vm));
        assertEquals("static\n", exec(vm, "systemctl", "is-enabled", "qemu-guest-agent").stdout());
        GuestState g = hv.guest(100);
        assertEquals(1, g.instanceIds().size(), "same instance-id: no second module run");
        assertEquals(1, g.commands().stream().filter(c -> c.source().equals("runcmd")).count());
    }

    @Test
    void anAgentEnabledInTheGuestButNotInTheConfigDoesNotAnswer() {
        images();
        snippet("#cloud-config\npackages: [qemu-guest-agent]\nruncmd:\n  - systemctl start qemu-guest-agent\n");
        VmRef vm = create(100, CLOUDIMG, Map.of("cicustom", "user=" + SNIPPET, "agent", "0"));
        hv.start(vm).await(LONG);
        settle();
        assertFalse(answers(vm));
        GuestState g = hv.guest(100);
        assertEquals("error", g.cloudInit().status(), "the unit needs the virtio port and the runcmd script failed");
        assertEquals(1, g.commands().get(0).exitCode());
    }

    // ---- datasources and instance-ids ------------------------------------------------------------

    @Test
    void aCidataIsoIsReadWithJolietAndWithPlainIsoNames() {
        for (boolean joliet : new boolean[] {true, false}) {
            volumes.clear();
            hv = FakeHypervisor.builder().time(new FakeClock())
                    .volumeReader((node, volid) -> Optional.ofNullable(volumes.get(volid))).build();
            images();
            byte[] iso = CidataIso.of("cidata", Map.of(
                    "user-data", "#cloud-config\nhostname: from-iso\npackages: [qemu-guest-agent]\n"
                            + "runcmd:\n  - [systemctl, start, qemu-guest-agent]\n",
                    "meta-data", "instance-id: iid-seed-1\nlocal-hostname: from-iso\n",
                    "network-config", "version: 2\nethernets: {}\n"), joliet);
            hv.cluster().addVolume("pve", "local", "iso/seed.iso", iso.length);
            put("local:iso/seed.iso", iso);
            VmRef vm = create(100, CLOUDIMG, Map.of("ide2", "", "ide3", "local:iso/seed.iso,media=cdrom"));
            hv.start(vm).await(LONG);
            hv.time().advance(Duration.ofMinutes(10));
            assertTrue(answers(vm), "joliet=" + joliet);
            GuestState g = hv.guest(100);
            assertEquals("from-iso", g.hostname());
            assertEquals(List.of("iid-seed-1"), g.instanceIds());
            assertTrue(g.cloudInit().datasource().startsWith("NoCloud"), g.cloudInit().datasource());
        }
    }

    @Test
    void anIsoWithAnotherLabelIsNoDatasource() {
        images();
        byte[] iso = CidataIso.of("data", Map.of("user-data", "#cloud-config\nhostname: no\n"), true);
        hv.cluster().addVolume("pve", "local", "iso/other.iso", iso.length);
        put("local:iso/other.iso", iso);
        VmRef vm = create(100, CLOUDIMG, Map.of("ide2", "", "ide3", "local:iso/other.iso,media=cdrom"));
        hv.start(vm).await(LONG);
        settle();
        assertEquals("disabled", hv.guest(100).cloudInit().status());
        assertEquals("ubuntu", hv.guest(100).hostname());
    }

    @Test
    void aChangedInstanceIdRerunsTheModulesAndAnUnchangedOneDoesNot() {
        images();
        snippet("#cloud-config\nwrite_files:\n  - path: /etc/one\n    content: first\n");
        VmRef vm = create(100, CLOUDIMG, Map.of("cicustom", "user=" + SNIPPET));
        hv.start(vm).await(LONG);
        settle();
        hv.reboot(vm).await(LONG);
        settle();
        GuestState once = hv.guest(100);
        assertEquals(1, once.instanceIds().size());
        assertEquals("first", once.files().get("/etc/one"));
        snippet("#cloud-config\nwrite_files:\n  - path: /etc/two\n    content: second\n");
        hv.reboot(vm).await(LONG);
        settle();
        GuestState twice = hv.guest(100);
        assertEquals(2, twice.instanceIds().size(), "Proxmox's instance-id is sha1(user-data . network)");
        assertEquals("second", twice.files().get("/etc/two"));
        hv.updateConfig(vm, ConfigUpdate.set("nameserver", "192.0.2.53")).await(LONG);
        hv.reboot(vm).await(LONG);
        settle();
        assertEquals(3, hv.guest(100).instanceIds().size(), "the network-config changed, so the instance-id did");
    }

    @Test
    void userDataWithoutTheCloudConfigHeaderIsIgnoredAndMalformedYamlIsAnError() {
        agentImage();
        images();
        snippet("packages: [jq]\n");
        VmRef vm = create(100, "local:import/with-agent.img", Map.of("cicustom", "user=" + SNIPPET));
        hv.start(vm).await(LONG);
        clock.advance(Duration.ofSeconds(25));
        GuestExecStatus ignored = exec(vm, "cloud-init", "status", "--wait");
        assertEquals(0, ignored.exitCode());
        assertFalse(hv.guest(100).packages().contains("jq"));
        snippet("#cloud-config\npackages: [jq\n");
        hv.reboot(vm).await(LONG);
        clock.advance(Duration.ofSeconds(25));
        GuestExecStatus broken = exec(vm, "cloud-init", "status", "--wait");
        assertEquals(1, broken.exitCode());
        assertEquals("status: error\n", broken.stdout());
    }

    // ---- packages, services, mounts, devices ----------------------------------------------------

    @Test
    void anUnknownPackageIsAnErrorAndStatusWaitExitsOne() {
        agentImage();
        images();
        snippet("#cloud-config\npackages: [jq, no-such-package]\n");
        VmRef vm = create(100, "local:import/with-agent.img", Map.of("cicustom", "user=" + SNIPPET));
        hv.start(vm).await(LONG);
        clock.advance(Duration.ofSeconds(25));
        assertTrue(answers(vm), "this image ships the agent, so it answers before cloud-init ends");
        int pid = hv.agentExec(vm, List.of("cloud-init", "status", "--wait"), null);
        assertFalse(hv.agentExecStatus(vm, pid).exited(), "--wait runs while cloud-init runs");
        GuestExecStatus status = exec(vm, "cloud-init", "status", "--wait", "--long");
        assertEquals(1, status.exitCode());
        assertTrue(status.stdout().startsWith("status: error\n"), status.stdout());
        GuestState g = hv.guest(100);
        assertTrue(g.cloudInit().errors().contains("E: Unable to locate package no-such-package"), g.cloudInit().errors().toString());
        assertFalse(g.packages().contains("jq"), "apt installs nothing when one package is missing");
        GuestExecStatus apt = exec(vm, "apt-get", "install", "-y", "no-such-package");
        assertEquals(100, apt.exitCode());
        assertEquals("E: Unable to locate package no-such-package\n", apt.stderr());
    }

    @Test
    void dockerCeComesOnlyFromDockersRepositoryAndTheDockerGroupGatesUsers() {
        agentImage();
        images();
        snippet("#cloud-config\npackages: [docker-ce]\n");
        VmRef without = create(100, "local:import/with-agent.img", Map.of("cicustom", "user=" + SNIPPET));
        hv.start(without).await(LONG);
        settle();
        assertEquals("error", hv.guest(100).cloudInit().status());
        assertEquals(127, exec(without, "docker", "version").exitCode());

        snippet("#cloud-config\napt:\n  sources:\n    docker.list:\n      source: deb [arch=amd64 signed-by=$KEY_FILE]"
                + " https://download.docker.com/linux/ubuntu $RELEASE stable\n      keyid: 9DC858229FC7DD38854AE2D88D81803C0EBFCD88\n"
                + "packages: [docker-ce, docker-ce-cli, containerd.io, docker-compose-plugin]\n"
                + "runcmd:\n  - usermod -aG docker ubuntu\n");
        VmRef with = create(101, "local:import/with-agent.img", Map.of("cicustom", "user=" + SNIPPET));
        hv.start(with).await(LONG);
        settle();
        GuestState g = hv.guest(101);
        assertEquals("done", g.cloudInit().status(), g.cloudInit().errors().toString());
        assertTrue(g.running("docker"), "docker-ce starts docker on install");
        assertEquals(0, exec(with, "docker", "version").exitCode());
        assertEquals(0, exec(with, "docker", "compose", "version").exitCode());
        assertEquals(0, exec(with, "sudo", "-u", "ubuntu", "docker", "info").exitCode());
        assertEquals("ubuntu adm cdrom dip docker lxd sudo\n", exec(with, "id", "-nG", "ubuntu").stdout());
        exec(with, "groupadd", "ci");
        assertEquals(0, exec(with, "sh", "-c", "usermod -aG ci ubuntu && id -nG ubuntu").exitCode());
        assertEquals(6, exec(with, "usermod", "-aG", "docker", "nobody").exitCode());
        GuestExecStatus other = exec(with, "sh", "-c", "groupadd ops; usermod -aG ops root; runuser -u root -- true");
        assertEquals(0, other.exitCode());

        snippet("#cloud-config\nusers:\n  - default\n  - name: deploy\n    groups: [adm]\n"
                + "apt:\n  sources:\n    docker:\n      source: deb https://download.docker.com/linux/ubuntu noble stable\n"
                + "packages: [docker-ce]\n");
        VmRef user = create(102, "local:import/with-agent.img", Map.of("cicustom", "user=" + SNIPPET));
        hv.start(user).await(LONG);
        settle();
        GuestExecStatus denied = exec(user, "sudo", "-u", "deploy", "docker", "info");
        assertEquals(1, denied.exitCode());
        assertTrue(denied.stderr().startsWith("permission denied while trying to connect to the Docker daemon socket"));
    }

    @Test
    void cloudInitStatusFormatJsonListsTheRecoverableErrorsAsCloudInitPrintsThem() {
        agentImage();
        images();
        snippet("#cloud-config\nmounts:\n  - [\"nas:/export/media\", /mnt/media, nfs4, \"defaults,_netdev\", \"0\", \"0\"]\n");
        VmRef vm = create(100, "local:import/with-agent.img", Map.of("cicustom", "user=" + SNIPPET));
        hv.start(vm).await(LONG);
        settle();
        GuestExecStatus json = exec(vm, "cloud-init", "status", "--format", "json");
        assertEquals(2, json.exitCode());
        // cloudinit/cmd/status.py print_status: json.dumps(details, indent=2, sort_keys=True, separators=(",", ": "))
        assertEquals("{\n"
                + "  \"boot_status_code\": \"enabled-by-generator\",\n"
                + "  \"datasource\": \"nocloud\",\n"
                + "  \"detail\": \"DataSourceNoCloud [seed=/dev/sr0]\",\n"
                + "  \"errors\": [],\n"
                + "  \"extended_status\": \"degraded done\",\n"
                + "  \"last_update\": \"\",\n"
                + "  \"recoverable_errors\": {\n"
                + "    \"WARNING\": [\n"
                + "      \"Activating mounts via 'mount -a' failed\"\n"
                + "    ]\n"
                + "  },\n"
                + "  \"status\": \"done\"\n"
                + "}\n", json.stdout());
        assertEquals(json.stdout(), exec(vm, "cloud-init", "status", "--format=json").stdout());
        assertTrue(exec(vm, "cloud-init", "status", "--long").stdout()
                .endsWith("recoverable_errors:\nWARNING:\n\t- Activating mounts via 'mount -a' failed\n"));
        assertEquals(2, exec(vm, "cloud-init", "status", "--format", "xml").exitCode());
    }

    @Test
    void theCloudInitWarningCarriesTheRecoverableErrorsThemselves() {
        agentImage();
        images();
        snippet("#cloud-config\nmounts:\n  - [\"nas:/export/media\", /mnt/media, nfs4, \"defaults,_netdev\", \"0\", \"0\"]\n");
        VmRef vm = create(100, "local:import/with-agent.img", Map.of("cicustom", "user=" + SNIPPET));
        hv.start(vm).await(LONG);
        ai.thinkheads.phoenix.feature.Guest guest = ai.thinkheads.phoenix.feature.Guest.of(hv, clock, Duration.ofMinutes(30));
        guest.awaitAgent(vm);
        Optional<String> warning = guest.awaitCloudInit(vm);
        assertEquals(Optional.of("VM 100: cloud-init finished with recoverable errors: WARNING: Activating mounts via"
                + " 'mount -a' failed"), warning);
    }

    @Test
    void anNfsMountNeedsNfsCommon() {
        agentImage();
        images();
        String mount = "mounts:\n  - [\"nas:/export/media\", /mnt/media, nfs4, \"defaults,_netdev\", \"0\", \"0\"]\n";
        snippet("#cloud-config\n" + mount);
        VmRef without = create(100, "local:import/with-agent.img", Map.of("cicustom", "user=" + SNIPPET));
        hv.start(without).await(LONG);
        settle();
        GuestExecStatus degraded = exec(without, "cloud-init", "status", "--wait");
        assertEquals(2, degraded.exitCode(), "a failed mount -a is a recoverable error: degraded done");
        assertEquals("status: done\n", degraded.stdout());
        assertEquals(1, exec(without, "findmnt", "/mnt/media").exitCode());
        assertEquals(32, exec(without, "mount", "-a").exitCode());

        snippet("#cloud-config\n" + mount + "packages: [nfs-common]\nruncmd:\n  - mount -a\n");
        VmRef with = create(101, "local:import/with-agent.img", Map.of("cicustom", "user=" + SNIPPET));
        hv.start(with).await(LONG);
        settle();
        GuestExecStatus found = exec(with, "findmnt", "/mnt/media");
        assertEquals(0, found.exitCode());
        assertTrue(found.stdout().contains("nas:/export/media"), found.stdout());
        assertEquals(List.of(new GuestState.Mount("nas:/export/media", "/mnt/media", "nfs4", true)), hv.guest(101).mounts());
        assertEquals(0, exec(with, "test", "-d", "/mnt/media").exitCode());
    }

    @Test
    void nvidiaSmiNeedsTheDriverAndAPassedThroughDevice() {
        agentImage();
        images();
        snippet("#cloud-config\npackages: [nvidia-driver-550-server]\n");
        VmRef gpu = create(100, "local:import/with-agent.img", Map.of("cicustom", "user=" + SNIPPET, "hostpci0", "0000:01:00.0"));
        VmRef plain = create(101, "local:import/with-agent.img", Map.of("cicustom", "user=" + SNIPPET));
        hv.start(gpu).await(LONG);
        hv.start(plain).await(LONG);
        settle();
        assertEquals(0, exec(gpu, "nvidia-smi").exitCode());
        GuestExecStatus none = exec(plain, "nvidia-smi");
        assertEquals(9, none.exitCode());
        assertTrue(none.stderr().startsWith("NVIDIA-SMI has failed"), none.stderr());
        assertEquals(127, exec(plain, "lspci").exitCode());
        assertEquals("lspci: command not found\n", exec(plain, "lspci").stderr());
    }

    // ---- the state lives with the disk ----------------------------------------------------------

    @Test
    void clonesCopyTheGuestStateAndANeverBootedTemplateStaysPristine() {
        images();
        snippet("#cloud-config\npackages: [qemu-guest-agent]\nruncmd: [systemctl enable --now qemu-guest-agent]\n");
        VmRef template = create(900, CLOUDIMG, Map.of());
        hv.convertToTemplate(template).await(LONG);
        hv.clone(template, CloneRequest.linked(101, "linked")).await(LONG);
        GuestState pristine = hv.guest(101);
        assertTrue(pristine.hasOs());
        assertEquals(List.of(), pristine.instanceIds());
        assertFalse(pristine.packages().contains("qemu-guest-agent"));

        VmRef booted = create(100, CLOUDIMG, Map.of("cicustom", "user=" + SNIPPET));
        hv.start(booted).await(LONG);
        settle();
        hv.stop(booted).await(LONG);
        hv.clone(booted, CloneRequest.full(102, "copy")).await(LONG);
        GuestState copy = hv.guest(102);
        assertTrue(copy.packages().contains("qemu-guest-agent"));
        assertEquals(hv.guest(100).instanceIds(), copy.instanceIds());
        hv.destroy(VmRef.of("pve", 102), ai.thinkheads.phoenix.hypervisor.DestroyOptions.plain()).await(LONG);
        assertThrows(ai.thinkheads.phoenix.hypervisor.NotFoundException.class, () -> hv.guest(102));
    }

    @Test
    void aRollbackRestoresTheGuestStateOfTheSnapshot() {
        agentImage();
        images();
        VmRef vm = create(100, "local:import/with-agent.img", Map.of());
        hv.start(vm).await(LONG);
        settle();
        hv.createSnapshot(vm, "clean", "", false).await(LONG);
        assertEquals(0, exec(vm, "apt-get", "install", "-y", "jq").exitCode());
        assertEquals("jq\t1.0-simulated\n", exec(vm, "dpkg-query", "-W", "jq").stdout());
        hv.rollbackSnapshot(vm, "clean").await(LONG);
        assertFalse(hv.guest(100).packages().contains("jq"));
        hv.start(vm).await(LONG);
        settle();
        assertEquals(1, exec(vm, "dpkg", "-s", "jq").exitCode());
    }

    @Test
    void theShellSplitsOnAndAndSemicolonWithoutExpanding() {
        agentImage();
        images();
        VmRef vm = create(100, "local:import/with-agent.img", Map.of());
        hv.start(vm).await(LONG);
        settle();
        GuestExecStatus s = exec(vm, "sh", "-c", "mkdir -p /srv/app && echo 'a  b' \"$HOME\"; false && echo skipped\necho last");
        assertEquals(new GuestExecStatus(true, 0, "a  b $HOME\nlast\n", ""), s);
        assertEquals(0, exec(vm, "test", "-d", "/srv/app").exitCode());
        assertEquals(7, exec(vm, "sh", "-c", "exit 7").exitCode());
        assertEquals("web100\n", exec(vm, "hostname").stdout());
    }
}
