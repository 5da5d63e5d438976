package com.example.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.backend.api.ProxmoxApi;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.junit.PhoenixExtension;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a user of Phoenix writes: their VM, planned and applied on the fake and on the simulator over HTTPS. */
@ExtendWith(PhoenixExtension.class)
class InfrastructureTest {

    private static List<VmDefinition> web() {
        return List.of(VmDefinition.of(VmSpec.builder("web-01").cores(2).memory(2048)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(8)))
                .nic(Nic.virtio(0, "vmbr0"))
                .build()));
    }

    private static void planApplyPlan(Hypervisor pve) {
        Phoenix phoenix = Phoenix.on(pve);
        Plan plan = phoenix.plan(web());
        assertEquals(1, plan.vms().size(), plan.render());
        assertTrue(plan.render().contains("web-01"), plan.render());
        ApplyResult result = phoenix.apply(plan);
        assertTrue(result.isComplete(), result.toString());
        Plan again = phoenix.plan(web());
        assertTrue(again.isEmpty(), again.render());
    }

    @Test
    void onTheFake(FakeHypervisor fake) {
        planApplyPlan(fake);
        assertEquals(List.of("web-01"), fake.listVms().stream().map(v -> v.name()).toList());
    }

    @Test
    void throughTheApiOnTheSimulator(ProxmoxApi api, FakeHypervisor model) {
        planApplyPlan(api);
        // the simulator serves the fake: the VM created over HTTPS is in its model
        assertEquals(List.of("web-01"), model.listVms().stream().map(v -> v.name()).toList());
    }
}
