package ai.thinkheads.phoenix.testkit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskFailedException;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-storage lock (pve-storage {@code cluster_lock_storage} around {@code vdisk_clone}): with
 * {@code storageLocks(true)} clones onto one storage run one after the other, and a clone that would
 * wait more than 10 s fails with lock_file's timeout text. Virtual time.
 */
class StorageLockTest {

    private static final Duration WAIT = Duration.ofMinutes(5);

    private static FakeHypervisor fake(boolean locks) {
        return FakeHypervisor.builder().taskDuration("qmclone", Duration.ofSeconds(2)).storageLocks(locks).build();
    }

    private static VmRef template(FakeHypervisor pve) {
        VmRef t = VmRef.of("pve", 9000);
        pve.create(CreateRequest.of("pve", 9000, Map.of("name", "tpl", "memory", "512", "scsi0", "local-lvm:1"))).await(WAIT);
        pve.convertToTemplate(t).await(WAIT);
        return t;
    }

    @Test
    void clonesOntoOneStorageSerializeAndTheSeventhTimesOut() {
        FakeHypervisor pve = fake(true);
        VmRef t = template(pve);
        Instant start = pve.time().now();
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            tasks.add(pve.clone(t, CloneRequest.linked(100 + i, "c" + i)));
        }
        for (int i = 0; i < 6; i++) {
            tasks.get(i).await(WAIT);
        }
        // the sixth began after 5 × 2 s of waiting (≤ 10 s) and ended 2 s later
        assertEquals(Duration.ofSeconds(12), Duration.between(start, pve.time().now()).withNanos(0));
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> tasks.get(6).await(WAIT));
        assertEquals("can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout", e.exitStatus());
    }

    @Test
    void withoutTheLockClonesOfATemplateRunSideBySide() {
        FakeHypervisor pve = fake(false);
        VmRef t = template(pve);
        Instant start = pve.time().now();
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            tasks.add(pve.clone(t, CloneRequest.linked(100 + i, "c" + i)));
        }
        tasks.forEach(task -> task.await(WAIT));
        assertEquals(Duration.ofSeconds(2), Duration.between(start, pve.time().now()).withNanos(0));
    }
}
