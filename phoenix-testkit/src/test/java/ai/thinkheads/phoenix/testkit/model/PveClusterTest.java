package ai.thinkheads.phoenix.testkit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.ConfigModifiedException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import ai.thinkheads.phoenix.testkit.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model as an HTTP or SSH face would drive it: raw handler parameters, UPIDs, task status. */
class PveClusterTest {

    private final FakeClock clock = new FakeClock();
    private final PveCluster cluster = PveCluster.builder().time(clock)
            .node(NodeSpec.of("pve1", 8, 32)).node(NodeSpec.of("pve2", 8, 32))
            .storage(StorageSpec.local("local-lvm", "lvmthin", 100, "images"))
            .storage(StorageSpec.shared("ceph", "rbd", 1000, "images"))
            .storage(StorageSpec.local("local", "dir", 10, "iso", "snippets"))
            .guestBootDelay(Duration.ZERO)
            .guestImages(GuestImages.stock().with("agent-image",
                    GuestImage.ubuntuNobleCloud().withPackages("ubuntu-with-agent", "qemu-guest-agent")))
            .build();

    private TaskStatus finish(Upid upid) {
        clock.advance(Duration.ofMinutes(1));
        return cluster.taskStatus(upid);
    }

    @Test
    void createWithStartRunsTheVm() {
        cluster.addVolume("pve1", "local", "import/agent-image.qcow2", 1L << 30);
        // the guest's OS comes with its disk: an image that ships qemu-guest-agent, so the agent answers
        Upid upid = cluster.createVm("pve1", 100, Map.of("memory", "1024", "start", "1", "agent", "1",
                "scsi0", "local-lvm:0,import-from=local:import/agent-image.qcow2"));
        assertEquals("qmcreate", upid.type());
        assertTrue(cluster.taskStatus(upid).running());
        assertEquals("create", cluster.vmStatus("pve1", 100).lock(), "the config is locked while the create runs");
        assertEquals("OK", finish(upid).exitStatus());
        VmStatus status = cluster.vmStatus("pve1", 100);
        assertEquals(PowerState.RUNNING, status.state());
        assertEquals("running", status.status());
        assertEquals(1024L << 20, status.maxmem());
        assertTrue(status.agent());
        assertEquals(59, status.uptimeSeconds(), "it has run since the create task ended, 1 s after it began");
        cluster.agentPing("pve1", 100);
    }

    @Test
    void createOptionsThatAreNotConfigAreNotStored() {
        finish(cluster.createVm("pve1", 100, Map.of("storage", "ceph", "scsi0", "4", "pool", "web")));
        Map<String, String> values = cluster.vmConfig("pve1", 100, false).values();
        assertEquals("ceph:vm-100-disk-0,size=4G", values.get("scsi0"));
        assertFalse(values.containsKey("storage") || values.containsKey("pool") || values.containsKey("start"));
        assertTrue(values.get("smbios1").matches("uuid=[0-9a-f-]{36}"), values.get("smbios1"));
        assertTrue(values.get("meta").startsWith("creation-qemu="), values.get("meta"));
    }

    @Test
    void clonesToAnotherNodeNeedSharedStorage() {
        finish(cluster.createVm("pve1", 100, Map.of("scsi0", "local-lvm:1")));
        WrongStateException local = assertThrows(WrongStateException.class,
                () -> cluster.cloneVm("pve1", 100, 101, Map.of("target", "pve2")));
        assertEquals("can't clone VM to node 'pve2' (VM uses local storage)", local.getMessage());
        assertThrows(WrongStateException.class,
                () -> cluster.cloneVm("pve1", 100, 101, Map.of("target", "pve2", "storage", "ceph", "full", "1")),
                "PVE::API2::Qemu $check_storage_access_clone: the source's disks must be shared too");
        finish(cluster.createVm("pve1", 200, Map.of("scsi0", "ceph:1")));
        Upid upid = cluster.cloneVm("pve1", 200, 101, Map.of("target", "pve2"));
        assertEquals("pve1", upid.node(), "the clone task runs on the source's node");
        assertEquals("200", upid.id());
        assertEquals("OK", finish(upid).exitStatus());
        assertEquals("ceph:vm-101-disk-0,size=1G", cluster.vmConfig("pve2", 101, false).values().get("scsi0"));
        assertEquals("Copy-of-VM-200", cluster.vmConfig("pve2", 101, false).values().get("name"));
        assertThrows(NotFoundException.class, () -> cluster.vmConfig("pve1", 101, false));
        assertEquals(List.of(101), cluster.vmlist("pve2").stream().map(v -> v.vmid()).toList());
    }

