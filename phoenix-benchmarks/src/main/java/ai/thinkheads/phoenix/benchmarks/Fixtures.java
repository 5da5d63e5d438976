package ai.thinkheads.phoenix.benchmarks;

import ai.thinkheads.phoenix.backend.api.Credentials;
import ai.thinkheads.phoenix.backend.api.ProxmoxApi;
import ai.thinkheads.phoenix.backend.api.Secret;
import ai.thinkheads.phoenix.backend.api.TlsTrust;
import ai.thinkheads.phoenix.backend.qm.QmHypervisor;
import ai.thinkheads.phoenix.backend.qm.SshSettings;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Clusters, definitions and clients the scenarios share. */
final class Fixtures {

    static final String NODE = "pve";

    private Fixtures() {
    }

    /** {@code n} small VMs ({@code bench-00001}...): memory, cores, one NIC, no disks (so any N fits the node). */
    static List<VmDefinition> definitions(int n) {
        List<VmDefinition> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            out.add(VmDefinition.of(VmSpec.builder(String.format("bench-%05d", i)).memory(64).cores(1)
                    .nic(Nic.virtio(0, "vmbr0")).build()));
        }
        return out;
    }

    /** A fake node big enough for any N of {@link #definitions}. */
    static FakeHypervisor.Builder bigNode(FakeHypervisor.Builder b) {
        return b.node(NODE, 1_000_000, 100_000);
    }

    /** Makes {@code defs} exist on {@code fake} as Phoenix would leave them (owned, converged). */
    static void converge(FakeHypervisor fake, List<VmDefinition> defs) {
        ApplyResult r = Phoenix.on(fake).time(fake.time())
                .applyOptions(ApplyOptions.builder().maxParallel(16).maxPerNode(16).build())
                .converge(defs);
        if (!r.isComplete()) {
            throw new IllegalStateException("setting up the VMs failed: " + r.failed());
        }
    }

    static PveSimulator simulator(FakeHypervisor fake, Duration sshInvocationCost) {
        return PveSimulator.over(fake.cluster()).sshInvocationCost(sshInvocationCost).build().start();
    }

    static ProxmoxApi api(PveSimulator sim) {
        return ProxmoxApi.builder().baseUrl(sim.url()).defaultNode(NODE)
                .credentials(Credentials.apiToken(sim.apiTokenId(), Secret.of(sim.apiTokenSecret())))
                .tls(TlsTrust.pinned(sim.certificateFingerprint()))
                .build();
    }

    static QmHypervisor qm(PveSimulator sim) {
        return QmHypervisor.builder()
                .ssh(SshSettings.builder().host("127.0.0.1").port(sim.sshPort())
                        .user("root").password(sim.rootPassword())
                        .hostKeyFingerprint(sim.sshHostKeyFingerprint()).build())
                .node(sim.sshNode()).build();
    }

    static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
