package ai.thinkheads.phoenix.testkit.contract;

import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.util.EnumSet;

/** Runs the {@link HypervisorContract} against {@link FakeHypervisor#singleNode()}, with every capability. */
class FakeHypervisorContractTest extends HypervisorContract {

    @Override
    protected ContractFixture fixture() {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        String image = hv.cluster().addVolume("pve", "local", "import/debian-12-genericcloud-amd64.qcow2", 2L << 30);
        return new ContractFixture(hv, "pve", "local-lvm", "local", image, hv.clock(), EnumSet.allOf(Capability.class))
                .withModel(hv);
    }
}
