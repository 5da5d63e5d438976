package ai.thinkheads.phoenix.backend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.PermissionDeniedException;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A token that may only read gets PVE's 403 on writes, as {@link PermissionDeniedException}. */
class PermissionTest {

    @Test
    void aReadOnlyTokenReadsButCannotWrite() {
        try (SimulatedCluster cluster = SimulatedCluster.start()) {
            PveSimulator sim = cluster.simulator();
            String secret = sim.auth().addReadOnlyToken("root@pam", "monitor");
            try (ProxmoxApi api = ProxmoxApi.builder().baseUrl(sim.url()).defaultNode(SimulatedCluster.NODE)
                    .credentials(Credentials.apiToken("root@pam!monitor", Secret.of(secret)))
                    .tls(TlsTrust.pinned(sim.certificateFingerprint()))
                    .build()) {
                assertEquals(100, api.nextFreeVmid());
                PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                        () -> api.create(CreateRequest.of(SimulatedCluster.NODE, 100, Map.of("memory", "1024"))).await(Duration.ofSeconds(30)));
                assertTrue(e.getMessage().contains("Permission check failed (/, VM.Allocate)"), e.getMessage());
                assertTrue(api.findVm(100).isEmpty(), "nothing was created");
                cluster.fake().create(CreateRequest.of(SimulatedCluster.NODE, 100, Map.of())).await(Duration.ofSeconds(30));
                PermissionDeniedException start = assertThrows(PermissionDeniedException.class,
                        () -> api.start(VmRef.of(SimulatedCluster.NODE, 100)));
                assertTrue(start.getMessage().contains("(/vms/100, "), start.getMessage());
                assertTrue(!start.getMessage().contains(secret));
            }
        }
    }
}
