package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.SimulatedCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Without {@code node(...)}, the backend reads the node's name as Proxmox knows it from pmxcfs's
 * {@code /etc/pve/local} link; the simulator's SSH face, like a node without a {@code hostname}
 * binary in its PATH, answers {@code hostname} with exit 127, which is what the backend used to ask.
 */
class NodeNameOverSshTest {

    private SimulatedCluster cluster;

    @BeforeEach
    void start() {
        cluster = SimulatedCluster.start();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void theNodeNameIsReadFromPmxcfsOnANodeWithoutHostname() {
        PveSimulator sim = cluster.simulator();
        try (QmHypervisor qm = QmHypervisor.builder().ssh(SshSettings.builder().host("127.0.0.1").port(sim.sshPort())
                .user("root").password(sim.rootPassword()).hostKeyFingerprint(sim.sshHostKeyFingerprint()).build()).build()) {
            assertEquals(sim.sshNode(), qm.node());
            assertEquals(SimulatedCluster.NODE, qm.node());
        }
    }
}
