package ai.thinkheads.phoenix.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void vmRefChecksTheVmidRange() {
        assertEquals("pve1/100", VmRef.of("pve1", 100).toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VmRef.of("pve1", 99));
        assertEquals("vmid: 99 is outside 100..999999999", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VmRef.of("pve1", 1_000_000_000));
        assertThrows(IllegalArgumentException.class, () -> VmRef.of(" ", 100));
    }

    @Test
    void configUpdateRefusesEmptyAndContradictoryChanges() {
        assertThrows(IllegalArgumentException.class, () -> new ConfigUpdate(Map.of(), Set.of(), null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConfigUpdate(Map.of("cores", "2"), Set.of("cores"), null));
        assertTrue(e.getMessage().contains("cores"));
        ConfigUpdate guarded = ConfigUpdate.set("cores", "4").ifDigest("abc");
        assertEquals("abc", guarded.digestIfAny().orElseThrow());
    }

    @Test
    void vmConfigKeepsValuesSortedAndRejectsDigestAsAValue() {
        VmConfig config = new VmConfig(VmRef.of("pve1", 100), Map.of("template", "1", "cores", "2"), "d1");
        assertEquals(Set.of("cores", "template"), config.values().keySet());
        assertTrue(config.isTemplate());
        assertThrows(UnsupportedOperationException.class, () -> config.values().put("x", "y"));
        assertThrows(IllegalArgumentException.class,
                () -> new VmConfig(VmRef.of("pve1", 100), Map.of("digest", "x"), "x"));
    }

    @Test
    void linkedClonesTakeNoStorage() {
        // qemu-server clone_vm refuses 'storage' for linked clones
        assertThrows(IllegalArgumentException.class, () -> CloneRequest.linked(101, "a").toStorage("local-lvm"));
        assertEquals("local-lvm", CloneRequest.full(101, "a").toStorage("local-lvm").targetStorage());
    }

    @Test
    void powerStateFromProxmoxFields() {
        assertEquals(PowerState.PAUSED, PowerState.fromProxmox("running", "paused"));
        assertEquals(PowerState.RUNNING, PowerState.fromProxmox("running", "running"));
        assertEquals(PowerState.STOPPED, PowerState.fromProxmox("stopped", null));
        assertEquals(PowerState.PAUSED, PowerState.fromProxmox("paused", null), "pvestatd broadcasts the qmpstatus");
        // a VM whose node sent no data, and QEMU run states the seam has no word for
        for (String status : new String[] {"unknown", "prelaunch", "io-error", "internal-error", "migrating", "", null}) {
            assertEquals(PowerState.UNKNOWN, PowerState.fromProxmox(status, null), String.valueOf(status));
        }
    }

    @Test
    void shutdownNeedsAPositiveTimeout() {
        assertThrows(IllegalArgumentException.class, () -> ShutdownOptions.within(Duration.ZERO));
        assertTrue(ShutdownOptions.within(Duration.ofSeconds(60)).orForceStop().forceStop());
    }

    @Test
    void parameterRejectedListsEveryParameter() {
        ParameterRejectedException e = new ParameterRejectedException("pve1", 100,
                Map.of("vmid", "VM 200 already exists", "cores", "value must have a minimum value of 1\n"));
        assertEquals("Parameter verification failed.\ncores: value must have a minimum value of 1\nvmid: VM 200 already exists"
                .replace("\n", System.lineSeparator()), e.getMessage());
        assertEquals(2, e.errors().size());
    }
}
