package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.testkit.contract.ContractFixture;
import ai.thinkheads.phoenix.testkit.contract.HypervisorContract;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;

/**
 * The {@link HypervisorContract} against {@link ProxmoxApi} over real HTTPS to the PVE simulator,
 * a fresh fake cluster per test, the certificate pinned by its SHA-256 fingerprint. Every request
 * the backend sends is checked against the PVE 8.4 and 9.1 schemas by the simulator
 * (the shared {@code SchemaAudit}), which refuses a malformed one as PVE would; the
 * audit is written and asserted once the whole module's run is over
 * ({@code SchemaAuditSession}, registered in {@code META-INF/services}), stateful property included.
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

    /**
     * Each try is a new simulator and TLS connection: fewer tries than the in-memory fake's 1000 in
     * every build, 250 in the thorough suite ({@code -Pthorough}).
     */
    @Override
    protected int statefulTries() {
        return 30;
    }

    @Override
    protected int thoroughStatefulTries() {
        return 250;
    }
}
