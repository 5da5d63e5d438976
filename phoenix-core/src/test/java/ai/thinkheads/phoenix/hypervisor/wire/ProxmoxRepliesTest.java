package ai.thinkheads.phoenix.hypervisor.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.StorageVolume;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.UnexpectedReplyException;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one decoder of Proxmox's JSON replies, fed the recorded API replies in {@code ../shared}
 * (their {@code data}, which is also what {@code pvesh ... --output-format json} prints) and the
 * forms either backend meets.
 */
class ProxmoxRepliesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The {@code data} of a recorded API reply. */
    private static JsonNode fixture(String name) throws Exception {
        Path dir = Path.of(System.getProperty("phoenix.shared.dir", "../../shared"), "pve-api", "fixtures");
        return JSON.readTree(Files.readString(dir.resolve(name))).get("data");
    }

    private static JsonNode j(String json) {
        return ProxmoxReplies.parse(json, "test");
    }

    // ---- cluster resources ----------------------------------------------------------------

    @Test
    void clusterResourcesFixture() throws Exception {
        JsonNode data = fixture("cluster-resources.response.pve8.json");
        List<VmSummary> vms = ProxmoxReplies.vms(data);
        assertTrue(vms.size() >= 3);
        VmSummary first = vms.get(0);
        assertEquals(100, first.vmid());
        assertEquals("node2", first.node());
        assertEquals("server1", first.name());
        assertEquals(PowerState.RUNNING, first.state());
        assertFalse(first.template());
        VmSummary template = vms.stream().filter(v -> v.vmid() == 101).findFirst().orElseThrow();
        assertTrue(template.template());
        assertEquals(PowerState.STOPPED, template.state());
        VmSummary tagged = vms.stream().filter(v -> v.vmid() == 102).findFirst().orElseThrow();
        assertEquals(List.of("go-proxmox+cloud-init"), tagged.tags());
        for (int i = 1; i < vms.size(); i++) {
            assertTrue(vms.get(i - 1).vmid() < vms.get(i).vmid(), "VMID order");
        }
        List<NodeResources> nodes = ProxmoxReplies.nodes(data);
        assertFalse(nodes.isEmpty());
        for (int i = 1; i < nodes.size(); i++) {
            assertTrue(nodes.get(i - 1).node().compareTo(nodes.get(i).node()) < 0, "name order");
        }
    }

    @Test
    void clusterResourcesWithLockTagsAndLooseTypes() {
        JsonNode data = j("[{\"type\":\"qemu\",\"vmid\":\"200\",\"node\":\"pve1\",\"name\":\"db\",\"status\":\"stopped\","
                + "\"template\":\"0\",\"tags\":\"prod;db, web\",\"lock\":\"clone\"},"
                + "{\"type\":\"qemu\",\"vmid\":201,\"node\":\"pve1\",\"status\":\"running\",\"lock\":\"\",\"template\":true},"
                + "{\"type\":\"lxc\",\"vmid\":300,\"node\":\"pve1\",\"status\":\"running\"},"
                + "{\"type\":\"node\",\"node\":\"pve1\",\"status\":\"online\",\"maxcpu\":16,\"cpu\":0.5,"
                + "\"maxmem\":68719476736,\"mem\":\"17179869184\"}]");
        List<VmSummary> vms = ProxmoxReplies.vms(data);
        assertEquals(List.of(200, 201), vms.stream().map(VmSummary::vmid).toList(), "containers are not VMs");
        assertEquals(List.of("prod", "db", "web"), vms.get(0).tags(), "split as pve-common split_list");
        assertEquals("clone", vms.get(0).lock());
        assertEquals("", vms.get(1).name());
        assertNull(vms.get(1).lock(), "an empty lock is no lock");
        assertTrue(vms.get(1).template());
        assertEquals(List.of(new NodeResources("pve1", true, 16, 0.5, 68719476736L, 17179869184L)),
                ProxmoxReplies.nodes(data));
    }

    @Test
    void aVmWhoseStateTheSeamCannotNameIsUnknownAndTheRestOfTheListIsRead() {
        // pve-manager PVE::API2Tools::extract_vm_stats: 'unknown' when the node's stats are missing;
        // pvestatd broadcasts the qmpstatus, so any QEMU run state may appear
        List<VmSummary> vms = ProxmoxReplies.vms(j("[{\"type\":\"qemu\",\"vmid\":300,\"node\":\"pve3\",\"status\":\"unknown\"},"
                + "{\"type\":\"qemu\",\"vmid\":301,\"node\":\"pve1\",\"status\":\"io-error\"},"
                + "{\"type\":\"qemu\",\"vmid\":302,\"node\":\"pve1\",\"status\":\"paused\"},"
                + "{\"type\":\"qemu\",\"vmid\":303,\"node\":\"pve1\",\"status\":\"running\"}]"));
        assertEquals(List.of(PowerState.UNKNOWN, PowerState.UNKNOWN, PowerState.PAUSED, PowerState.RUNNING),
                vms.stream().map(VmSummary::state).toList());
    }

    @Test
    void aVmWithoutItsNodeOrVmidIsAnUnexpectedReply() {
        UnexpectedReplyException e = assertThrows(UnexpectedReplyException.class,
                () -> ProxmoxReplies.vms(j("[{\"type\":\"qemu\",\"vmid\":300}]")));
        assertTrue(e.getMessage().contains("cluster resources") && e.getMessage().contains("'node'"), e.getMessage());
        assertThrows(UnexpectedReplyException.class, () -> ProxmoxReplies.vms(j("[{\"type\":\"qemu\",\"node\":\"a\"}]")));
        assertThrows(UnexpectedReplyException.class, () -> ProxmoxReplies.vms(j("{}")));
    }

    @Test
    void nextIdIsAStringOrANumber() throws Exception {
        assertEquals(100, ProxmoxReplies.nextId(fixture("cluster-nextid.response.json")));
        assertEquals(100, ProxmoxReplies.nextId(j("\"100\"\n")));
        assertEquals(4711, ProxmoxReplies.nextId(j("4711\n")));
        assertThrows(UnexpectedReplyException.class, () -> ProxmoxReplies.nextId(j("\"abc\"")));
        assertThrows(UnexpectedReplyException.class, () -> j(""));
        assertThrows(UnexpectedReplyException.class, () -> j("{not json"));
    }

    // ---- one VM ---------------------------------------------------------------------------

    @Test
    void configKeepsValuesAsTheFileSpellsThemAndTakesTheDigestApart() {
        VmConfig c = ProxmoxReplies.config(VmRef.of("pve1", 100),
                j("{\"cores\":2,\"memory\":\"2048\",\"description\":\"a\\nb\",\"digest\":\"abc123\",\"template\":1,"
                        + "\"onboot\":true,\"cpuunits\":1.50,\"lock\":null}"));
        assertEquals("abc123", c.digest());
        assertEquals(Map.of("cores", "2", "memory", "2048", "description", "a\nb", "template", "1", "onboot", "1",
                "cpuunits", "1.5"), c.values());
        assertTrue(c.isTemplate());
        assertThrows(UnexpectedReplyException.class, () -> ProxmoxReplies.config(VmRef.of("pve1", 100), j("[]")));
    }

    @Test
    void snapshotsWithoutCurrentOldestFirst() {
        List<Snapshot> snaps = ProxmoxReplies.snapshots(j("[{\"name\":\"current\",\"parent\":\"s2\",\"running\":0,"
                + "\"description\":\"You are here!\"},"
                + "{\"name\":\"s2\",\"parent\":\"s1\",\"snaptime\":1700000100,\"description\":\"second\",\"vmstate\":1},"
                + "{\"name\":\"s1\",\"snaptime\":\"1700000000\",\"description\":\"\"}]"));
        assertEquals(List.of(new Snapshot("s1", "", null, Instant.ofEpochSecond(1700000000), false),
                new Snapshot("s2", "second", "s1", Instant.ofEpochSecond(1700000100), true)), snaps);
    }

    @Test
    void snapshotsTakenInTheSameSecondFollowTheParentChain() {
        List<Snapshot> snaps = ProxmoxReplies.snapshots(j("[{\"name\":\"c\",\"parent\":\"b\",\"snaptime\":5},"
                + "{\"name\":\"a\",\"snaptime\":5},{\"name\":\"b\",\"parent\":\"a\",\"snaptime\":5},{\"name\":\"x\"}]"));
        assertEquals(List.of("a", "b", "c", "x"), snaps.stream().map(Snapshot::name).toList());
    }

    // ---- storages and files ---------------------------------------------------------------

    @Test
    void storages() {
        List<StorageInfo> s = ProxmoxReplies.storages("pve1", j("[{\"storage\":\"local\",\"type\":\"dir\","
                + "\"content\":\"iso,vztmpl,backup\",\"shared\":0,\"active\":1,\"total\":1000,\"used\":400,\"avail\":600},"
                + "{\"storage\":\"ceph\",\"type\":\"rbd\",\"content\":\"images\",\"shared\":1,\"active\":1,"
                + "\"total\":5,\"used\":1,\"avail\":4}]"));
        assertEquals(List.of("ceph", "local"), s.stream().map(StorageInfo::storage).toList());
        assertEquals(new StorageInfo("pve1", "local", "dir", Set.of("iso", "vztmpl", "backup"), false, true, 1000, 400, 600),
                s.get(1));
        assertTrue(s.get(0).shared());
    }

    @Test
    void volumesOfTheAskedTypeInVolidOrder() {
        List<StorageVolume> v = ProxmoxReplies.volumes(StorageContent.SNIPPETS, j("[{\"volid\":\"local:snippets/b.yaml\","
                + "\"content\":\"snippets\",\"format\":\"snippet\",\"size\":12},"
                + "{\"volid\":\"local:iso/x.iso\",\"content\":\"iso\",\"format\":\"iso\",\"size\":3},"
                + "{\"volid\":\"local:snippets/A.yaml\",\"size\":\"7\"}]"));
        assertEquals(List.of(new StorageVolume("local:snippets/A.yaml", StorageContent.SNIPPETS, "", 7),
                new StorageVolume("local:snippets/b.yaml", StorageContent.SNIPPETS, "snippet", 12)), v);
        assertThrows(UnexpectedReplyException.class, () -> ProxmoxReplies.volumes(StorageContent.ISO, j("[{\"size\":1}]")));
    }

    @Test
    void storageConfigListsAreSplitAsPveStorageDoes() {
        StorageConfig c = ProxmoxReplies.storageConfig(j("{\"storage\":\"local\",\"type\":\"dir\",\"path\":\"/var/lib/vz\","
                + "\"content\":\"iso,snippets vztmpl\",\"nodes\":\"pve1,pve2\",\"digest\":\"x\"}"));
        assertEquals(new StorageConfig("local", "dir", Set.of("iso", "snippets", "vztmpl"), "/var/lib/vz",
                Set.of("pve1", "pve2")), c);
        assertTrue(c.availableOn("pve2"));
        assertFalse(c.availableOn("pve3"));
        StorageConfig block = ProxmoxReplies.storageConfig(j("{\"storage\":\"local-lvm\",\"type\":\"lvmthin\","
                + "\"content\":\"images,rootdir\"}"));
        assertEquals(Optional.empty(), block.pathIfAny());
        assertTrue(block.availableOn("anywhere"), "no nodes: all nodes");
    }

    // ---- tasks ----------------------------------------------------------------------------

    @Test
    void taskStatusFixtures() throws Exception {
        Upid upid = Upid.parse("UPID:node1:000FF1FD:10F9374C:630D702C:vzdump:110:root@pam:");
        assertEquals(TaskStatus.running(upid), ProxmoxReplies.taskStatus(upid, fixture("task-status.running.response.json")));
        assertEquals(TaskStatus.stopped(upid, "OK"),
                ProxmoxReplies.taskStatus(upid, fixture("task-status.stopped-ok.response.json")));
        TaskStatus error = ProxmoxReplies.taskStatus(upid, fixture("task-status.stopped-error.response.json"));
        assertTrue(error.failed());
        assertEquals("interrupted by signal", error.exitStatus());
        assertThrows(UnexpectedReplyException.class, () -> ProxmoxReplies.taskStatus(upid, j("{\"status\":\"zombie\"}")));
    }

    @Test
    void taskLogTailByLineNumber() {
        JsonNode log = j("[{\"n\":3,\"t\":\"TASK OK\"},{\"n\":1,\"t\":\"starting\"},{\"n\":2,\"t\":\"working\"}]");
        assertEquals(List.of("working", "TASK OK"), ProxmoxReplies.taskLog(log, 2));
        assertEquals(List.of("starting", "working", "TASK OK"), ProxmoxReplies.taskLog(log, 50));
        assertEquals(List.of(), ProxmoxReplies.taskLog(log, 0));
    }

    @Test
    void aWorkerAnswersItsUpidOrNothing() {
        assertEquals(Optional.empty(), ProxmoxReplies.workerUpid(j("null")));
        assertEquals(Optional.empty(), ProxmoxReplies.workerUpid(j("\"\"")));
        assertEquals("qmstart", ProxmoxReplies.workerUpid(j("\"UPID:pve1:00001234:0000ABCD:65000000:qmstart:100:root@pam:\""))
                .orElseThrow().type());
        assertThrows(UnexpectedReplyException.class, () -> ProxmoxReplies.workerUpid(j("{\"upid\":1}")));
        assertThrows(UnexpectedReplyException.class, () -> ProxmoxReplies.workerUpid(j("\"not a upid\"")));
    }

    // ---- guest agent ----------------------------------------------------------------------

    @Test
    void networkInterfacesAsTheApiWrapsThemAndAsQmPrintsThem() throws Exception {
        JsonNode apiData = fixture("qemu-agent-network-get-interfaces.response.json");
        for (JsonNode data : List.of(apiData, apiData.get("result"))) {
            List<GuestInterface> ifaces = ProxmoxReplies.guestInterfaces(data);
            assertEquals(2, ifaces.size());
            assertEquals(new GuestInterface("lo", "00:00:00:00:00:00", List.of()), ifaces.get(0));
            assertEquals(new GuestInterface("eth0", "bc:24:11:2e:c5:4a",
                    List.of(new GuestInterface.Address("ipv4", "10.0.0.10", 24))), ifaces.get(1));
        }
    }

    @Test
    void guestExecPid() {
        assertEquals(4242, ProxmoxReplies.guestExecPid(j("{\n   \"pid\" : 4242\n}\n")));
        assertEquals(4242, ProxmoxReplies.guestExecPid(j("{\"result\":{\"pid\":\"4242\"}}")));
        assertThrows(UnexpectedReplyException.class, () -> ProxmoxReplies.guestExecPid(j("{}")));
    }

    @Test
    void guestExecStatus() {
        assertEquals(new GuestExecStatus(true, 3, "hello\n", "oops"), ProxmoxReplies.guestExecStatus(
                j("{\n   \"err-data\" : \"oops\",\n   \"exitcode\" : 3,\n   \"exited\" : 1,\n   \"out-data\" : \"hello\\n\"\n}\n")));
        GuestExecStatus running = ProxmoxReplies.guestExecStatus(j("{\n   \"exited\" : 0\n}\n"));
        assertFalse(running.exited());
        assertNull(running.exitCode());
        assertEquals(new GuestExecStatus(true, 0, "", ""),
                ProxmoxReplies.guestExecStatus(j("{\"exited\":true,\"exitcode\":\"0\"}")));
    }
}