    @Test
    void pendingChangesAreDiscardedForACloneWithAWarning() {
        finish(cluster.createVm("pve1", 100, Map.of("scsi0", "local-lvm:1", "cores", "1")));
        finish(cluster.vmStart("pve1", 100));
        cluster.updateVm("pve1", 100, Map.of("cores", "2"));
        Upid clone = cluster.cloneVm("pve1", 100, 101, Map.of());
        assertEquals("WARNINGS: 1", finish(clone).exitStatus());
        assertTrue(cluster.taskLog(clone).contains("WARN: found pending changes for 'cores', discarding for clone"));
        assertEquals("1", cluster.vmConfig("pve1", 101, false).values().get("cores"));
    }

    @Test
    void theAsyncConfigHandlerRefusesAStaleDigestBeforeForking() {
        finish(cluster.createVm("pve1", 100, Map.of()));
        // qemu-server update_vm_api: $load_and_check_config->(0), "early checks before forking/locking"
        ConfigModifiedException e = assertThrows(ConfigModifiedException.class,
                () -> cluster.updateVmAsync("pve1", 100, Map.of("cores", "2", "digest", "0".repeat(40))));
        assertEquals("checksum mismatch (file change by other user?)", e.getMessage());
        String digest = cluster.vmConfig("pve1", 100, false).digest();
        assertEquals("OK", finish(cluster.updateVmAsync("pve1", 100, Map.of("cores", "2", "digest", digest))).exitStatus());
        assertEquals("2", cluster.vmConfig("pve1", 100, false).values().get("cores"));
    }

    @Test
    void unknownNodesTasksAndSnapshotsAreNotFound() {
        assertEquals("no such cluster node 'pve9'",
                assertThrows(NotFoundException.class, () -> cluster.vmlist("pve9")).getMessage());
        Upid stranger = Upid.parse("UPID:pve1:00001234:00005678:65000000:qmstart:100:root@pam:");
        assertThrows(NotFoundException.class, () -> cluster.taskStatus(stranger));
        finish(cluster.createVm("pve1", 100, Map.of()));
        assertEquals("snapshot 'nope' does not exist",
                assertThrows(NotFoundException.class, () -> cluster.snapshotConfig("pve1", 100, "nope")).getMessage());
        assertEquals("snapshot 'nope' does not exist", finish(cluster.rollback("pve1", 100, "nope", false)).exitStatus());
    }

    @Test
    void storageUseFollowsVolumes() {
        finish(cluster.createVm("pve1", 100, Map.of("scsi0", "local-lvm:10", "scsi1", "ceph:20")));
        var pve1 = cluster.storageStatus("pve1");
        var pve2 = cluster.storageStatus("pve2");
        assertEquals(10L << 30, pve1.stream().filter(s -> s.storage().equals("local-lvm")).findFirst().orElseThrow().used());
        assertEquals(0L, pve2.stream().filter(s -> s.storage().equals("local-lvm")).findFirst().orElseThrow().used());
        assertEquals(20L << 30, pve2.stream().filter(s -> s.storage().equals("ceph")).findFirst().orElseThrow().used(),
                "a shared storage shows the same use on every node");
    }

    @Test
    void theConfigFileHasProxmoxsLayout() {
        finish(cluster.createVm("pve1", 100, Map.of("name", "web", "cores", "2", "description", "50% done")));
        long snapshotStarted = clock.now().getEpochSecond();
        finish(cluster.snapshot("pve1", 100, "first", false, "a snapshot"));
        String text = cluster.configFileText("pve1", 100);
        String[] sections = text.split("\n\n");
        assertTrue(sections[0].startsWith("#50%25 done\n"), text);
        assertTrue(sections[0].contains("\ncores: 2\n") && sections[0].contains("\nparent: first\n"), text);
        assertTrue(sections[1].startsWith("[first]\n#a snapshot\ncores: 2\n"), text);
        assertTrue(sections[1].contains("\nsnaptime: " + (snapshotStarted + 1) + "\n"), text);
    }
}
