package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.hypervisor.UnexpectedReplyException;
import ai.thinkheads.phoenix.hypervisor.AlreadyExistsException;
import ai.thinkheads.phoenix.hypervisor.ConfigModifiedException;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskFailedException;
import ai.thinkheads.phoenix.hypervisor.TaskResult;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backend's behaviour over a scripted {@link CommandRunner}: task outcomes, traps, error paths. */
class QmHypervisorTest {

    private static final VmRef VM = VmRef.of("pve1", 100);
    private static final Duration WAIT = Duration.ofSeconds(1);

    private final ScriptedRunner runner = new ScriptedRunner();
    private final QmHypervisor pve = QmHypervisor.builder().runner(runner).node("pve1").build();

    @Test
    void aSuccessfulTaskCommandIsACompletedTaskWithItsOutputAsLog() {
        runner.answer("qm start 100", 0, "starting VM 100\n", "trying to acquire lock...\n OK\n");
        Task task = pve.start(VM);
        assertTrue(task.upid().isEmpty(), "qm does not print the UPID");
        assertEquals("pve1", task.node());
        assertEquals(100, task.vmid());
        assertEquals(TaskStatus.stopped(null, "OK"), task.status());
        TaskResult result = task.await(WAIT);
        assertEquals("OK", result.exitStatus());
        assertEquals(List.of("qm", "start", "100"), runner.lastArgv());
    }

    @Test
    void warningsAreCounted() {
        runner.answer("qm shutdown 100", 0, "WARN: guest did not answer ACPI\n", "Task finished with 1 warning(s)!\n");
        TaskResult result = pve.shutdown(VM, ai.thinkheads.phoenix.hypervisor.ShutdownOptions.within(Duration.ofSeconds(60)))
                .await(WAIT);
        assertEquals(1, result.warnings());
        assertEquals(Duration.ofSeconds(120), runner.calls.get(0).atLeast(), "the transport waits past qm's own timeout");
        assertEquals(List.of("WARN: guest did not answer ACPI"), result.warningLines());
    }

    @Test
    void knownErrorsAreThrownByThePrimitive() {
        runner.answer("qm create 100", 255, "", "VM 100 already exists on node 'pve2'\n");
        assertThrows(AlreadyExistsException.class, () -> pve.create(CreateRequest.of("pve1", 100, Map.of("memory", "512"))));
        runner.answer("qm stop 100", 255, "", "trying to acquire lock...\ncan't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout\n");
        assertThrows(LockedException.class, () -> pve.stop(VM));
        runner.answer("qm set 100", 255, "", "detected modified configuration - file changed by other user? Try again.\n");
        assertThrows(ConfigModifiedException.class,
                () -> pve.updateConfig(VM, ConfigUpdate.set("cores", "2").ifDigest("abcdef")));
        runner.answer("qm destroy 100", 255, "", "VM 100 is running - destroy failed\n");
        assertThrows(WrongStateException.class, () -> pve.destroy(VM, ai.thinkheads.phoenix.hypervisor.DestroyOptions.plain()));
        // a value the schema accepts, refused by PVE for what only the node knows
        runner.answer("qm set 100", 255, "", "400 Parameter verification failed.\nscsi0: storage 'nosuchstore' does not exist\n\nqm set <vmid> [OPTIONS]\n");
        ParameterRejectedException p = assertThrows(ParameterRejectedException.class,
                () -> pve.updateConfig(VM, ConfigUpdate.set("scsi0", "nosuchstore:32")));
        assertEquals(Map.of("scsi0", "storage 'nosuchstore' does not exist"), p.errors());
    }

