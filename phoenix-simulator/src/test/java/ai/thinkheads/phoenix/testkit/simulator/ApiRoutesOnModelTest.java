package ai.thinkheads.phoenix.testkit.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.testkit.FakeClock;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.model.PveCluster;
import ai.thinkheads.phoenix.testkit.simulator.ssh.CliInterpreter;
import ai.thinkheads.phoenix.testkit.simulator.ssh.CliResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The routes call the model's handlers directly, so what the model knows reaches the wire: these
 * are the places where the faces, going through the {@code Hypervisor} seam, used to differ from
 * Proxmox.
 */
class ApiRoutesOnModelTest {

    private final FakeHypervisor fake = FakeHypervisor.singleNode().toBuilder().guestBootDelay(Duration.ZERO).build();
    private final FakeClock clock = fake.time();
    private final PveCluster cluster = fake.cluster();
    private final ApiRouter router = ApiRoutes.over(cluster, "8.4.1");
    private final CliInterpreter qm = CliInterpreter.builder(router, "pve").time(clock).build();

    private Object call(String method, String path, String... params) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            p.put(params[i], List.of(params[i + 1]));
        }
        ApiResponse r = router.dispatch(new ApiRequest(method, path, p, "root@pam"));
        assertTrue(r.isSuccess(), r.status() + " " + r.message() + " " + r.errors());
        return r.data();
    }

    private void runningVm(String... config) {
        List<String> params = new java.util.ArrayList<>(List.of("vmid", "100", "name", "web", "memory", "1024",
                "cores", "1", "ostype", "l26"));
        params.addAll(List.of(config));
        call("POST", "/nodes/pve/qemu", params.toArray(String[]::new));
        clock.advance(Duration.ofMinutes(1));
        call("POST", "/nodes/pve/qemu/100/status/start");
        clock.advance(Duration.ofMinutes(1));
        assertEquals(PowerState.RUNNING, cluster.vmStatus("pve", 100).state());
    }

    @Test
    void pendingShowsTheValueInEffectAndThePendingOneAsQmPendingPrintsThem() {
        runningVm();
        // cores cannot be hot-plugged: on a running VM the change and the deletion wait for a restart
        CliResult set = qm.run("qm set 100 --cores 2 --delete ostype", new byte[0]);
        assertEquals(0, set.exitCode(), set.stderr());

        CliResult pending = qm.run("qm pending 100", new byte[0]);
        assertEquals(0, pending.exitCode(), pending.stderr());
        assertTrue(pending.stdout().contains("cur cores: 1\nnew cores: 2\n"), pending.stdout());
        assertTrue(pending.stdout().contains("del ostype: l26\n"), pending.stdout());
        assertTrue(pending.stdout().contains("cur name: web\n"), pending.stdout());

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) call("GET", "/nodes/pve/qemu/100/pending");
        Map<String, Object> cores = items.stream().filter(i -> i.get("key").equals("cores")).findFirst().orElseThrow();
        assertEquals(Map.of("key", "cores", "value", 1L, "pending", 2L), cores);
        assertTrue(items.stream().anyMatch(i -> i.get("key").equals("digest")), "the loaded config's digest is a key");
    }

    @Test
    void configWithCurrentShowsTheValuesInEffect() {
        runningVm();
        call("PUT", "/nodes/pve/qemu/100/config", "cores", "2");
        assertEquals(2L, ((Map<?, ?>) call("GET", "/nodes/pve/qemu/100/config")).get("cores"));
        assertEquals(1L, ((Map<?, ?>) call("GET", "/nodes/pve/qemu/100/config", "current", "1")).get("cores"));
    }

    @Test
    void shutdownWithoutATimeoutWaitsQemuServersSixtySeconds() {
        // no ACPI and no agent: the guest ignores the request, so the task runs out its timeout
        runningVm("acpi", "0");
        Upid upid = Upid.parse((String) call("POST", "/nodes/pve/qemu/100/status/shutdown"));
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Duration.ofSeconds(60), Duration.between(clock.now().minus(Duration.ofMinutes(5)),
                cluster.taskEnd(upid).orElseThrow()));
        assertEquals("VM quit/powerdown failed - got timeout", cluster.taskStatus(upid).exitStatus());
    }

    @Test
    void rollbackWithStartStartsTheVm() {
        runningVm();
        call("POST", "/nodes/pve/qemu/100/snapshot", "snapname", "before");
        clock.advance(Duration.ofMinutes(1));
        call("POST", "/nodes/pve/qemu/100/status/stop");
        clock.advance(Duration.ofMinutes(1));
        call("POST", "/nodes/pve/qemu/100/snapshot/before/rollback", "start", "1");
        clock.advance(Duration.ofMinutes(1));
        assertEquals(PowerState.RUNNING, cluster.vmStatus("pve", 100).state());
    }
}
