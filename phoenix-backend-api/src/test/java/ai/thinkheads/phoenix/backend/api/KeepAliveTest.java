package ai.thinkheads.phoenix.backend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.TaskResult;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.schema.SchemaAudit;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * pveproxy closes idle keep-alive connections after about 5 s. OkHttp only health-checks a pooled
 * connection before a write once it has been idle for 10 s or more, so a pool that keeps
 * connections longer than the server does sends writes down dead connections; writes are never
 * retried, so they would fail. {@link ProxmoxApi} therefore keeps its pool's idle time below the
 * server's (3 s against pveproxy's 5 s; 5 s or more is refused). The simulator idles connections
 * out the same way; this pins the mechanism with both times scaled down: the pool (200 ms) lets go
 * before the server (300 ms) closes, so the write after the pause gets a fresh connection.
 */
class KeepAliveTest {

    @Test
    void aPoolThatWouldOutliveTheServersIdleTimeoutIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ProxmoxApi.builder().keepAlive(Duration.ofSeconds(5)));
    }

    @Test
    void aWriteAfterTheServerClosedTheIdleConnectionGoesThrough() throws InterruptedException {
        FakeHypervisor fake = FakeHypervisor.builder().realTime().defaultTaskDuration(Duration.ofMillis(5)).build();
        try (PveSimulator sim = PveSimulator.over(fake.cluster()).keepAliveIdle(Duration.ofMillis(300))
                     .requestValidator(SchemaAudit.shared()::check).build().start();
             ProxmoxApi api = ProxmoxApi.builder().baseUrl(sim.url()).defaultNode("pve")
                     .credentials(Credentials.apiToken(sim.apiTokenId(), Secret.of(sim.apiTokenSecret())))
                     .tls(TlsTrust.pinned(sim.certificateFingerprint()))
                     .keepAlive(Duration.ofMillis(200))
                     .build()) {
            int vmid = api.nextFreeVmid();                       // opens a pooled connection
            Thread.sleep(900);                                   // the server closes it after 300 ms idle
            long before = sim.httpRequestCount();
            TaskResult created = api.create(CreateRequest.of("pve", vmid, Map.of("memory", "1024")))
                    .await(Duration.ofSeconds(30));              // a POST: never retried, so it must not hit the dead connection
            assertEquals("OK", created.exitStatus());
            assertTrue(api.findVm(vmid).isPresent());
            assertTrue(sim.httpRequestCount() > before);
        } finally {
            fake.close();
        }
    }
}
