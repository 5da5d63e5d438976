package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.testkit.contract.ContractFixture;
import ai.thinkheads.phoenix.testkit.contract.HypervisorContract;
import ai.thinkheads.phoenix.testkit.contract.LiveCluster;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.opentest4j.TestAbortedException;

/**
 * The whole {@link HypervisorContract} against a real Proxmox VE through {@link ProxmoxApi}, when
 * the environment names one (README, "The contract against a real cluster"; {@link LiveCluster}).
 * Without {@code PHOENIX_PVE_URL}, {@code PHOENIX_PVE_TOKEN_ID}, {@code PHOENIX_PVE_TOKEN_SECRET},
 * {@code PHOENIX_PVE_NODE} and {@code PHOENIX_PVE_VMIDS} every test is reported as skipped, with the
 * variable that is missing. {@code PHOENIX_PVE_FINGERPRINT} (optional) pins the certificate.
 *
 * <p>It only creates, changes and destroys VMs whose VMID is in {@code PHOENIX_PVE_VMIDS}: each
 * test starts by destroying every VM of that range on the node, and the run ends the same way.
 * The failure-rule tests that need the fake behind the backend are skipped.
 */
@EnabledIfEnvironmentVariable(named = "PHOENIX_PVE_URL", matches = ".*\\S.*",
        disabledReason = "no live Proxmox VE: PHOENIX_PVE_URL is not set (see README)")
@EnabledIfEnvironmentVariable(named = "PHOENIX_PVE_TOKEN_ID", matches = ".*\\S.*",
        disabledReason = "no live Proxmox VE: PHOENIX_PVE_TOKEN_ID is not set (see README)")
@EnabledIfEnvironmentVariable(named = "PHOENIX_PVE_TOKEN_SECRET", matches = ".*\\S.*",
        disabledReason = "no live Proxmox VE: PHOENIX_PVE_TOKEN_SECRET is not set (see README)")
@EnabledIfEnvironmentVariable(named = "PHOENIX_PVE_NODE", matches = ".*\\S.*",
        disabledReason = "no live Proxmox VE: PHOENIX_PVE_NODE is not set (see README)")
@EnabledIfEnvironmentVariable(named = "PHOENIX_PVE_VMIDS", matches = ".*\\S.*",
        disabledReason = "no VMID range of its own on the live cluster: PHOENIX_PVE_VMIDS is not set (see README)")
@AddLifecycleHook(LiveApiContractTest.Variables.class)
class LiveApiContractTest extends HypervisorContract {

    /** The API's variables. */
    static final List<String> API = List.of("PHOENIX_PVE_URL", "PHOENIX_PVE_TOKEN_ID", "PHOENIX_PVE_TOKEN_SECRET");

    /** Skips the stateful property (jqwik) as the annotations above skip the Jupiter tests. */
    public static final class Variables extends LiveCluster.Required {
        @Override
        protected List<String> variables() {
            return Stream.concat(API.stream(), LiveCluster.REQUIRED.stream()).toList();
        }
    }

    private static LiveCluster live() {
        List<String> missing = LiveCluster.missing(new Variables().variables(), System::getenv);
        if (!missing.isEmpty()) {
            throw new TestAbortedException("no live Proxmox VE: set " + String.join(", ", missing) + " (see README)");
        }
        return LiveCluster.fromEnvironment().orElseThrow();
    }

    private static ProxmoxApi connect(LiveCluster live) {
        String fingerprint = LiveCluster.env("PHOENIX_PVE_FINGERPRINT");
        return ProxmoxApi.builder()
                .baseUrl(LiveCluster.env("PHOENIX_PVE_URL"))
                .defaultNode(live.node())
                .credentials(Credentials.apiToken(LiveCluster.env("PHOENIX_PVE_TOKEN_ID"),
                        Secret.of(LiveCluster.env("PHOENIX_PVE_TOKEN_SECRET"))))
                .tls(fingerprint == null ? TlsTrust.system() : TlsTrust.pinned(fingerprint))
                .build();
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
            try (ProxmoxApi api = connect(live)) {
                live.clear(api, Duration.ofMinutes(5));
            }
        }
    }
}
