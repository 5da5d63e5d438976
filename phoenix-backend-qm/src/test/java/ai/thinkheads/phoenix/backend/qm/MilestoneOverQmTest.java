package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.contract.MilestoneContract;

/** The Ubuntu 24.04 milestone through {@link QmHypervisor} over SSH to the simulator: user-data as a snippet and cicustom. */
class MilestoneOverQmTest extends MilestoneContract {

    @Override
    protected Hypervisor backend(PveSimulator sim) {
        return QmTestSupport.overSimulator(sim);
    }
}
