package ai.thinkheads.phoenix.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.backend.api.Credentials;
import ai.thinkheads.phoenix.backend.api.ProxmoxApi;
import ai.thinkheads.phoenix.backend.api.Secret;
import ai.thinkheads.phoenix.backend.api.TlsTrust;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.schema.SchemaAudit;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The main job's flow, as README command 1 runs it: over HTTPS through the API backend to the simulator. */
class ProvisionDemoTest {

    @Test
    void provisionsTheTemplateAndItsClonesAndThenPlansNothing() {
        FakeHypervisor fake = FakeHypervisor.builder().realTime().defaultTaskDuration(Duration.ofMillis(20))
                .guestBootDelay(Duration.ofMillis(100)).cloudInitDuration(Duration.ofMillis(200), Duration.ofMillis(5)).build();
        fake.cluster().addVolume("pve", "local", "import/noble-server-cloudimg-amd64.img", 3758096384L);
        try (PveSimulator sim = PveSimulator.over(fake.cluster()).requestValidator(SchemaAudit.shared()::check).build().start()) {
            ProxmoxApi api = ProxmoxApi.builder().baseUrl(sim.url()).defaultNode("pve")
                    .credentials(Credentials.apiToken(sim.apiTokenId(), Secret.of(sim.apiTokenSecret())))
                    .tls(TlsTrust.pinned(sim.certificateFingerprint()))
                    .build();
            assertEquals(0, ProvisionDemo.run(api, "pve", "local:import/noble-server-cloudimg-amd64.img"),
                    "exit code 0: apply completed and the second plan was empty");
        }
        assertTrue(fake.getConfig(VmRef.of("pve", 9000)).isTemplate());
        assertEquals(PowerState.RUNNING, fake.findVm(9101).orElseThrow().state());
        assertEquals(PowerState.RUNNING, fake.findVm(9102).orElseThrow().state());
        assertEquals("local-lvm:base-9000-disk-0/vm-9101-disk-0,discard=on,size=32G",
                fake.getConfig(VmRef.of("pve", 9101)).values().get("scsi0"), "a linked clone of the template, grown to 32G");
        for (int vmid : new int[] {9101, 9102}) {
            assertTrue(fake.guest(vmid).running("docker"), "Docker runs in " + vmid + ": " + fake.guest(vmid).services());
        }
    }
}
