package ai.thinkheads.phoenix.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskStatusTest {

    @ParameterizedTest
    @ValueSource(strings = {"OK", "WARNINGS: 1", "WARNINGS: 12"})
    void successStatusesFollowStatusIsError(String exit) {
        assertTrue(TaskStatus.isSuccess(exit));
        assertTrue(TaskStatus.stopped(null, exit).succeeded());
    }

    @ParameterizedTest
    @ValueSource(strings = {"unexpected status", "WARNINGS:1", "WARNINGS: ", "ok", "VM 100 already running", "command 'qm start 100' failed: exit code 1"})
    void everythingElseIsAnError(String exit) {
        assertFalse(TaskStatus.isSuccess(exit));
        assertTrue(TaskStatus.stopped(null, exit).failed());
    }

    @Test
    void warningsCount() {
        assertEquals(3, TaskStatus.stopped(null, "WARNINGS: 3").warnings());
        assertEquals(0, TaskStatus.stopped(null, "OK").warnings());
    }

    @Test
    void runningHasNoExitStatusAndStoppedNeedsOne() {
        assertThrows(IllegalArgumentException.class, () -> new TaskStatus(null, true, "OK"));
        assertThrows(NullPointerException.class, () -> new TaskStatus(null, false, null));
        assertFalse(TaskStatus.running(null).succeeded());
        assertFalse(TaskStatus.running(null).failed());
    }
}
