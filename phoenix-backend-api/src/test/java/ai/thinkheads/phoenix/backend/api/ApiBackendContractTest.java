package ai.thinkheads.phoenix.backend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.testkit.contract.ContractFixture;
import ai.thinkheads.phoenix.testkit.contract.HypervisorContract;
import ai.thinkheads.phoenix.testkit.schema.SchemaAudit;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * The {@link HypervisorContract} against {@link ProxmoxApi} over real HTTPS to the PVE simulator,
 * a fresh fake cluster per test, the certificate pinned by its SHA-256 fingerprint. Every request
 * the backend sends is checked against the PVE 8.4 and 9.1 schemas by the simulator
 * ({@link SchemaAudit}), which refuses a malformed one as PVE would.
 */
class ApiBackendContractTest extends HypervisorContract {

    @Override
    protected ContractFixture fixture() {
        SimulatedCluster cluster = SimulatedCluster.start();
        PveSimulator sim = cluster.simulator();
        return cluster.contractFixture(ProxmoxApi.builder()
                .baseUrl(sim.url())
                .defaultNode(SimulatedCluster.NODE)
                .credentials(Credentials.apiToken(sim.apiTokenId(), Secret.of(sim.apiTokenSecret())))
                .tls(TlsTrust.pinned(sim.certificateFingerprint()))
                .build());
    }

    /** Each try is a new simulator and TLS connection: fewer tries than the in-memory fake's 1000. */
    @Override
    protected int statefulTries() {
        return 60;
    }

    @AfterAll
    static void everyRequestFitsBothSchemas() {
        SchemaAudit audit = SchemaAudit.shared();
        audit.writeReport(Path.of("target", "schema-audit.txt"));
        System.out.println("schema audit: " + audit.checkedCount() + " requests checked against PVE 8.4 and 9.1, "
                + audit.distinctRequests().size() + " distinct; report in target/schema-audit.txt");
        assertTrue(audit.checkedCount() > 0, "the simulator saw requests");
        assertEquals(List.of(), audit.refusedExcept(r -> provokedRejection(r.params())));
    }
}
