package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The check that every recorded {@code qm}/{@code pvesh} command line goes through: it fails on what
 * the schema refuses and on what qm itself would not parse, and passes what the backend builds.
 * (The refused values below are the contract suite's deliberate ones, {@code ostype=plan9} and
 * {@code frobnicate}, so the JVM-wide {@code SchemaAudit} still shows no unexpected refusal.)
 */
class CommandLineSchemaCheckTest {

    private static final byte[] NO_STDIN = new byte[0];

    @Test
    void aValueTheSchemaRefusesFailsTheTest() {
        long before = CommandLineSchemaCheck.checked();
        AssertionError e = assertThrows(AssertionError.class, () -> CommandLineSchemaCheck.check(
                List.of("qm", "set", "100", "--ostype", "plan9"), NO_STDIN, "pve1"));
        assertTrue(e.getMessage().contains("[ostype]"), e.getMessage());
        assertTrue(e.getMessage().contains("PUT /nodes/pve1/qemu/100/config"), e.getMessage());
        assertEquals(before + 1, CommandLineSchemaCheck.checked());
    }

    @Test
    void anOptionQmDoesNotKnowFailsTheTest() {
        AssertionError e = assertThrows(AssertionError.class, () -> CommandLineSchemaCheck.check(
                List.of("qm", "start", "100", "--frobnicate", "1"), NO_STDIN, "pve1"));
        assertTrue(e.getMessage().contains("Unknown option: frobnicate"), e.getMessage());
    }

    @Test
    void whatTheBackendBuildsPassesAndOtherProgramsAreSkipped() {
        QmCommands qm = new QmCommands("pve1");
        QmCommand set = qm.set(100, ConfigUpdate.set(java.util.Map.of("cores", "2", "sshkeys", "ssh-ed25519%20AAAA")));
        assertDoesNotThrow(() -> CommandLineSchemaCheck.check(set.argv(), set.stdin(), "pve1"));
        long before = CommandLineSchemaCheck.checked();
        CommandLineSchemaCheck.check(List.of("hostname"), NO_STDIN, "pve1");
        CommandLineSchemaCheck.check(List.of("sudo", "-n", "--", "qm", "list"), NO_STDIN, "pve1");
        assertEquals(before, CommandLineSchemaCheck.checked(), "sudo's own record is not counted: qm records itself");
    }

    @Test
    void aScriptedRunnerChecksEveryCallItAnswers() {
        ScriptedRunner runner = new ScriptedRunner().answer("qm set 100", 0, "", "");
        QmHypervisor pve = QmHypervisor.builder().runner(runner).node("pve1").build();
        long before = CommandLineSchemaCheck.checked();
        pve.updateConfig(VmRef.of("pve1", 100), ConfigUpdate.set("cores", "2"));
        assertEquals(before + 1, CommandLineSchemaCheck.checked());
        assertThrows(AssertionError.class, () -> runner.run(List.of("qm", "set", "100", "--frobnicate", "1"), NO_STDIN));
    }
}
