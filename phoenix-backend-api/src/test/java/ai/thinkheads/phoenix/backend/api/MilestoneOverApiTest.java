package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.contract.MilestoneContract;

/** The Ubuntu 24.04 milestone through {@link ProxmoxApi} over pinned HTTPS to the simulator: user-data as a NoCloud ISO. */
class MilestoneOverApiTest extends MilestoneContract {

    @Override
    protected Hypervisor backend(PveSimulator sim) {
        return ApiTestSupport.overSimulator(sim);
    }
}
