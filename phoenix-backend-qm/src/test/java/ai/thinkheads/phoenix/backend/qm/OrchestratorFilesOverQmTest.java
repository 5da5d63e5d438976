package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.testkit.simulator.contract.OrchestratorFilesContract;

/** The orchestrator's files through {@link QmHypervisor} over SSH (host key pinned) to the simulator's qm/pvesh face. */
class OrchestratorFilesOverQmTest extends OrchestratorFilesContract {

    @Override
    protected Hypervisor backend(PveSimulator sim) {
        return QmTestSupport.overSimulator(sim);
    }
}
