package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.testkit.contract.ContractFixture;
import ai.thinkheads.phoenix.testkit.contract.HypervisorContract;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;

/**
 * The {@link HypervisorContract} against {@link QmHypervisor} talking over real SSH to the PVE
 * simulator's SSH face, whose {@code qm}/{@code pvesh} interpreter serves a fresh fake cluster per
 * test. The host key is pinned to the simulator's fingerprint, as a user pins a node's. Every
 * qm/pvesh call becomes API requests inside the SSH face and is checked against the PVE 8.4 and
 * 9.1 schemas there; {@code SchemaAuditSession} writes and asserts that audit once the whole
 * module's run is over. Every command line the backend sends is scanned for secrets as it is sent
 * ({@link CommandLineScan}: no value after {@code --cipassword}, no SSH password in any spelling),
 * the Jupiter tests' and the stateful property's alike.
 */
class QmBackendContractTest extends HypervisorContract {

    /** Every command line the contract's backends sent, as the node saw it. */
    private static final List<String> LINES = new ArrayList<>();
    /** The SSH passwords the backends logged in with: secrets that must be on no command line. */
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    @Override
    protected ContractFixture fixture() {
        SimulatedCluster cluster = SimulatedCluster.start();
        PveSimulator sim = cluster.simulator();
        SECRETS.add(sim.rootPassword());
        SshCommandRunner ssh = SshCommandRunner.builder()
                .host("127.0.0.1").port(sim.sshPort())
                .user("root").password(sim.rootPassword())
                .hostKeyFingerprint(sim.sshHostKeyFingerprint())
                .build();
        return cluster.contractFixture(QmHypervisor.builder()
                .runner(new CommandLineScan(ssh, LINES, SECRETS))
                .node(sim.sshNode())
                .build());
    }

    @AfterAll
    static void noSecretOnAnyCommandLineTheContractSent() {
        int scanned = CommandLineScan.assertNoSecrets(LINES, SECRETS);
        System.out.printf("qm contract: %d command lines scanned for secrets%n", scanned);
    }

    /**
     * Each try is a new simulator, host key and SSH session, and every operation a qm command over
     * loopback (about 2.5 s a try on 2 cores): fewer tries than the in-memory fake's 1000, to keep
     * the whole build within its time budget; the thorough suite ({@code -Pthorough}) runs 100.
     */
    @Override
    protected int statefulTries() {
        return 12;
    }

    @Override
    protected int thoroughStatefulTries() {
        return 100;
    }
}
