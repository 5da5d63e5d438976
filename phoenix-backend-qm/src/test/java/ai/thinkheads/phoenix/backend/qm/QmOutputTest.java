package ai.thinkheads.phoenix.backend.qm;

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
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Parsing of every output format the backend reads. Where the shared reference fixtures exist
 * (API replies, {@code {"data": ...}}), the test strips the envelope the way pvesh does
 * ({@code --output-format json} prints only {@code data}).
 */
class QmOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String pveshOutputOf(String fixture) throws Exception {
        Path dir = Path.of(System.getProperty("phoenix.shared.dir", "../../shared"), "pve-api", "fixtures");
        return JSON.writeValueAsString(JSON.readTree(Files.readString(dir.resolve(fixture))).get("data")) + "\n";
    }

    // ---- qm list --------------------------------------------------------------------------

    @Test
    void qmListWithoutVmsPrintsNothing() {
        assertEquals(List.of(), QmOutput.qmList(""));
    }

    @Test
    void qmListRows() {
        String out = """
                      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \s
                       100 web01                running    2048              32.00 12345     \s
                       101 VM 101               stopped    512.5              0.00 0         \s
                      9000 debian12-tmpl-with-a-long-name stopped    2048               2.20 0         \s
                """;
        List<QmOutput.ListedVm> vms = QmOutput.qmList(out);
        assertEquals(3, vms.size());
        assertEquals(new QmOutput.ListedVm(100, "web01", "running", 2048, 32.0, 12345), vms.get(0));
        assertEquals(new QmOutput.ListedVm(101, "VM 101", "stopped", 512.5, 0.0, 0), vms.get(1));
        assertEquals("debian12-tmpl-with-a-long-name", vms.get(2).name());
    }

    @Test
    void qmListGarbageIsReported() {
        assertThrows(UnexpectedOutputException.class, () -> QmOutput.qmList("what is this\n"));
    }

    // ---- qm config ------------------------------------------------------------------------

    @Test
    void qmConfigLinesWithAnEncodedDescription() {
        String out = """
                boot: order=scsi0;ide2;net0
                description: first%20line%0Asecond%3A 100%25 %C3%BC
                memory: 2048
                net0: virtio=BC:24:11:2C:69:EC,bridge=vmbr0,firewall=1
                scsi0: local-lvm:vm-100-disk-0,iothread=1,size=32G
                """;
        Map<String, String> config = QmOutput.qmConfig(out);
        assertEquals("first line\nsecond: 100% \u00fc", config.get("description"));
        assertEquals("virtio=BC:24:11:2C:69:EC,bridge=vmbr0,firewall=1", config.get("net0"));
        assertEquals("order=scsi0;ide2;net0", config.get("boot"));
        assertEquals(4 + 1, config.size());
    }

    @Test
    void qmConfigWithoutColonIsReported() {
        assertThrows(UnexpectedOutputException.class, () -> QmOutput.qmConfig("nonsense\n"));
    }

    // ---- pvesh JSON -----------------------------------------------------------------------

    @Test
    void clusterResourcesFixture() throws Exception {
        String out = pveshOutputOf("cluster-resources.response.pve8.json");
        List<VmSummary> vms = QmOutput.vms(out);
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
        List<NodeResources> nodes = QmOutput.nodes(out);
        assertFalse(nodes.isEmpty());
        for (int i = 1; i < nodes.size(); i++) {
            assertTrue(nodes.get(i - 1).node().compareTo(nodes.get(i).node()) < 0, "name order");
        }
    }

    @Test
    void clusterResourcesWithLockAndTags() {
        String out = "[{\"type\":\"qemu\",\"vmid\":200,\"node\":\"pve1\",\"name\":\"db\",\"status\":\"stopped\","
                + "\"template\":0,\"tags\":\"prod;db\",\"lock\":\"clone\"},"
                + "{\"type\":\"lxc\",\"vmid\":300,\"node\":\"pve1\",\"status\":\"running\"},"
                + "{\"type\":\"node\",\"node\":\"pve1\",\"status\":\"online\",\"maxcpu\":16,\"cpu\":0.5,"
                + "\"maxmem\":68719476736,\"mem\":17179869184}]";
        List<VmSummary> vms = QmOutput.vms(out);
        assertEquals(1, vms.size(), "containers are not VMs");
        assertEquals(List.of("prod", "db"), vms.get(0).tags());
        assertEquals("clone", vms.get(0).lock());
        assertEquals(List.of(new NodeResources("pve1", true, 16, 0.5, 68719476736L, 17179869184L)), QmOutput.nodes(out));
    }

    @Test
    void aVmOnAnUnreachableNodeIsUnknown() {
        // pve-manager PVE::API2Tools::extract_vm_stats reports 'unknown' when the node's stats are missing
        List<VmSummary> vms = QmOutput.vms("[{\"type\":\"qemu\",\"vmid\":300,\"node\":\"pve3\",\"status\":\"unknown\"}]");
        assertEquals(ai.thinkheads.phoenix.hypervisor.PowerState.UNKNOWN, vms.get(0).state());
    }

    @Test
    void aVmInAStateTheSeamCannotExpressIsReported() {
        UnexpectedOutputException e = assertThrows(UnexpectedOutputException.class, () -> QmOutput.vms(
                "[{\"type\":\"qemu\",\"vmid\":300,\"node\":\"pve3\",\"status\":\"migrating\"}]"));
        assertTrue(e.getMessage().contains("VM 300 has status 'migrating'"), e.getMessage());
    }

    @Test
    void nextIdIsAStringOrANumber() throws Exception {
        assertEquals(100, QmOutput.nextId(pveshOutputOf("cluster-nextid.response.json")));
        assertEquals(100, QmOutput.nextId("\"100\"\n"));
        assertEquals(4711, QmOutput.nextId("4711\n"));
        assertThrows(UnexpectedOutputException.class, () -> QmOutput.nextId("\"abc\""));
        assertThrows(UnexpectedOutputException.class, () -> QmOutput.nextId(""));
    }

    @Test
    void configJsonKeepsValuesAsStringsAndTakesTheDigestApart() {
        VmConfig c = QmOutput.config(VmRef.of("pve1", 100),
                "{\"cores\":2,\"memory\":\"2048\",\"description\":\"a\\nb\",\"digest\":\"abc123\",\"template\":1}\n");
        assertEquals("abc123", c.digest());
        assertEquals(Map.of("cores", "2", "memory", "2048", "description", "a\nb", "template", "1"), c.values());
        assertTrue(c.isTemplate());
        assertThrows(UnexpectedOutputException.class, () -> QmOutput.config(VmRef.of("pve1", 100), "[]"));
    }

    @Test
    void storages() {
        List<StorageInfo> s = QmOutput.storages("pve1", "[{\"storage\":\"local\",\"type\":\"dir\",\"content\":\"iso,vztmpl,backup\","
                + "\"shared\":0,\"active\":1,\"total\":1000,\"used\":400,\"avail\":600},"
                + "{\"storage\":\"ceph\",\"type\":\"rbd\",\"content\":\"images\",\"shared\":1,\"active\":1,"
                + "\"total\":5,\"used\":1,\"avail\":4}]");
        assertEquals(List.of("ceph", "local"), s.stream().map(StorageInfo::storage).toList());
        assertEquals(new StorageInfo("pve1", "local", "dir", Set.of("iso", "vztmpl", "backup"), false, true, 1000, 400, 600),
                s.get(1));
        assertTrue(s.get(0).shared());
    }

    @Test
    void snapshotsWithoutCurrentOldestFirst() {
        String out = "[{\"name\":\"current\",\"parent\":\"s2\",\"running\":0,\"description\":\"You are here!\"},"
                + "{\"name\":\"s2\",\"parent\":\"s1\",\"snaptime\":1700000100,\"description\":\"second\",\"vmstate\":1},"
                + "{\"name\":\"s1\",\"snaptime\":1700000000,\"description\":\"\"}]";
        List<Snapshot> snaps = QmOutput.snapshots(out);
        assertEquals(List.of(new Snapshot("s1", "", null, Instant.ofEpochSecond(1700000000), false),
                new Snapshot("s2", "second", "s1", Instant.ofEpochSecond(1700000100), true)), snaps);
    }

    @Test
    void taskStatusFixtures() throws Exception {
        Upid upid = Upid.parse("UPID:node1:000FF1FD:10F9374C:630D702C:vzdump:110:root@pam:");
        assertEquals(TaskStatus.running(upid), QmOutput.taskStatus(upid, pveshOutputOf("task-status.running.response.json")));
        assertEquals(TaskStatus.stopped(upid, "OK"), QmOutput.taskStatus(upid, pveshOutputOf("task-status.stopped-ok.response.json")));
        TaskStatus error = QmOutput.taskStatus(upid, pveshOutputOf("task-status.stopped-error.response.json"));
        assertTrue(error.failed());
        assertEquals("interrupted by signal", error.exitStatus());
    }

    @Test
    void taskLogTail() {
        String out = "[{\"n\":3,\"t\":\"TASK OK\"},{\"n\":1,\"t\":\"starting\"},{\"n\":2,\"t\":\"working\"}]";
        assertEquals(List.of("working", "TASK OK"), QmOutput.taskLog(out, 2));
        assertEquals(List.of("starting", "working", "TASK OK"), QmOutput.taskLog(out, 50));
        assertEquals(List.of(), QmOutput.taskLog(out, 0));
    }

    // ---- guest agent ----------------------------------------------------------------------

    @Test
    void networkInterfacesFixture() throws Exception {
        // the API wraps the agent reply as {"result": [...]}; qm prints the array itself
        String apiData = pveshOutputOf("qemu-agent-network-get-interfaces.response.json");
        String qmPrints = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(apiData).get("result"));
        for (String out : List.of(apiData, qmPrints)) {
            List<GuestInterface> ifaces = QmOutput.guestInterfaces(out);
            assertEquals(2, ifaces.size());
            assertEquals(new GuestInterface("lo", "00:00:00:00:00:00", List.of()), ifaces.get(0));
            assertEquals(new GuestInterface("eth0", "bc:24:11:2e:c5:4a",
                    List.of(new GuestInterface.Address("ipv4", "10.0.0.10", 24))), ifaces.get(1));
        }
    }

    @Test
    void guestExecPid() {
        assertEquals(4242, QmOutput.guestExecPid("{\n   \"pid\" : 4242\n}\n"));
        assertThrows(UnexpectedOutputException.class, () -> QmOutput.guestExecPid("{}"));
    }

    @Test
    void guestExecStatus() {
        assertEquals(new GuestExecStatus(true, 3, "hello\n", "oops"), QmOutput.guestExecStatus(
                "{\n   \"err-data\" : \"oops\",\n   \"exitcode\" : 3,\n   \"exited\" : 1,\n   \"out-data\" : \"hello\\n\"\n}\n"));
        GuestExecStatus running = QmOutput.guestExecStatus("{\n   \"exited\" : 0\n}\n");
        assertFalse(running.exited());
        assertNull(running.exitCode());
    }
}
