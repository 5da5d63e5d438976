package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.testkit.contract.ContractFixture;
import ai.thinkheads.phoenix.testkit.contract.HypervisorContract;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;

/**
 * The {@link HypervisorContract} against {@link QmHypervisor} talking over real SSH to the PVE
 * simulator's SSH face, whose {@code qm}/{@code pvesh} interpreter serves a fresh fake cluster per
 * test. The host key is pinned to the simulator's fingerprint, as a user pins a node's. Every
 * qm/pvesh call becomes API requests inside the SSH face and is checked against the PVE 8.4 and
 * 9.1 schemas there; {@code SchemaAuditSession} writes and asserts that audit once the whole
 * module's run is over.
 */
class QmBackendContractTest extends HypervisorContract {

    @Override
    protected ContractFixture fixture() {
        SimulatedCluster cluster = SimulatedCluster.start();
        PveSimulator sim = cluster.simulator();
        return cluster.contractFixture(QmHypervisor.builder()
                .ssh(SshSettings.builder().host("127.0.0.1").port(sim.sshPort())
                        .user("root").password(sim.rootPassword())
                        .hostKeyFingerprint(sim.sshHostKeyFingerprint()).build())
                .node(sim.sshNode())
                .build());
    }

    /**
     * Each try is a new simulator, host key and SSH session, and every operation a qm command over
     * loopback (about 2.5 s a try on 2 cores): fewer tries than the in-memory fake's 1000, to keep
     * the whole build within its time budget.
     */
    @Override
    protected int statefulTries() {
        return 25;
    }
}
