package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.AlreadyExistsException;
import ai.thinkheads.phoenix.hypervisor.AuthenticationException;
import ai.thinkheads.phoenix.hypervisor.ConfigModifiedException;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PermissionDeniedException;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every stderr shape of qm-reference.md and qemu-server's die messages, classified once. */
class QmErrorsTest {

    private static HypervisorException classify(String stderr) {
        return QmErrors.classify(stderr, "pve1", 100).orElseThrow(() -> new AssertionError("unclassified: " + stderr));
    }

    @Test
    void parameterVerificationWithPerParameterLinesAndUsage() {
        String stderr = """
                400 Parameter verification failed.
                memory: type check ('integer') failed - got 'lots'
                net0: invalid format - format error
                net0.model: value 'foo' does not have a value in the enumeration 'e1000, virtio'

                qm set <vmid> [OPTIONS]
                """;
        ParameterRejectedException e = assertInstanceOf(ParameterRejectedException.class, classify(stderr));
        assertEquals(Map.of("memory", "type check ('integer') failed - got 'lots'",
                "net0", "invalid format - format error",
                "net0.model", "value 'foo' does not have a value in the enumeration 'e1000, virtio'"), e.errors());
    }

    @Test
    void parameterErrorThatSaysAlreadyExistsIsStillAParameterError() {
        ParameterRejectedException e = assertInstanceOf(ParameterRejectedException.class,
                classify("400 Parameter verification failed.\nvmid: VM 200 already exists\n"));
        assertEquals(Map.of("vmid", "VM 200 already exists"), e.errors());
    }

    @Test
    void missingVm() {
        HypervisorException e = classify("Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist\n");
        assertInstanceOf(NotFoundException.class, e);
        assertEquals("Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist", e.getMessage());
        assertEquals(100, e.vmid().getAsInt());
        assertInstanceOf(NotFoundException.class, classify("snapshot 'nope' does not exist\n"));
        assertInstanceOf(NotFoundException.class, classify("500 no such cluster node 'pve9'\n"));
        assertInstanceOf(NotFoundException.class, classify("unable to open file '/var/log/pve/tasks/active' - No such file or directory\n"));
    }

    @Test
    void alreadyExists() {
        assertInstanceOf(AlreadyExistsException.class, classify("VM 100 already exists on node 'pve2'\n"));
        assertInstanceOf(AlreadyExistsException.class, classify("unable to create VM 101: config file already exists\n"));
    }

    @Test
    void locks() {
        LockedException file = assertInstanceOf(LockedException.class, classify(
                "trying to acquire lock...\ncan't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout\n"));
        assertTrue(file.lock().isEmpty());
        assertEquals("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout", file.getMessage());
        // PVE::Tools::lock_file_full prints the prefix without a newline, so the die message follows on the same line
        LockedException sameLine = assertInstanceOf(LockedException.class, classify(
                "trying to acquire lock...can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout\n"));
        assertEquals("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout", sameLine.getMessage());
        LockedException config = assertInstanceOf(LockedException.class, classify("VM is locked (clone)\n"));
        assertEquals("clone", config.lock().orElseThrow());
    }

    @Test
    void wrongStates() {
        for (String stderr : List.of("VM 100 is running - destroy failed\n", "VM 100 not running\n",
                "QEMU guest agent is not running\n", "No QEMU guest agent configured\n",
                "you can't start a vm if it's a template\n", "shrinking disks is not supported\n")) {
            assertInstanceOf(WrongStateException.class, classify(stderr), stderr);
        }
    }

    @Test
    void modifiedConfiguration() {
        assertInstanceOf(ConfigModifiedException.class,
                classify("detected modified configuration - file changed by other user? Try again.\n"));
        // qemu-server API2/Qemu.pm update_vm / resize_vm
        assertInstanceOf(ConfigModifiedException.class, classify("checksum mismatch (file change by other user?)\n"));
    }

    @Test
    void permissionAndAuthentication() {
        assertInstanceOf(PermissionDeniedException.class, classify("403 Permission check failed (/vms/100, VM.Allocate)\n"));
        assertInstanceOf(PermissionDeniedException.class, classify("sudo: a password is required\n"));
        assertInstanceOf(AuthenticationException.class, classify("401 authentication failure\n"));
    }

    @Test
    void lockNoiseAloneIsNotAnError() {
        String noise = "trying to acquire lock...\n OK\ntrying to acquire cfs lock 'storage-local' ... OK\n";
        // the cfs variant has a space before the dots in some versions: only the exact qm shapes are noise
        assertTrue(QmErrors.meaningfulLines("trying to acquire lock...\n OK\n").isEmpty());
        assertTrue(QmErrors.meaningfulLines("trying to acquire lock... OK\n").isEmpty());
        assertFalse(QmErrors.reportsError("trying to acquire lock...\n OK\n"));
        assertTrue(QmErrors.classify("trying to acquire lock...\n OK\n", "pve1", 100).isEmpty());
        assertEquals(1, QmErrors.meaningfulLines(noise).size());
    }

    @Test
    void warningsCount() {
        assertEquals(2, QmErrors.warnings("Task finished with 2 warning(s)!\n"));
        assertEquals(0, QmErrors.warnings(""));
        assertFalse(QmErrors.reportsError("Task finished with 2 warning(s)!\n"));
    }

    @Test
    void unknownErrorsAreNotClassifiedButBecomeCommandFailures() {
        CommandResult r = new CommandResult(255, "", "storage 'nfs' is not online\n");
        assertTrue(QmErrors.classify(r.stderr(), "pve1", 100).isEmpty());
        QmCommandFailedException e = assertInstanceOf(QmCommandFailedException.class,
                QmErrors.toException(r, "qm set", "pve1", 100));
        assertEquals(255, e.exitCode());
        assertEquals("qm set failed (exit 255): storage 'nfs' is not online", e.getMessage());
    }
}
