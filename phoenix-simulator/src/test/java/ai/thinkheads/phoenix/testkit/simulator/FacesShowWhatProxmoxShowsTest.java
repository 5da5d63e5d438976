package ai.thinkheads.phoenix.testkit.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.testkit.FakeClock;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.model.NodeSpec;
import ai.thinkheads.phoenix.testkit.model.PveCluster;
import ai.thinkheads.phoenix.testkit.model.TaskFault;
import ai.thinkheads.phoenix.testkit.simulator.ssh.CliInterpreter;
import ai.thinkheads.phoenix.testkit.simulator.ssh.CliResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, items 6 to 9: what qemu-server and pve-common print and store, through the HTTP face's
 * routes and the SSH face's {@code qm} and {@code pvesh}, over the one model.
 */
class FacesShowWhatProxmoxShowsTest {

    private final FakeHypervisor fake = FakeHypervisor.singleNode().toBuilder().guestBootDelay(Duration.ZERO).build();
    private final FakeClock clock = fake.time();
    private final PveCluster cluster = fake.cluster();
    private final ApiRouter router = ApiRoutes.over(cluster, "8.4.1");
    private final CliInterpreter ssh = CliInterpreter.builder(router, "pve").time(clock).build();

    private Object call(String method, String path, String... params) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            p.put(params[i], List.of(params[i + 1]));
        }
        ApiResponse r = router.dispatch(new ApiRequest(method, path, p, "root@pam"));
        assertTrue(r.isSuccess(), r.status() + " " + r.message() + " " + r.errors());
        return r.data();
    }

    /** {@code GET .../tasks/{upid}/log} once the task is over: its lines' {@code t}. */
    private List<String> finishedLog(Object upid) {
        clock.advance(Duration.ofMinutes(1));
        String u = (String) upid;
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> lines = (List<Map<String, Object>>) call("GET",
                "/nodes/pve/tasks/" + u + "/log", "limit", "500");
        return lines.stream().map(l -> (String) l.get("t")).toList();
    }

    private CliResult run(String line) {
        return ssh.run(line, new byte[0]);
    }

    private Object config(String key) {
        return ((Map<?, ?>) call("GET", "/nodes/pve/qemu/100/config")).get(key);
    }

    // ---- item 6: new disks ----------------------------------------------------------------------

    @Test
    void createLogsSuccessfullyCreatedDiskForEveryDiskItAllocates() {
        List<String> log = finishedLog(call("POST", "/nodes/pve/qemu", "vmid", "100", "scsi0", "local-lvm:1",
                "scsi1", "local-lvm:2", "ide2", "local-lvm:cloudinit"));
        assertTrue(log.contains("scsi0: successfully created disk 'local-lvm:vm-100-disk-0,size=1G'"), log.toString());
        assertTrue(log.contains("scsi1: successfully created disk 'local-lvm:vm-100-disk-1,size=2G'"), log.toString());
        assertTrue(log.contains("ide2: successfully created disk 'local-lvm:vm-100-cloudinit,media=cdrom'"), log.toString());
        assertEquals("TASK OK", log.get(log.size() - 1));
    }

    @Test
    void anAsyncConfigUpdateLogsTheDiskItAllocates() {
        finishedLog(call("POST", "/nodes/pve/qemu", "vmid", "100", "memory", "512"));
        List<String> log = finishedLog(call("POST", "/nodes/pve/qemu/100/config", "scsi0", "local-lvm:3"));
        assertTrue(log.contains("scsi0: successfully created disk 'local-lvm:vm-100-disk-0,size=3G'"), log.toString());
    }

    @Test
    void pveshCreatePrintsTheNewDiskBeforeTheUpid() {
        CliResult r = run("pvesh create /nodes/pve/qemu --vmid 100 --scsi0 local-lvm:1");
        assertEquals(0, r.exitCode(), r.stderr());
        List<String> out = r.stdout().lines().toList();
        assertEquals("scsi0: successfully created disk 'local-lvm:vm-100-disk-0,size=1G'", out.get(out.size() - 2), r.stdout());
        assertTrue(Upid.isValid(out.get(out.size() - 1)), r.stdout());
    }

    @Test
    void qmCreateAndQmSetPrintEachNewDisk() {
        CliResult create = run("qm create 100 --scsi0 local-lvm:1");
        assertEquals(0, create.exitCode(), create.stderr());
        assertEquals("scsi0: successfully created disk 'local-lvm:vm-100-disk-0,size=1G'\n", create.stdout());
        // update_vm is synchronous: $create_disks prints to qm's own stdout
        CliResult set = run("qm set 100 --scsi1 local-lvm:2 --memory 1024");
        assertEquals(0, set.exitCode(), set.stderr());
        assertEquals("scsi1: successfully created disk 'local-lvm:vm-100-disk-1,size=2G'\n", set.stdout());
        assertEquals(0, run("qm set 100 --memory 2048").stdout().length(), "no new disk, nothing printed");
    }

    // ---- item 7: failed tasks -------------------------------------------------------------------

    @Test
    void aFailedTasksLogHoldsItsErrorOnceAsTaskError() {
        finishedLog(call("POST", "/nodes/pve/qemu", "vmid", "100", "memory", "512"));
        cluster.injectTaskFault(TaskFault.failWith("start failed: QEMU exited with code 1").onlyFor("qmstart"));
        List<String> log = finishedLog(call("POST", "/nodes/pve/qemu/100/status/start"));
        assertEquals(1, log.stream().filter(l -> l.contains("QEMU exited")).count(), log.toString());
        assertEquals("TASK ERROR: start failed: QEMU exited with code 1", log.get(log.size() - 1));
    }

    @Test
    void qmPrintsAFailedTasksErrorOnStderrOnlyAndExits255() {
        assertEquals(0, run("qm create 100 --memory 512").exitCode());
        cluster.injectTaskFault(TaskFault.failWith("start failed: QEMU exited with code 1").onlyFor("qmstart"));
        CliResult r = run("qm start 100");
        assertEquals("", r.stdout());
        assertEquals("start failed: QEMU exited with code 1\n", r.stderr());
        assertEquals(255, r.exitCode(), "qm.pm's $upid_exit: exit(-1) for a failed task");
    }

    @Test
    void pveshPrintsAFailedTasksErrorOnStderrAndTheUpidOnStdout() {
        assertEquals(0, run("qm create 100 --memory 512").exitCode());
        cluster.injectTaskFault(TaskFault.failWith("start failed: QEMU exited with code 1").onlyFor("qmstart"));
        CliResult r = run("pvesh create /nodes/pve/qemu/100/status/start");
        assertEquals("start failed: QEMU exited with code 1\n", r.stderr());
        assertTrue(Upid.isValid(r.stdout().strip()), r.stdout());
        assertEquals(0, r.exitCode(), "pvesh's call_api_method prints the result and exits 0 whatever the task did");
    }

    // ---- item 8: tags -----------------------------------------------------------------------------

    @Test
    void anUpdateStoresTagsLowerCasedSortedAndOnce() {
        finishedLog(call("POST", "/nodes/pve/qemu", "vmid", "100", "memory", "512"));
        call("PUT", "/nodes/pve/qemu/100/config", "tags", "Web;db,web  alpha");
        assertEquals("alpha;db;web", config("tags"));
        assertEquals(0, run("qm set 100 --tags 'zeta,B;b'").exitCode());
        assertTrue(run("qm config 100").stdout().contains("tags: b;zeta\n"));
        finishedLog(call("POST", "/nodes/pve/qemu/100/config", "tags", "y;X"));
        assertEquals("x;y", config("tags"));
    }

    @Test
    void createStoresTagsAsUpdateDoes() {
        finishedLog(call("POST", "/nodes/pve/qemu", "vmid", "100", "tags", "web;DB;web"));
        assertEquals("db;web", config("tags"));
        CliResult r = run("qm create 101 --tags 'b a'");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(run("qm config 101").stdout().contains("tags: a;b\n"));
    }

    // ---- item 9: bridges --------------------------------------------------------------------------

    @Test
    void theNodesBridgesAreListedOverBothFaces() {
        FakeHypervisor two = FakeHypervisor.builder().node(NodeSpec.of("pve", 16, 64).withBridge("vmbr1")).build();
        ApiRouter r = ApiRoutes.over(two.cluster(), "8.4.1");
        ApiResponse http = r.dispatch(new ApiRequest("GET", "/nodes/pve/network", Map.of("type", List.of("any_bridge")), "root@pam"));
        assertTrue(http.isSuccess(), http.message());
        assertEquals(List.of("vmbr0", "vmbr1"), ((List<?>) http.data()).stream().map(e -> ((Map<?, ?>) e).get("iface")).toList());
        assertEquals(List.of(), r.dispatch(new ApiRequest("GET", "/nodes/pve/network", Map.of("type", List.of("bond")), "root@pam")).data());
        CliResult ssh = CliInterpreter.builder(r, "pve").time(two.time()).build()
                .run("pvesh get /nodes/pve/network --output-format json", new byte[0]);
        assertEquals(0, ssh.exitCode(), ssh.stderr());
        assertEquals("[{\"active\":1,\"autostart\":1,\"families\":[\"inet\"],\"iface\":\"vmbr0\",\"method\":\"manual\",\"type\":\"bridge\"},"
                + "{\"active\":1,\"autostart\":1,\"families\":[\"inet\"],\"iface\":\"vmbr1\",\"method\":\"manual\",\"type\":\"bridge\"}]\n",
                ssh.stdout());
        assertEquals(List.of("vmbr0", "vmbr1"), two.listBridges("pve"));
    }

    @Test
    void aVirtioNicOnABridgeTheNodeLacksFailsToStartWithQemuServersWords() {
        assertEquals(0, run("qm create 100 --memory 512 --net0 virtio,bridge=vmbr7").exitCode());
        CliResult start = run("qm start 100");
        assertEquals("bridge 'vmbr7' does not exist\n", start.stderr());
        assertEquals(255, start.exitCode());
        List<String> log = finishedLog(call("POST", "/nodes/pve/qemu/100/status/start"));
        assertEquals(List.of("TASK ERROR: bridge 'vmbr7' does not exist"), log);
        assertEquals("stopped", ((Map<?, ?>) call("GET", "/nodes/pve/qemu/100/status/current")).get("status"));
    }

    @Test
    void anE1000NicOnABridgeTheNodeLacksFailsInQemusIfupScript() {
        finishedLog(call("POST", "/nodes/pve/qemu", "vmid", "100", "net0", "e1000,bridge=vmbr7"));
        List<String> log = finishedLog(call("POST", "/nodes/pve/qemu/100/status/start"));
        assertEquals(List.of("bridge 'vmbr7' does not exist",
                "kvm: -netdev type=tap,id=net0,ifname=tap100i0,script=/usr/libexec/qemu-server/pve-bridge,"
                        + "downscript=/usr/libexec/qemu-server/pve-bridgedown: network script /usr/libexec/qemu-server/pve-bridge"
                        + " failed with status 512",
                "TASK ERROR: start failed: QEMU exited with code 1"), log);
    }
}
