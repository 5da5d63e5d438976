package ai.thinkheads.phoenix.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one classifier of Proxmox error texts, on the lock forms apply retries. */
class ProxmoxErrorTextTest {

    @ParameterizedTest
    @ValueSource(strings = {
        // pve-guest-common AbstractConfig check_lock
        "VM is locked (clone)",
        // pve-common Tools lock_file_full, as pve-storage cluster_lock_storage takes it for a local storage
        "can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout",
        // pve-cluster cfs_lock, as pve-storage cluster_lock_storage takes it for a shared storage
        "cfs-lock 'storage-nfs' error: got lock request timeout",
    })
    void everyLockFormIsALock(String text) {
        assertInstanceOf(LockedException.class, ProxmoxErrorText.classify(text, "pve1", 100).orElseThrow());
    }

    @Test
    void theLockNameIsKept() {
        LockedException e = (LockedException) ProxmoxErrorText.classify("VM is locked (snapshot)", null, 100).orElseThrow();
        assertEquals("snapshot", e.lock().orElseThrow());
    }

    @Test
    void aTextWithoutAKnownConditionIsNotClassified() {
        assertTrue(ProxmoxErrorText.classify("unable to parse value of 'memory'", null, null).isEmpty());
    }
}
