package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.testkit.contract.ContractFixture;
import ai.thinkheads.phoenix.testkit.contract.HypervisorContract;
import ai.thinkheads.phoenix.testkit.contract.LiveCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.opentest4j.TestAbortedException;

/**
 * The whole {@link HypervisorContract} against a real Proxmox VE node through {@link QmHypervisor}
 * over SSH, when the environment names one (README, "The contract against a real cluster";
 * {@link LiveCluster}). Without {@code PHOENIX_PVE_SSH_HOST}, {@code PHOENIX_PVE_SSH_KEY},
 * {@code PHOENIX_PVE_NODE} and {@code PHOENIX_PVE_VMIDS} every test is reported as skipped, with
 * the variable that is missing. Optional: {@code PHOENIX_PVE_SSH_USER} ({@code root}),
 * {@code PHOENIX_PVE_SSH_KEY_PASSPHRASE}, and the host key as {@code PHOENIX_PVE_SSH_FINGERPRINT}
 * ({@code SHA256:...}), else {@code ~/.ssh/known_hosts}.
 *
 * <p>It only creates, changes and destroys VMs whose VMID is in {@code PHOENIX_PVE_VMIDS}, as the
 * API's live test does.
 */
@EnabledIfEnvironmentVariable(named = "PHOENIX_PVE_SSH_HOST", matches = ".*\\S.*",
        disabledReason = "no live Proxmox VE node: PHOENIX_PVE_SSH_HOST is not set (see README)")
@EnabledIfEnvironmentVariable(named = "PHOENIX_PVE_SSH_KEY", matches = ".*\\S.*",
        disabledReason = "no live Proxmox VE node: PHOENIX_PVE_SSH_KEY is not set (see README)")
@EnabledIfEnvironmentVariable(named = "PHOENIX_PVE_NODE", matches = ".*\\S.*",
        disabledReason = "no live Proxmox VE node: PHOENIX_PVE_NODE is not set (see README)")
@EnabledIfEnvironmentVariable(named = "PHOENIX_PVE_VMIDS", matches = ".*\\S.*",
        disabledReason = "no VMID range of its own on the live cluster: PHOENIX_PVE_VMIDS is not set (see README)")
@AddLifecycleHook(LiveQmContractTest.Variables.class)
class LiveQmContractTest extends HypervisorContract {

    /** SSH's variables. */
    static final List<String> SSH = List.of("PHOENIX_PVE_SSH_HOST", "PHOENIX_PVE_SSH_KEY");

    /** Skips the stateful property (jqwik) as the annotations above skip the Jupiter tests. */
    public static final class Variables extends LiveCluster.Required {
        @Override
        protected List<String> variables() {
            return Stream.concat(SSH.stream(), LiveCluster.REQUIRED.stream()).toList();
        }
    }

    private static LiveCluster live() {
        List<String> missing = LiveCluster.missing(new Variables().variables(), System::getenv);
        if (!missing.isEmpty()) {
            throw new TestAbortedException("no live Proxmox VE node: set " + String.join(", ", missing) + " (see README)");
        }
        return LiveCluster.fromEnvironment().orElseThrow();
    }

    private static QmHypervisor connect(LiveCluster live) {
        String user = LiveCluster.env("PHOENIX_PVE_SSH_USER");
        String fingerprint = LiveCluster.env("PHOENIX_PVE_SSH_FINGERPRINT");
        SshSettings.Builder ssh = SshSettings.builder()
                .host(LiveCluster.env("PHOENIX_PVE_SSH_HOST"))
                .user(user == null ? "root" : user)
                .privateKey(Path.of(LiveCluster.env("PHOENIX_PVE_SSH_KEY")), LiveCluster.env("PHOENIX_PVE_SSH_KEY_PASSPHRASE"))
                .sudo(user != null && !user.equals("root"));
        if (fingerprint != null) {
            ssh.hostKeyFingerprint(fingerprint);
        } else {
            ssh.knownHosts(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
        }
        return QmHypervisor.builder().ssh(ssh.build()).node(live.node()).build();
    }

    @Override
    protected ContractFixture fixture() {
        LiveCluster live = live();
        return live.fixture(connect(live), taskTimeout());
    }

    /** Real disks and real boots: a few short sequences. */
    @Override
    protected int statefulTries() {
        return 10;
    }

    @Override
    protected int maxOperationsPerSequence() {
        return 8;
    }

    @Override
    protected Duration taskTimeout() {
        return Duration.ofMinutes(5);
    }

    /** Leaves the range as it found it: empty. */
    @AfterAll
    static void clearTheRange() {
        if (LiveCluster.missing(new Variables().variables(), System::getenv).isEmpty()) {
            LiveCluster live = live();
            try (QmHypervisor qm = connect(live)) {
                live.clear(qm, Duration.ofMinutes(5));
            }
        }
    }
}
