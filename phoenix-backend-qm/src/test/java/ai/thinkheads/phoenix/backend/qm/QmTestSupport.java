package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;

/** What the qm backend's tests share. */
final class QmTestSupport {

    private QmTestSupport() {
    }

    /** The qm backend talking to {@code sim}'s SSH face as root, its host key pinned. */
    static QmHypervisor overSimulator(PveSimulator sim) {
        return QmHypervisor.builder()
                .ssh(SshSettings.builder().host("127.0.0.1").port(sim.sshPort())
                        .user("root").password(sim.rootPassword())
                        .hostKeyFingerprint(sim.sshHostKeyFingerprint()).build())
                .node(sim.sshNode())
                .build();
    }
}
