package ai.thinkheads.phoenix.testkit.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's example, line for line: if this breaks, the README is wrong. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRunsAsWritten() {
        var pve = FakeHypervisor.singleNode();
        var web = VmSpec.builder("web-01").cores(2).memory(4096)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(32)).withDiscard(true))
                .nic(Nic.virtio(0, "vmbr0"))
                .cloudInit(CloudInit.builder("local-lvm").user("ubuntu").ipconfig(0, IpConfig.dhcp()).build())
                .start(true)
                .build();
        var phoenix = Phoenix.on(pve).time(pve.time());
        var plan = phoenix.plan(List.of(VmDefinition.of(web)));
        assertTrue(plan.render().contains("+ create web-01"), plan.render());
        phoenix.apply(plan);

        var again = phoenix.plan(List.of(VmDefinition.of(web)));
        assertTrue(again.isEmpty(), again.render());
        assertTrue(again.render().contains("1 VM is up to date"), again.render());
        var vm = pve.listVms().get(0);
        assertEquals("web-01", vm.name());
        assertEquals(PowerState.RUNNING, vm.state());
    }
}
