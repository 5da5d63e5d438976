package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.contract.OrchestratorFilesContract;

/** The orchestrator's files through {@link ProxmoxApi} over pinned HTTPS to the simulator. */
class OrchestratorFilesOverApiTest extends OrchestratorFilesContract {

    @Override
    protected Hypervisor backend(PveSimulator sim) {
        return ApiTestSupport.overSimulator(sim);
    }
}
