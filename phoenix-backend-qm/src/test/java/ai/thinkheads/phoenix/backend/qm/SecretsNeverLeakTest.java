package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.hypervisor.AuthenticationException;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.ShutdownOptions;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full VM lifecycle over real SSH (create, update, power, the guest agent, snapshots, resize,
 * template, clone, destroy), with debug logging on, using every kind of secret: the SSH password,
 * a private-key passphrase, a cloud-init password hash (also echoed back by a failing {@code qm}
 * on stderr) and a guest password on a guest command's stdin. Nothing logged and no exception message or {@code toString()}
 * may contain any of them.
 */
class SecretsNeverLeakTest {

    private static final String PASSPHRASE = "key-Passphrase-must-not-leak";
    private static final String CIPASSWORD = "$6$rounds=4096$saltsalt$CiPasswordHashMustNotLeak";
    private static final String WRONG_PASSWORD = "wrong-Password-must-not-leak";
    private static final String GUEST_SECRET = "guest-Chpasswd-Secret-must-not-leak";
    private static final Path LOG = Path.of("target", "test-logs.log");
    private static final Duration WAIT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void noSecretInLogsMessagesOrToString() throws Exception {
        // slf4j-simple truncates its file when it starts: start it before taking the offset
        org.slf4j.LoggerFactory.getLogger(SecretsNeverLeakTest.class).info("secrets test starts");
        long logStart = Files.exists(LOG) ? Files.size(LOG) : 0;
        List<String> seen = new ArrayList<>();
        try (TestSshd sshd = TestSshd.start(dir)) {
            Path key = TestSshd.sshKeygen(dir, "ed25519", 0, PASSPHRASE);
            sshd.authorize(Path.of(key + ".pub"));

            QmHypervisor.Builder byPassword = QmHypervisor.builder()
                    .ssh(SshSettings.builder().host("127.0.0.1").port(sshd.port())
                            .user(TestSshd.USER).password(TestSshd.PASSWORD)
                            .knownHosts(sshd.knownHosts()).build());
            QmHypervisor.Builder byKey = QmHypervisor.builder()
                    .ssh(SshSettings.builder().host("127.0.0.1").port(sshd.port())
                            .user(TestSshd.USER).privateKey(key, PASSPHRASE)
                            .hostKeyFingerprint(sshd.hostKeyFingerprint()).sudo(true).build());
            seen.add(byPassword.toString());
            seen.add(byKey.toString());

            for (QmHypervisor.Builder builder : List.of(byPassword, byKey)) {
                try (QmHypervisor pve = builder.build()) {
                    seen.add(pve.toString());
                    lifecycle(pve, seen);
                }
            }

            // a qm failure that echoes the cipassword back on stderr (the stub does that for VMID 999)
            try (QmHypervisor pve = byPassword.build()) {
                ParameterRejectedException e = assertThrows(ParameterRejectedException.class,
                        () -> pve.create(CreateRequest.of(pve.node(), 999, Map.of("cipassword", CIPASSWORD))));
                seen.add(stackTrace(e));
                assertTrue(e.getMessage().contains(QmCommand.REDACTED), "the echo is there, redacted: " + e.getMessage());
            }

            // a wrong password
            try (QmHypervisor pve = QmHypervisor.builder()
                    .ssh(SshSettings.builder().host("127.0.0.1").port(sshd.port())
                            .user(TestSshd.USER).password(WRONG_PASSWORD)
                            .knownHosts(sshd.knownHosts()).build()).node(TestSshd.NODE).build()) {
                seen.add(pve.toString());
                seen.add(stackTrace(assertThrows(AuthenticationException.class, pve::listVms)));
            }

            // a wrong passphrase
            seen.add(stackTrace(assertThrows(IllegalArgumentException.class, () -> QmHypervisor.builder()
                    .ssh(SshSettings.builder().host("127.0.0.1").port(sshd.port())
                            .user(TestSshd.USER).privateKey(key, WRONG_PASSWORD)
                            .knownHosts(sshd.knownHosts()).build())
                    .build())));
        }

        String logged = readFrom(LOG, logStart);
        assertTrue(logged.contains("'qm' 'create' '100'"), "commands are logged at debug (else this test proves nothing)");
        assertTrue(logged.contains("'--cipassword' <<(" + (2 * CIPASSWORD.length() + 2) + " bytes on stdin)"),
                "and the cipassword goes on stdin");
        for (String command : List.of("'qm' 'clone' '100' '101'", "'qm' 'snapshot' '100' 's1'", "'qm' 'disk' 'resize' '100' 'scsi0'",
                "'qm' 'guest' 'exec' '100'", "'qm' 'guest' 'cmd' '100' 'ping'")) {
            assertTrue(logged.contains(command), "the log covers " + command);
        }
        seen.add(logged);
        String all = String.join("\n", seen);
        for (String secret : List.of(TestSshd.PASSWORD, PASSPHRASE, CIPASSWORD, WRONG_PASSWORD, GUEST_SECRET)) {
            assertFalse(all.contains(secret), "a secret leaked: " + secret.substring(0, 6) + "...");
        }
    }

    private static void lifecycle(QmHypervisor pve, List<String> seen) {
        VmRef vm = VmRef.of(pve.node(), 100);
        List<Task> tasks = new ArrayList<>();
        tasks.add(pve.create(CreateRequest.of(pve.node(), 100, Map.of("memory", "2048", "ciuser", "admin",
                "cipassword", CIPASSWORD, "sshkeys", "ssh-ed25519%20AAAA%20me%40host"))));
        tasks.add(pve.updateConfig(vm, ConfigUpdate.set(Map.of("cipassword", CIPASSWORD, "description", "web"))));
        tasks.add(pve.start(vm));
        pve.agentPing(vm);
        assertEquals(1, pve.agentNetworkInterfaces(vm).size());
        int pid = pve.agentExec(vm, List.of("sh", "-c", "echo hi"), "stdin");
        assertTrue(pve.agentExecStatus(vm, pid).exited());
        // a guest password goes to the guest command on stdin (qm guest exec --pass-stdin)
        int chpasswd = pve.agentExec(vm, List.of("chpasswd"), "admin:" + GUEST_SECRET);
        seen.add(pve.agentExecStatus(vm, chpasswd).toString());
        tasks.add(pve.createSnapshot(vm, "s1", "before", false));
        assertEquals(1, pve.listSnapshots(vm).size());
        tasks.add(pve.rollbackSnapshot(vm, "s1"));
        tasks.add(pve.deleteSnapshot(vm, "s1"));
        tasks.add(pve.shutdown(vm, ShutdownOptions.within(Duration.ofSeconds(30))));
        tasks.add(pve.stop(vm));
        tasks.add(pve.resizeDisk(vm, "scsi0", DiskSize.ofGiB(64)));
        tasks.add(pve.convertToTemplate(vm));
        tasks.add(pve.clone(vm, CloneRequest.linked(101, "web02")));
        seen.add(pve.getConfig(vm).toString());
        seen.add(pve.listVms().toString());
        seen.add(pve.listNodes().toString());
        seen.add(pve.listStorages(pve.node()).toString());
        seen.add(Integer.toString(pve.nextFreeVmid()));
        tasks.add(pve.destroy(vm, DestroyOptions.everything()));
        for (Task t : tasks) {
            seen.add(t.toString());
            seen.add(t.await(WAIT).toString());
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return t + "\n" + w;
    }

    private static String readFrom(Path file, long offset) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(offset);
            byte[] rest = new byte[(int) (f.length() - offset)];
            f.readFully(rest);
            return new String(rest, StandardCharsets.UTF_8);
        }
    }
}