    @Test
    void anUnknownTaskFailureSurfacesFromAwait() {
        runner.answer("qm start 100", 255, "", "start failed: QEMU exited with code 1\n");
        Task task = pve.start(VM);
        assertTrue(task.status().failed());
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> task.await(WAIT));
        assertEquals("start failed: QEMU exited with code 1", e.exitStatus());
        assertTrue(e.logTail().contains("start failed: QEMU exited with code 1"));
    }

    @Test
    void aMissingQmIsACommandFailureNotATask() {
        runner.answer("qm start 100", 127, "", "sh: 1: qm: not found\n");
        QmCommandFailedException e = assertThrows(QmCommandFailedException.class, () -> pve.start(VM));
        assertEquals(127, e.exitCode());
    }

    @Test
    void templateExitsZeroOnFailureSoStderrDecides() {
        runner.answer("qm template 100", 0, "", "storage 'nfs' does not support templates - unable to create base image\n");
        Task task = pve.convertToTemplate(VM);
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> task.await(WAIT));
        assertTrue(e.exitStatus().contains("unable to create base image"), e.exitStatus());
    }

    @Test
    void templateIsConfirmedByRereadingTheConfig() {
        runner.answer("qm template 100", 0, "", "trying to acquire lock...\n OK\n");
        runner.answer("qm config 100", 0, "memory: 512\ntemplate: 1\n", "");
        assertEquals("OK", pve.convertToTemplate(VM).await(WAIT).exitStatus());
        assertEquals(List.of("qm", "config", "100"), runner.lastArgv());

        runner.answer("qm config 100", 0, "memory: 512\n", "");
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> pve.convertToTemplate(VM).await(WAIT));
        assertTrue(e.exitStatus().contains("is not a template"), e.exitStatus());
    }

    @Test
    void resizeExitsZeroOnFailure() {
        runner.answer("qm disk resize 100 scsi0 16G", 0, "", "shrinking disks is not supported\n");
        assertThrows(WrongStateException.class, () -> pve.resizeDisk(VM, "scsi0", DiskSize.ofGiB(16)));

        runner.answer("qm disk resize 100 scsi0 64G", 0, "  Size of logical volume changed\n", "");
        runner.answer("qm config 100", 0, "scsi0: local-lvm:vm-100-disk-0,iothread=1,size=64G\n", "");
        assertEquals("OK", pve.resizeDisk(VM, "scsi0", DiskSize.ofGiB(64)).await(WAIT).exitStatus());

        runner.answer("qm config 100", 0, "scsi0: local-lvm:vm-100-disk-0,size=32G\n", "");
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> pve.resizeDisk(VM, "scsi0", DiskSize.ofGiB(64)).await(WAIT));
        assertTrue(e.exitStatus().contains("is 32G, not 64G"), e.exitStatus());
    }

    @Test
    void mutationsOfAnotherNodesVmAreRefusedBeforeSending() {
        assertThrows(ForeignNodeException.class, () -> pve.start(VmRef.of("pve2", 100)));
        assertThrows(ForeignNodeException.class, () -> pve.create(CreateRequest.of("pve2", 100, Map.of())));
        assertTrue(runner.calls.isEmpty());
    }

    @Test
    void readsUsePveshJson() {
        runner.answer("pvesh get /nodes/pve2/qemu/100/config --output-format json", 0,
                "{\"digest\":\"d1\",\"memory\":\"2048\",\"cores\":2}\n", "");
        VmConfig c = pve.getConfig(VmRef.of("pve2", 100));
        assertEquals("d1", c.digest());
        assertEquals(Map.of("memory", "2048", "cores", "2"), c.values());

        runner.answer("pvesh get /nodes/pve1/qemu/101/config", 2, "",
                "Configuration file 'nodes/pve1/qemu-server/101.conf' does not exist\n");
        NotFoundException e = assertThrows(NotFoundException.class, () -> pve.getConfig(VmRef.of("pve1", 101)));
        assertEquals(101, e.vmid().getAsInt());

        runner.answer("pvesh get /cluster/nextid", 0, "\"105\"\n", "");
        assertEquals(105, pve.nextFreeVmid());

        runner.answer("pvesh get /nodes/pve9/storage", 255, "", "500 no such cluster node 'pve9'\n");
        assertThrows(NotFoundException.class, () -> pve.listStorages("pve9"));
    }

    @Test
    void tasksByUpid() {
        Upid upid = Upid.parse("UPID:pve1:000FF1FD:10F9374C:630D702C:qmstart:100:root@pam:");
        runner.answer("pvesh get /nodes/pve1/tasks/" + upid + "/status", 0, "{\"status\":\"stopped\",\"exitstatus\":\"OK\"}\n", "");
        assertEquals(TaskStatus.stopped(upid, "OK"), pve.taskStatus(upid));
        runner.answer("pvesh get /nodes/pve1/tasks/" + upid + "/log", 0, "[{\"n\":1,\"t\":\"a\"},{\"n\":2,\"t\":\"TASK OK\"}]\n", "");
        assertEquals(List.of("TASK OK"), pve.taskLog(upid, 1));
    }

    @Test
    void guestAgent() {
        runner.answer("qm guest cmd 100 ping", 0, "", "");
        pve.agentPing(VM);
        runner.answer("qm guest cmd 100 ping", 255, "", "QEMU guest agent is not running\n");
        assertThrows(WrongStateException.class, () -> pve.agentPing(VM));

        runner.answer("qm guest exec 100", 0, "{\n   \"pid\" : 12\n}\n", "");
        assertEquals(12, pve.agentExec(VM, List.of("cat"), "data"));
        assertArrayEquals("data".getBytes(StandardCharsets.UTF_8), runner.calls.get(runner.calls.size() - 1).stdin());

        runner.answer("qm guest exec-status 100 12", 0, "{\n   \"exitcode\" : 0,\n   \"exited\" : 1,\n   \"out-data\" : \"data\"\n}\n", "");
        assertEquals(new GuestExecStatus(true, 0, "data", ""), pve.agentExecStatus(VM, 12));
    }

    @Test
    void theNodeNameDefaultsToTheTargetOfPmxcfsLocalLink() {
        ScriptedRunner r = new ScriptedRunner().answer("readlink /etc/pve/local", 0, "nodes/pve7\n", "");
        try (QmHypervisor h = QmHypervisor.builder().runner(r).build()) {
            assertEquals("pve7", h.node());
        }
        assertTrue(r.closed);
    }

    @Test
    void aHostWithoutPmxcfsIsRefusedNamingTheLink() {
        ScriptedRunner r = new ScriptedRunner().answer("readlink /etc/pve/local", 0, "/srv/elsewhere\n", "");
        UnexpectedOutputException e = assertThrows(UnexpectedOutputException.class,
                () -> QmHypervisor.builder().runner(r).build());
        assertTrue(e.getMessage().contains("/etc/pve/local"), e.getMessage());
        assertTrue(r.closed);
    }

    @Test
    void runnerAndSshSettingsAreExclusive() {
        assertThrows(IllegalStateException.class,
                () -> QmHypervisor.builder()
                        .ssh(SshSettings.builder().host("pve1").user("root").password("x")
                                .hostKeyFingerprint("SHA256:" + "A".repeat(43)).build())
                        .runner(new ScriptedRunner()).node("pve1").build());
        assertThrows(IllegalStateException.class, () -> QmHypervisor.builder().node("pve1").build(),
                "neither a runner nor SSH settings");
        assertThrows(IllegalArgumentException.class, () -> QmHypervisor.builder().node("bad node"));
    }

    @Test
    void secretsEchoedByProxmoxAreRedactedFromMessages() {
        String hash = "$6$salt$SECRETHASHVALUE";
        runner.answer("qm set 100", 255, "", "cipassword '" + hash + "' rejected: storage failure\n");
        QmCommandFailedException e = assertThrows(QmCommandFailedException.class,
                () -> pve.updateConfig(VM, ConfigUpdate.set("cipassword", hash)));
        assertFalse(e.getMessage().contains(hash), e.getMessage());
        assertTrue(e.getMessage().contains(QmCommand.REDACTED), e.getMessage());
    }

    @Test
    void guestExecStdinThatAppearsInTheReplyDoesNotCorruptIt() {
        // qm guest exec prints the API result as pretty JSON; the stdin (a secret) is redacted only
        // from what is shown, never from what is parsed: the command has started in the guest, and
        // reporting it failed would make a retry run it twice
        runner.answer("qm guest exec 100", 0, "{\n   \"pid\" : 4711\n}\n", "");
        for (String stdin : List.of("}", "1", "pid", "4711", "\"", ":", " ")) {
            assertEquals(4711, pve.agentExec(VM, List.of("chpasswd"), stdin), "stdin " + stdin);
        }
    }

    @Test
    void aParseErrorQuotingTheOutputHasTheStdinRedacted() {
        runner.answer("qm guest exec 100", 0, "{\"pod\": \"admin:s3cret-Guest\"}\n", "");
        UnexpectedReplyException e = assertThrows(UnexpectedReplyException.class,
                () -> pve.agentExec(VM, List.of("chpasswd"), "admin:s3cret-Guest"));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        // Jackson quotes the token it could not read: the stdin echoed as bare text
        runner.answer("qm guest exec 100", 0, "admin:s3cret-Guest\n", "");
        UnexpectedReplyException quoted = assertThrows(UnexpectedReplyException.class,
                () -> pve.agentExec(VM, List.of("chpasswd"), "admin:s3cret-Guest"));
        assertFalse(quoted.getMessage().contains("s3cret"), quoted.getMessage());
    }

    @Test
    void urlEncodedAndJsonEscapedEchoesOfASecretAreRedacted() {
        String password = "p\"w/d \\ é&x";
        String json = "p\\\"w/d \\\\ é&x";                      // as Jackson/Perl JSON escape it
        String jsonAscii = "p\\\"w\\/d \\\\ \\u00e9&x";         // Perl JSON->ascii, with \/
        String uri = "p%22w%2Fd%20%5C%20%C3%A9%26x";                   // URI::Escape::uri_escape
        String form = "p%22w%2Fd+%5C+%C3%A9%26x";                      // a form body
        runner.answer("qm set 100", 255, "",
                "echo: " + json + "\necho: " + jsonAscii + "\necho: " + uri + "\necho: " + uri.toLowerCase() + "\necho: " + form + "\n");
        QmCommandFailedException e = assertThrows(QmCommandFailedException.class,
                () -> pve.updateConfig(VM, ConfigUpdate.set("cipassword", password)));
        for (String form2 : List.of(json, jsonAscii, uri, uri.toLowerCase(), form, "w/d", "w%2Fd", "w%2fd", "w\\/d")) {
            assertFalse(e.getMessage().contains(form2), form2 + " in " + e.getMessage());
        }
        assertEquals(5, e.getMessage().split(java.util.regex.Pattern.quote(QmCommand.REDACTED), -1).length - 1, e.getMessage());
    }

    @Test
    void controlCharactersInRemoteStderrAreNeutralisedInExceptionMessages() {
        runner.answer("qm set 100", 255, "", "\u001b]52;c;cm0gLXJmIC8K\u0007\u001b[2Jbad \u202eevil\u202c\r\nstill\rhere\u0000\n");
        QmCommandFailedException e = assertThrows(QmCommandFailedException.class,
                () -> pve.updateConfig(VM, ConfigUpdate.set("cores", "2")));
        for (char c : e.getMessage().toCharArray()) {
            assertTrue(c == '\n' || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f) && !(c >= 0x202a && c <= 0x202e)),
                    "control character " + (int) c + " in " + e.getMessage());
        }
        assertTrue(e.getMessage().contains("\\x1b]52;c;cm0gLXJmIC8K\\x07\\x1b[2Jbad \\u202eevil\\u202c"), e.getMessage());
        assertTrue(e.getMessage().contains("still\\x0dhere\\x00"), e.getMessage());
    }
}
