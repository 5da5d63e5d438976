package ai.thinkheads.phoenix.junit;

import ai.thinkheads.phoenix.backend.api.Credentials;
import ai.thinkheads.phoenix.backend.api.ProxmoxApi;
import ai.thinkheads.phoenix.backend.api.Secret;
import ai.thinkheads.phoenix.backend.api.TlsTrust;
import ai.thinkheads.phoenix.backend.qm.QmHypervisor;
import ai.thinkheads.phoenix.backend.qm.SshSettings;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;

/**
 * The two backends, built to talk to a started {@link PveSimulator} the way they would talk to a
 * real node: the API over HTTPS as the simulator's API token with its certificate pinned, qm over
 * SSH as root with its host key pinned. Nothing is trusted blindly.
 */
public final class SimulatorBackends {

    private SimulatorBackends() {
    }

    /** The API backend for {@code sim}: token auth, certificate fingerprint pinned, default node {@code node}. */
    public static ProxmoxApi api(PveSimulator sim, String node) {
        return ProxmoxApi.builder()
                .baseUrl(sim.url())
                .defaultNode(node)
                .credentials(Credentials.apiToken(sim.apiTokenId(), Secret.of(sim.apiTokenSecret())))
                .tls(TlsTrust.pinned(sim.certificateFingerprint()))
                .build();
    }

    /** The qm backend for {@code sim}'s SSH face: root with the simulator's password, host key pinned. */
    public static QmHypervisor qm(PveSimulator sim) {
        return QmHypervisor.builder()
                .ssh(SshSettings.builder().host("127.0.0.1").port(sim.sshPort())
                        .user("root").password(sim.rootPassword())
                        .hostKeyFingerprint(sim.sshHostKeyFingerprint()).build())
                .node(sim.sshNode())
                .build();
    }
}
