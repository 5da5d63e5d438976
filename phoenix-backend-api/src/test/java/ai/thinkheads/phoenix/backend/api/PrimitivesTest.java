package ai.thinkheads.phoenix.backend.api;

import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.UPID_CONFIG;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.UPID_START;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.fixture;
import static ai.thinkheads.phoenix.backend.api.SchemaCheckingServer.json;
import static ai.thinkheads.phoenix.backend.api.SchemaCheckingServer.parameters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.ShutdownOptions;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskFailedException;
import ai.thinkheads.phoenix.hypervisor.TaskResult;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every primitive against its endpoint: method, path, parameters, and how the reply is read. */
@ExtendWith(SchemaCoverage.class)
class PrimitivesTest {

    private static final VmRef VM = VmRef.of("pve1", 100);
    private static final String VM_PATH = "/api2/json/nodes/pve1/qemu/100";

    private final ManualTime time = new ManualTime();
    private SchemaCheckingServer server;
    private ProxmoxApi api;

    @BeforeEach
    void start() throws Exception {
        server = new SchemaCheckingServer().start();
        api = ApiTestSupport.tokenApi(server, time).build();
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
        server.close(); // fails the test if any request broke a schema
    }

    private static Map<String, List<String>> form(String... kv) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.computeIfAbsent(kv[i], k -> new java.util.ArrayList<>()).add(kv[i + 1]);
        }
        return out;
    }

    private RecordedRequest expect(String method, String path, Map<String, List<String>> params) throws Exception {
        RecordedRequest r = server.take();
        assertEquals(method, r.getMethod());
        assertEquals(path, r.getRequestUrl().encodedPath());
        assertEquals(params, parameters(r));
        if (method.equals("GET") || method.equals("DELETE")) {
            assertEquals(0, r.getBodySize(), "GET/DELETE parameters go in the query");
        } else {
            assertNull(r.getRequestUrl().encodedQuery(), "POST/PUT parameters go in the form body");
            assertTrue(r.getHeader("Content-Type").startsWith("application/x-www-form-urlencoded"));
        }
        return r;
    }

    @Test
    void listVmsReadsClusterResourcesAndKeepsOnlyQemu() throws Exception {
        String withContainer = fixture("cluster-resources.response.pve8.json").replaceFirst("\"data\"\\s*:\\s*\\[",
                "\"data\":[{\"type\":\"lxc\",\"id\":\"lxc/300\",\"vmid\":300,\"node\":\"node1\",\"status\":\"running\",\"name\":\"ct\"},"
                        + "{\"type\":\"qemu\",\"id\":\"qemu/99999\",\"vmid\":\"150\",\"node\":\"node3\",\"status\":\"running\","
                        + "\"qmpstatus\":\"paused\",\"name\":\"p\",\"lock\":\"backup\",\"tags\":\"a;b\"},");
        server.enqueue(json(200, withContainer));

        List<VmSummary> vms = api.listVms();

        expect("GET", "/api2/json/cluster/resources", form("type", "vm"));
        assertEquals(List.of(100, 101, 102, 150, 200), vms.stream().map(VmSummary::vmid).toList());
        VmSummary running = vms.get(0);
        assertEquals("node2", running.node());
        assertEquals("server1", running.name());
        assertEquals(PowerState.RUNNING, running.state());
        assertFalse(running.template());
        assertTrue(vms.get(1).template(), "template: 1");
        assertEquals(PowerState.STOPPED, vms.get(1).state());
        assertEquals(List.of("go-proxmox+cloud-init"), vms.get(2).tags());
        VmSummary paused = vms.get(3);
        assertEquals(PowerState.PAUSED, paused.state(), "vmid as a string, qmpstatus paused");
        assertEquals("backup", paused.lock());
        assertEquals(List.of("a", "b"), paused.tags());
        assertFalse(vms.get(4).template(), "template missing means 0");
    }

    @Test
    void listNodesReadsNodeResources() throws Exception {
        server.enqueue(json(200, fixture("cluster-resources.response.pve8.json")));

        List<NodeResources> nodes = api.listNodes();

        expect("GET", "/api2/json/cluster/resources", form("type", "node"));
        assertEquals(List.of("node1", "node2", "node3", "node4"), nodes.stream().map(NodeResources::node).toList());
        NodeResources n2 = nodes.get(1);
        assertTrue(n2.online());
        assertEquals(12, n2.cpus());
        assertEquals(33567911936L, n2.memoryTotal());
        assertEquals(8127873024L, n2.memoryUsed());
        assertEquals(0.00365387809333998, n2.cpuLoad(), 1e-12);
    }

    @Test
    void listStoragesReadsTheNodesStorageList() throws Exception {
        server.data("[{\"storage\":\"local-lvm\",\"type\":\"lvmthin\",\"content\":\"rootdir,images\",\"shared\":0,\"active\":1,"
                + "\"enabled\":1,\"total\":\"1000\",\"used\":400,\"avail\":600},"
                + "{\"storage\":\"local\",\"type\":\"dir\",\"content\":\"iso,vztmpl,backup,snippets\",\"active\":1,\"total\":50,\"used\":5,\"avail\":45},"
                + "{\"storage\":\"nfs\",\"type\":\"nfs\",\"content\":\"images\",\"shared\":1,\"active\":0}]");

        List<StorageInfo> storages = api.listStorages("pve1");

        expect("GET", "/api2/json/nodes/pve1/storage", form());
        assertEquals(List.of("local", "local-lvm", "nfs"), storages.stream().map(StorageInfo::storage).toList());
        StorageInfo lvm = storages.get(1);
        assertEquals(new StorageInfo("pve1", "local-lvm", "lvmthin", Set.of("rootdir", "images"), false, true, 1000, 400, 600), lvm);
        assertTrue(storages.get(2).shared());
        assertFalse(storages.get(2).active());
    }

    @Test
    void nextidComesAsAStringOrANumber() throws Exception {
        server.enqueue(json(200, fixture("cluster-nextid.response.json")));
        server.data("4711");
        assertEquals(100, api.nextFreeVmid());
        assertEquals(4711, api.nextFreeVmid());
        expect("GET", "/api2/json/cluster/nextid", form());
    }

    @Test
    void getConfigTurnsEveryValueIntoTheConfigFileString() throws Exception {
        server.data("{\"memory\":\"2048\",\"cores\":2,\"cpulimit\":1.5,\"onboot\":1,\"numa\":false,\"name\":\"web\","
                + "\"net0\":\"virtio=BC:24:11:2E:C5:4A,bridge=vmbr0\",\"digest\":\"3f2a\",\"balloon\":0}");
        server.data("{\"memory\":4096,\"digest\":\"3f2b\",\"template\":1}");

        VmConfig config = api.getConfig(VM);
        VmConfig numeric = api.getConfig(VM);

        expect("GET", VM_PATH + "/config", form());
        assertEquals("3f2a", config.digest());
        assertEquals(Map.of("memory", "2048", "cores", "2", "cpulimit", "1.5", "onboot", "1", "numa", "0", "name", "web",
                "net0", "virtio=BC:24:11:2E:C5:4A,bridge=vmbr0", "balloon", "0"), config.values());
        assertEquals("4096", numeric.values().get("memory"), "memory as a number (before qemu-server 8.0.8)");
        assertTrue(numeric.isTemplate());
    }

    @Test
    void createPostsTheConfigWithVmidPoolAndStart() throws Exception {
        server.upid("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmcreate:105:root@pam:");
        Map<String, String> config = Map.of("memory", "2048", "net0", "virtio,bridge=vmbr0", "scsi0", "local-lvm:32,discard=on",
                "scsihw", "virtio-scsi-single", "cipassword", "hunter22");
        Task task = api.create(new CreateRequest("pve1", 105, config, "prod", true));

        expect("POST", "/api2/json/nodes/pve1/qemu", form("vmid", "105", "cipassword", "hunter22", "memory", "2048",
                "net0", "virtio,bridge=vmbr0", "scsi0", "local-lvm:32,discard=on", "scsihw", "virtio-scsi-single",
                "pool", "prod", "start", "1"));
        assertEquals(Upid.parse("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmcreate:105:root@pam:"), task.upid().orElseThrow());
        assertEquals(105, task.vmid());
        assertEquals("pve1", task.node());
    }

    @Test
    void updateConfigSendsDeleteAsACommaListAndTheDigestAndWaitsForTheWorker() throws Exception {
        server.upid(UPID_CONFIG);
        server.enqueue(json(200, "{\"data\":{\"upid\":\"" + UPID_CONFIG + "\",\"status\":\"running\",\"node\":\"pve1\","
                + "\"pid\":4660,\"pstart\":180150000,\"starttime\":1705095875,\"type\":\"qmconfig\",\"id\":\"100\",\"user\":\"root@pam\"}}"));
        server.data("{\"upid\":\"" + UPID_CONFIG + "\",\"status\":\"stopped\",\"exitstatus\":\"OK\"}");

        ConfigUpdate update = new ConfigUpdate(Map.of("cores", "4", "net1", "virtio,bridge=vmbr1"), Set.of("unused0", "ide2"), null)
                .ifDigest("5e6bb1d2f9d3f3a5ad7a1c8b9e0f1a2b3c4d5e6f");
        TaskResult result = api.updateConfig(VM, update).await(Duration.ofMinutes(1));

        expect("POST", VM_PATH + "/config", form("cores", "4", "net1", "virtio,bridge=vmbr1", "delete", "ide2,unused0",
                "digest", "5e6bb1d2f9d3f3a5ad7a1c8b9e0f1a2b3c4d5e6f"));
        String statusPath = "/api2/json/nodes/pve1/tasks/" + UPID_CONFIG + "/status";
        assertEquals(statusPath, java.net.URLDecoder.decode(server.take().getRequestUrl().encodedPath(), "UTF-8"));
        server.take();
        assertEquals("OK", result.exitStatus());
        assertEquals(Upid.parse(UPID_CONFIG), result.upid());
    }

    @Test
    void resizeIsOnePutThatFollowsTheUpidAndANullAnswerIsAFinishedTask() throws Exception {
        server.upid("UPID:pve1:00001111:0ABCDEF0:65A1B2C3:resize:100:root@pam:");
        server.data("null");

        Task withUpid = api.resizeDisk(VM, "scsi0", DiskSize.parse("1.5T"));
        Task legacy = api.resizeDisk(VM, "virtio1", DiskSize.ofMiB(512));

        expect("PUT", VM_PATH + "/resize", form("disk", "scsi0", "size", "1536G"));
        expect("PUT", VM_PATH + "/resize", form("disk", "virtio1", "size", "512M"));
        assertEquals(2, server.requestCount(), "no config read: the backend only translates");
        assertEquals("resize", withUpid.upid().orElseThrow().type());
        assertTrue(legacy.upid().isEmpty());
        assertEquals("OK", legacy.await(Duration.ofSeconds(1)).exitStatus());
    }

    @Test
    void powerPrimitivesPostToStatusEndpoints() throws Exception {
        for (int i = 0; i < 4; i++) {
            server.upid(UPID_START);
        }
        api.start(VM);
        api.stop(VM);
        api.shutdown(VM, ShutdownOptions.within(Duration.ofMillis(90_500)).orForceStop());
        api.reboot(VM);

        expect("POST", VM_PATH + "/status/start", form());
        expect("POST", VM_PATH + "/status/stop", form());
        expect("POST", VM_PATH + "/status/shutdown", form("timeout", "91", "forceStop", "1"));
        expect("POST", VM_PATH + "/status/reboot", form());
    }

    @Test
    void cloneTemplateAndDestroy() throws Exception {
        server.upid("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmclone:9000:root@pam:");
        server.upid("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmclone:9000:root@pam:");
        server.upid("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmtemplate:100:root@pam:");
        server.upid("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmdestroy:100:root@pam:");
        server.upid("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmdestroy:100:root@pam:");
        VmRef template = VmRef.of("pve1", 9000);

        Task linked = api.clone(template, CloneRequest.linked(120, "web-1").onNode("pve2").inPool("prod"));
        api.clone(template, CloneRequest.full(121, "web-2").toStorage("local-lvm").fromSnapshot("base"));
        api.convertToTemplate(VM);
        api.destroy(VM, DestroyOptions.everything());
        api.destroy(VM, DestroyOptions.plain());

        expect("POST", "/api2/json/nodes/pve1/qemu/9000/clone", form("newid", "120", "name", "web-1", "target", "pve2",
                "full", "0", "pool", "prod"));
        expect("POST", "/api2/json/nodes/pve1/qemu/9000/clone", form("newid", "121", "name", "web-2", "full", "1",
                "storage", "local-lvm", "snapname", "base"));
        expect("POST", VM_PATH + "/template", form());
        RecordedRequest destroy = expect("DELETE", VM_PATH, form("purge", "1", "destroy-unreferenced-disks", "1"));
        assertEquals("purge=1&destroy-unreferenced-disks=1", destroy.getRequestUrl().encodedQuery());
        expect("DELETE", VM_PATH, form());
        assertEquals(120, linked.vmid(), "a clone's task concerns the new VM");
    }

    @Test
    void snapshotsAreListedOldestFirstWithoutCurrent() throws Exception {
        server.data("[{\"name\":\"current\",\"description\":\"You are here!\",\"digest\":\"x\",\"parent\":\"after\",\"running\":0},"
                + "{\"name\":\"after\",\"description\":\"\",\"parent\":\"before\",\"snaptime\":1737549600},"
                + "{\"name\":\"before\",\"description\":\"first\\n\",\"snaptime\":1737549549,\"vmstate\":1}]");
        for (int i = 0; i < 3; i++) {
            server.upid("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmsnapshot:100:root@pam:");
        }

        List<Snapshot> snapshots = api.listSnapshots(VM);
        api.createSnapshot(VM, "pre-upgrade", "before the upgrade", true);
        api.rollbackSnapshot(VM, "pre-upgrade");
        api.deleteSnapshot(VM, "pre-upgrade");

        expect("GET", VM_PATH + "/snapshot", form());
        assertEquals(List.of(new Snapshot("before", "first\n", null, Instant.ofEpochSecond(1737549549), true),
                new Snapshot("after", "", "before", Instant.ofEpochSecond(1737549600), false)), snapshots);
        expect("POST", VM_PATH + "/snapshot", form("snapname", "pre-upgrade", "vmstate", "1", "description", "before the upgrade"));
        expect("POST", VM_PATH + "/snapshot/pre-upgrade/rollback", form());
        expect("DELETE", VM_PATH + "/snapshot/pre-upgrade", form());
    }

    @Test
    void guestAgentPingInterfacesExecAndStatus() throws Exception {
        server.data("{\"result\":{}}");
        server.enqueue(json(200, fixture("qemu-agent-network-get-interfaces.response.json")));
        server.data("{\"pid\":1234}");
        server.data("{\"exited\":0}");
        server.data("{\"exited\":1,\"exitcode\":0,\"out-data\":\"hello world\\n\",\"err-data\":\"warn\\n\"}");

        api.agentPing(VM);
        List<GuestInterface> interfaces = api.agentNetworkInterfaces(VM);
        int pid = api.agentExec(VM, List.of("/bin/sh", "-c", "echo hello world"), "input & more");
        GuestExecStatus running = api.agentExecStatus(VM, pid);
        GuestExecStatus done = api.agentExecStatus(VM, pid);

        expect("POST", VM_PATH + "/agent/ping", form());
        expect("GET", VM_PATH + "/agent/network-get-interfaces", form());
        assertEquals(List.of(new GuestInterface("lo", "00:00:00:00:00:00", List.of()),
                new GuestInterface("eth0", "bc:24:11:2e:c5:4a", List.of(new GuestInterface.Address("ipv4", "10.0.0.10", 24)))),
                interfaces);
        RecordedRequest exec = expect("POST", VM_PATH + "/agent/exec",
                form("command", "/bin/sh", "command", "-c", "command", "echo hello world", "input-data", "input & more"));
        String body = exec.getBody().clone().readUtf8();
        // an array parameter is its key repeated; '+' for a space is what decode_urlencoded expects
        assertEquals("command=%2Fbin%2Fsh&command=-c&command=echo+hello+world&input-data=input+%26+more", body);
        assertEquals(1234, pid);
        expect("GET", VM_PATH + "/agent/exec-status", form("pid", "1234"));
        assertEquals(GuestExecStatus.running(), running);
        assertEquals(new GuestExecStatus(true, 0, "hello world\n", "warn\n"), done);
    }

    @Test
    void taskStatusReadsTheFixtures() throws Exception {
        Upid upid = Upid.parse("UPID:node1:000FF1FD:10F9374C:630D702C:vzdump:110:root@pam:");
        server.enqueue(json(200, fixture("task-status.running.response.json")));
        server.enqueue(json(200, fixture("task-status.stopped-ok.response.json")));
        server.enqueue(json(200, fixture("task-status.stopped-error.response.json")));

        assertEquals(TaskStatus.running(upid), api.taskStatus(upid));
        assertEquals(TaskStatus.stopped(upid, "OK"), api.taskStatus(upid));
        TaskStatus failed = api.taskStatus(upid);
        assertTrue(failed.failed());
        assertEquals("interrupted by signal", failed.exitStatus());

        RecordedRequest r = server.take();
        assertEquals("/api2/json/nodes/node1/tasks/UPID:node1:000FF1FD:10F9374C:630D702C:vzdump:110:root@pam:/status",
                r.getRequestUrl().encodedPath());
    }

    @Test
    void aWarningTaskSucceedsWithItsWarningLines() throws Exception {
        Upid upid = Upid.parse(UPID_START);
        server.upid(UPID_START);
        server.data("{\"upid\":\"" + UPID_START + "\",\"status\":\"stopped\",\"exitstatus\":\"WARNINGS: 1\"}");
        server.enqueue(json(200, "{\"total\":3,\"data\":[{\"n\":1,\"t\":\"starting VM\"},{\"n\":2,\"t\":\"WARN: old machine type\"},"
                + "{\"n\":3,\"t\":\"TASK WARNINGS: 1\"}]}"));

        TaskResult result = api.start(VM).await(Duration.ofMinutes(1));

        assertEquals(1, result.warnings());
        assertEquals(List.of("WARN: old machine type"), result.warningLines());
        server.take();
        server.take();
        RecordedRequest log = expect("GET", "/api2/json/nodes/pve1/tasks/" + upid + "/log", form("start", "0", "limit", "500"));
        assertTrue(log.getRequestUrl().encodedQuery().startsWith("start=0&limit=500"));
    }

    @Test
    void aFailedTaskThrowsWithTheTailOfItsLog() throws Exception {
        Upid upid = Upid.parse(UPID_START);
        server.upid(UPID_START);
        server.data("{\"upid\":\"" + UPID_START + "\",\"status\":\"stopped\",\"exitstatus\":\"can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout\"}");
        StringBuilder first = new StringBuilder("{\"total\":45,\"data\":[");
        for (int n = 1; n <= 20; n++) {
            first.append(n > 1 ? "," : "").append("{\"n\":").append(n).append(",\"t\":\"line ").append(n).append("\"}");
        }
        server.enqueue(json(200, first.append("]}").toString()));
        StringBuilder last = new StringBuilder("{\"total\":45,\"data\":[");
        for (int n = 26; n <= 45; n++) {
            last.append(n > 26 ? "," : "").append("{\"n\":").append(n).append(",\"t\":\"")
                    .append(n == 45 ? "TASK ERROR: can't lock file" : "line " + n).append("\"}");
        }
        server.enqueue(json(200, last.append("]}").toString()));

        Task task = api.start(VM);
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> task.await(Duration.ofMinutes(1)));

        assertEquals("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout", e.exitStatus());
        assertEquals(20, e.logTail().size());
        assertEquals("line 26", e.logTail().get(0));
        assertEquals("TASK ERROR: can't lock file", e.logTail().get(19));
        assertEquals(upid, e.upid().orElseThrow());
        assertEquals(100, e.vmid().orElseThrow());
        server.take();
        server.take();
        expect("GET", "/api2/json/nodes/pve1/tasks/" + upid + "/log", form("start", "0", "limit", "20"));
        expect("GET", "/api2/json/nodes/pve1/tasks/" + upid + "/log", form("start", "25", "limit", "20"));
    }

    @Test
    void aMalformedUpidIsReportedNotFollowed() throws Exception {
        server.upid("UPID:pve1:1234:qmstart:100:root@pam");
        HypervisorException e = assertThrows(HypervisorException.class, () -> api.start(VM));
        assertTrue(e.getMessage().contains("malformed task id"), e.getMessage());
        server.take();
    }

    @Test
    void theBuilderChecksItsArguments() {
        ProxmoxApi.Builder b = ProxmoxApi.builder();
        assertThrows(IllegalArgumentException.class, () -> b.baseUrl("pve1:8006"));
        assertThrows(IllegalArgumentException.class, () -> b.baseUrl("https://root:pw@pve1:8006"));
        assertThrows(IllegalArgumentException.class, () -> b.baseUrl("https://pve1:8006/other"));
        assertThrows(IllegalArgumentException.class, () -> b.keepAlive(Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> b.ticketRenewal(Duration.ofHours(2)));
        assertThrows(IllegalArgumentException.class, () -> b.maxConcurrentRequests(0));
        assertThrows(IllegalArgumentException.class, () -> b.defaultNode("pve_1"));
        assertThrows(IllegalStateException.class, b::build, "no base URL");
        b.baseUrl("https://pve1:8006/api2/json");
        assertThrows(IllegalStateException.class, b::build, "no credentials");
        try (ProxmoxApi built = b.credentials(Credentials.apiToken("a@pve!tk", Secret.of("s3cret"))).defaultNode("pve1").build()) {
            assertEquals("https://pve1:8006/", built.baseUrl().toString());
            assertEquals(VmRef.of("pve1", 100), built.vm(100));
        }
    }
}
