package ai.thinkheads.phoenix.testkit.contract;

import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.model.GuestImage;
import ai.thinkheads.phoenix.testkit.model.GuestImages;
import java.util.EnumSet;

/** Runs the {@link HypervisorContract} against {@link FakeHypervisor#singleNode()}, with every capability. */
class FakeHypervisorContractTest extends HypervisorContract {

    @Override
    protected ContractFixture fixture() {
        // this image ships qemu-guest-agent (Capability.GUEST_AGENT); the stock Ubuntu cloud image does not
        FakeHypervisor hv = FakeHypervisor.builder().guestImages(GuestImages.stock().with("debian-12-genericcloud",
                GuestImage.ubuntuNobleCloud().withPackages("cloud image with qemu-guest-agent", "qemu-guest-agent"))).build();
        String image = hv.cluster().addVolume("pve", "local", "import/debian-12-genericcloud-amd64.qcow2", 2L << 30);
        return new ContractFixture(hv, "pve", "local-lvm", "local", image, hv.time(), EnumSet.allOf(Capability.class))
                .withModel(hv);
    }
}
