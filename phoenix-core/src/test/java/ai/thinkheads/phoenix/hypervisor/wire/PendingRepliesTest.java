package ai.thinkheads.phoenix.hypervisor.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.PendingChange;
import ai.thinkheads.phoenix.hypervisor.PendingChanges;
import ai.thinkheads.phoenix.hypervisor.UnexpectedReplyException;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ProxmoxReplies#pending}: the reply of {@code GET .../qemu/{vmid}/pending} ({@code config_with_pending_array}). */
class PendingRepliesTest {

    private static final VmRef VM = VmRef.of("pve", 100);

    private static PendingChanges read(String json) {
        return ProxmoxReplies.pending(VM, ProxmoxReplies.parse(json, "test"));
    }

    @Test
    void onlyEntriesWithAPendingValueOrADeletionArePendingChanges() {
        PendingChanges p = read("[{\"key\":\"digest\",\"value\":\"0a1b\"},"
                + "{\"key\":\"cores\",\"value\":2},"                                  // in effect, nothing pending
                + "{\"key\":\"memory\",\"value\":\"2048\",\"pending\":4096},"          // loose types: a number
                + "{\"key\":\"balloon\",\"pending\":\"1024\"},"                        // a new key
                + "{\"key\":\"tablet\",\"value\":1,\"delete\":1},"                     // graceful deletion
                + "{\"key\":\"args\",\"delete\":\"2\"}]");                             // forced, not set now
        assertEquals(List.of(PendingChange.deletion("args", null, true), PendingChange.value("balloon", null, "1024"),
                PendingChange.value("memory", "2048", "4096"), PendingChange.deletion("tablet", "1", false)), p.changes());
        assertEquals(List.of("args", "balloon", "memory", "tablet"), List.copyOf(p.keys()));
    }

    @Test
    void anEmptyListIsNoPendingChanges() {
        assertTrue(read("[{\"key\":\"digest\",\"value\":\"0a1b\"},{\"key\":\"name\",\"value\":\"web\"}]").isEmpty());
    }

    @Test
    void aReplyOfTheWrongShapeNamesTheReplyAndField() {
        UnexpectedReplyException notArray = assertThrows(UnexpectedReplyException.class, () -> read("{\"key\":\"memory\"}"));
        assertTrue(notArray.getMessage().contains("pending config of VM 100"), notArray.getMessage());
        UnexpectedReplyException noKey = assertThrows(UnexpectedReplyException.class, () -> read("[{\"value\":\"1\"}]"));
        assertTrue(noKey.getMessage().contains("'key'"), noKey.getMessage());
        UnexpectedReplyException badDelete = assertThrows(UnexpectedReplyException.class,
                () -> read("[{\"key\":\"memory\",\"delete\":3}]"));
        assertTrue(badDelete.getMessage().contains("'delete' of 'memory' is 3"), badDelete.getMessage());
    }

    @Test
    void aPendingChangeIsEitherAValueOrADeletion() {
        assertThrows(IllegalArgumentException.class, () -> new PendingChange("memory", "1", null, PendingChange.Deletion.NONE));
        assertThrows(IllegalArgumentException.class, () -> new PendingChange("memory", "1", "2", PendingChange.Deletion.GRACEFUL));
        assertThrows(IllegalArgumentException.class, () -> new PendingChanges(VM, List.of(PendingChange.value("memory", null, "1"),
                PendingChange.value("memory", null, "2"))));
        assertEquals("new cipassword: **********", PendingChange.value("cipassword", null, "hunter2").toString());
    }
}
