package ai.thinkheads.phoenix.testkit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.definition.UbuntuCloud;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterStateFileTest {

    private static final String IMAGE = "import/noble-server-cloudimg-amd64.img";

    private static FakeHypervisor freshCluster() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        fake.cluster().addVolume("pve", "local", IMAGE, 3758096384L);
        return fake;
    }

    /** A template, a linked clone with features and snapshots (a snippet is written), a stopped full clone. */
    private static List<VmDefinition> definitions() {
        VmDefinition template = UbuntuCloud.template("ubuntu-2404-tmpl", 9000).image("local:" + IMAGE)
                .diskSize(DiskSize.ofGiB(8)).build();
        VmDefinition docker = UbuntuCloud.clone("docker-01", 9000).vmid(9101).diskSize(DiskSize.ofGiB(32))
                .address(IpConfig.staticV4("10.0.0.21/24", "10.0.0.1")).nameservers("10.0.0.1")
                .features("base_setup", "docker").snapshots("before-features", "after-features").build();
        VmDefinition full = UbuntuCloud.clone("docker-02", 9000).vmid(9102).full().diskSize(DiskSize.ofGiB(16)).build();
        return List.of(template, docker, full);
    }

    private static Map<String, String> withoutMeta(Map<String, String> config) {
        Map<String, String> m = new TreeMap<>(config);
        m.remove("meta");
        return m;
    }

    /** Each snapshot with its parent: the chain, whatever order same-second snapshots are listed in. */
    private static Map<String, String> parents(List<Snapshot> snapshots) {
        Map<String, String> m = new TreeMap<>();
        snapshots.forEach(s -> m.put(s.name(), s.parentIfAny().orElse("-")));
        return m;
    }

    @Test
    void aSavedClusterRestoredIntoAFreshOneHasTheSameVmsVolumesAndNothingToPlan(@TempDir Path dir) throws Exception {
        FakeHypervisor before = freshCluster();
        Phoenix phoenix = Phoenix.on(before).time(before.time());
        assertTrue(phoenix.apply(phoenix.plan(definitions())).isComplete());
        before.stop(before.findVm(9102).orElseThrow().ref()).await(java.time.Duration.ofMinutes(1));
        Path file = dir.resolve("state/cluster.json");
        ClusterStateFile.save(before.cluster(), file);

        FakeHypervisor after = freshCluster();
        ClusterStateFile.load(after.cluster(), file);

        assertEquals(before.listVms().stream().map(v -> v.vmid() + " " + v.name() + " " + v.state() + " " + v.template()).toList(),
                after.listVms().stream().map(v -> v.vmid() + " " + v.name() + " " + v.state() + " " + v.template()).toList());
        for (VmSummary vm : before.listVms()) {
            assertEquals(withoutMeta(before.getConfig(vm.ref()).values()), withoutMeta(after.getConfig(vm.ref()).values()),
                    "config of " + vm.name());
            assertEquals(parents(before.listSnapshots(vm.ref())), parents(after.listSnapshots(vm.ref())), "snapshots of " + vm.name());
        }
        for (String storage : List.of("local", "local-lvm")) {
            assertEquals(before.cluster().storageContent("pve", storage), after.cluster().storageContent("pve", storage), storage);
        }
        for (var v : before.cluster().fileVolumes("pve", "local", "snippets")) {
            assertEquals(new String(before.cluster().volumeContent("pve", v.volid()).orElseThrow()),
                    new String(after.cluster().volumeContent("pve", v.volid()).orElseThrow()), v.volid());
        }
        assertFalse(before.cluster().fileVolumes("pve", "local", "snippets").isEmpty(), "the clone's user-data snippet");
        assertEquals(Map.of("before-features", "-", "after-features", "before-features"),
                parents(after.listSnapshots(after.findVm(9101).orElseThrow().ref())));

        Plan again = Phoenix.on(after).time(after.time()).plan(definitions());
        // docker-02 was stopped on purpose: the plan starts it again, and nothing else
        assertEquals(List.of("docker-02"), again.vms().stream().filter(v -> !v.changes().isEmpty()).map(v -> v.name()).toList(),
                again.render());
    }

    @Test
    void aMissingFileIsAnEmptyStateAndARestoreNeedsAnEmptyCluster(@TempDir Path dir) throws Exception {
        FakeHypervisor fake = freshCluster();
        ClusterStateFile.load(fake.cluster(), dir.resolve("none.json"));
        assertTrue(fake.listVms().isEmpty());

        Phoenix phoenix = Phoenix.on(fake).time(fake.time());
        phoenix.apply(phoenix.plan(definitions().subList(0, 1)));
        String state = ClusterStateFile.write(fake.cluster());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterStateFile.read(fake.cluster(), state, "s.json"));
        assertTrue(e.getMessage().contains("already has VMs"), e.getMessage());
    }

    @Test
    void otherJsonIsRefusedNamingTheFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterStateFile.read(freshCluster().cluster(), "{\"vms\": []}", "x.json"));
        assertTrue(e.getMessage().startsWith("x.json: not a cluster state"), e.getMessage());
    }
}
