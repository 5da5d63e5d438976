package ai.thinkheads.phoenix.testkit.contract;

import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.util.EnumSet;

/**
 * Runs the {@link HypervisorContract} against a three-node {@link FakeHypervisor#cluster(int)}
 * without snapshots or linked clones declared, with its own small number of stateful tries: checks
 * that the capability gates and the per-backend tries hold.
 */
class FakeClusterContractTest extends HypervisorContract {

    @Override
    protected ContractFixture fixture() {
        FakeHypervisor hv = FakeHypervisor.cluster(3);
        return new ContractFixture(new WithoutSnapshotsOrLinkedClones(hv), "pve2", "ceph", null, null, hv.time(),
                EnumSet.noneOf(Capability.class));
    }

    @Override
    protected int statefulTries() {
        return 100;
    }
}
