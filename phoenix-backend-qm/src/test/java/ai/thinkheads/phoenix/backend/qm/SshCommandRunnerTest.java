package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.AuthenticationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SSH transport against a real server: authentication, session reuse, reconnects, timeouts, sudo. */
class SshCommandRunnerTest {

    @TempDir
    static Path dir;
    static TestSshd sshd;

    @BeforeAll
    static void startServer() throws Exception {
        sshd = TestSshd.start(dir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        sshd.close();
    }

    @BeforeEach
    void clear() {
        sshd.clearCalls();
    }

    @Test
    void exitStatusStdoutAndStderrComeBack() throws Exception {
        try (SshCommandRunner runner = sshd.runner().build()) {
            CommandResult r = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), new byte[0]);
            assertEquals(new CommandResult(3, "out\n", "err\n"), r);
        }
    }

    @Test
    void stdinIsDeliveredAndEndsWithEof() throws Exception {
        try (SshCommandRunner runner = sshd.runner().build()) {
            CommandResult r = runner.run(List.of("cat"), "line1\nline2".getBytes(StandardCharsets.UTF_8));
            assertEquals("line1\nline2", r.stdout());
            assertEquals("", runner.run(List.of("cat"), new byte[0]).stdout());
        }
    }

    @Test
    void writeFileStreamsStdinToCatBehindAQuotedRedirection() throws Exception {
        byte[] content = new byte[70_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        // a hostile name: the shell must see one word, create exactly this file and run nothing else
        java.nio.file.Path target = dir.resolve("it's $(touch pwned) `x` a file.iso");
        try (SshCommandRunner runner = sshd.runner().build()) {
            CommandResult r = runner.writeFile(target.toString(), content);
            assertEquals(0, r.exitCode(), r.stderr());
            org.junit.jupiter.api.Assertions.assertArrayEquals(content, java.nio.file.Files.readAllBytes(target));
            org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(dir.resolve("pwned")));
            // replaces: a shorter second write leaves only its bytes
            runner.writeFile(target.toString(), new byte[] {42});
            org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {42}, java.nio.file.Files.readAllBytes(target));
            CommandResult missing = runner.writeFile(dir.resolve("no-such-dir/x").toString(), new byte[] {1});
            assertTrue(missing.exitCode() != 0 && missing.stderr().contains("no-such-dir"), missing.toString());
        }
    }

    @Test
    void anInterruptedUploadKeepsTheOldFile() throws Exception {
        Path target = dir.resolve("interrupted.iso");
        byte[] old = "the previous content".getBytes(StandardCharsets.UTF_8);
        java.nio.file.Files.write(target, old);
        byte[] big = new byte[64 << 20];
        java.util.Arrays.fill(big, (byte) 'x');
        Thread dropper = new Thread(() -> {
            // drop the connection once the upload is under way (a part of it is on the server)
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < until) {
                try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
                    if (files.anyMatch(p -> p.getFileName().toString().endsWith(".part") && p.toFile().length() > (1 << 20))) {
                        sshd.dropAllSessions();
                        return;
                    }
                    Thread.sleep(2);
                } catch (Exception e) {
                    return;
                }
            }
        });
        dropper.start();
        try (SshCommandRunner runner = sshd.runner().build()) {
            ai.thinkheads.phoenix.hypervisor.TransportException e = assertThrows(
                    ai.thinkheads.phoenix.hypervisor.TransportException.class, () -> runner.writeFile(target.toString(), big));
            assertTrue(e.getMessage().contains("lost"), e.getMessage());
        } finally {
            dropper.join();
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(old, java.nio.file.Files.readAllBytes(target),
                "the old file is untouched: the upload went to a temporary file");
    }

    @Test
    void theAtomicWriteRemovesItsTemporaryFileAndKeepsTheTargetWhenBytesAreMissing() throws Exception {
        // what happens on the node when the connection ends stdin early: cat succeeds, the count does not
        Path target = dir.resolve("atomic.yaml");
        java.nio.file.Files.writeString(target, "old");
        Path temp = dir.resolve(".atomic.yaml.phoenix-0123456789ab.part");
        Process p = new ProcessBuilder("/bin/sh", "-c", SshCommandRunner.ATOMIC_WRITE, SshCommandRunner.ATOMIC_WRITE_NAME,
                "10", temp.toString(), target.toString()).start();
        p.getOutputStream().write("12345".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor());
        assertEquals("phoenix-upload: only 5 of 10 bytes arrived; " + target + " is unchanged\n", err);
        assertEquals("old", java.nio.file.Files.readString(target));
        assertFalse(java.nio.file.Files.exists(temp), "the temporary file is removed");
        // and when all bytes arrive, the temporary file becomes the target
        Process ok = new ProcessBuilder("/bin/sh", "-c", SshCommandRunner.ATOMIC_WRITE, SshCommandRunner.ATOMIC_WRITE_NAME,
                "5", temp.toString(), target.toString()).start();
        ok.getOutputStream().write("12345".getBytes(StandardCharsets.UTF_8));
        ok.getOutputStream().close();
        assertEquals(0, ok.waitFor());
        assertEquals("12345", java.nio.file.Files.readString(target));
        assertFalse(java.nio.file.Files.exists(temp));
    }

    @Test
    void aReplyLargerThanTheLimitIsCutOffAndSaidSo() throws Exception {
        try (SshCommandRunner runner = sshd.runner().maxOutputBytes(64 * 1024).build()) {
            OutputTooLargeException e = assertThrows(OutputTooLargeException.class,
                    () -> runner.run(List.of("head", "-c", "50000000", "/dev/zero"), new byte[0]));
            assertTrue(e.getMessage().contains("more than 65536 bytes on stdout"), e.getMessage());
            assertTrue(e.requestSent());
            // the session is still good
            assertEquals("ok\n", runner.run(List.of("echo", "ok"), new byte[0]).stdout());
            assertEquals(1000, runner.run(List.of("head", "-c", "1000", "/dev/zero"), new byte[0]).stdout().length());
        }
    }

    @Test
    void aDroppedConnectionIsReportedAsLostNotAsASignal() throws Exception {
        try (SshCommandRunner runner = sshd.runner().build()) {
            assertEquals(0, runner.run(List.of("true"), new byte[0]).exitCode());
            Path started = dir.resolve("sleeper-started");
            Thread dropper = new Thread(() -> {
                // drop the connection once the command runs on the server
                long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (!java.nio.file.Files.exists(started) && System.nanoTime() < until) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                sshd.dropAllSessions();
            });
            dropper.start();
            ai.thinkheads.phoenix.hypervisor.TransportException e = assertThrows(
                    ai.thinkheads.phoenix.hypervisor.TransportException.class,
                    () -> runner.run(List.of("sh", "-c", "touch \"$0\"; sleep 20", started.toString()), new byte[0]));
            dropper.join();
            assertTrue(e.getMessage().contains("connection to 127.0.0.1:" + sshd.port() + " was lost while sh was running"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("signal"), e.getMessage());
            assertTrue(e.requestSent(), "its effect is unknown");
        }
    }

    @Test
    void oneSessionServesManyCommands() throws Exception {
        int before = sshd.sessionsCreated.get();
        try (SshCommandRunner runner = sshd.runner().build()) {
            for (int i = 0; i < 5; i++) {
                assertEquals(0, runner.run(List.of("true"), new byte[0]).exitCode());
            }
        }
        assertEquals(1, sshd.sessionsCreated.get() - before);
    }

    @Test
    void concurrentCommandsShareTheSessionWithAChannelEach() throws Exception {
        int before = sshd.sessionsCreated.get();
        try (SshCommandRunner runner = sshd.runner().build()) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<CommandResult>> results = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String word = "w" + i;
                    results.add(pool.submit(() -> runner.run(List.of("echo", word), new byte[0])));
                }
                for (int i = 0; i < 8; i++) {
                    assertEquals("w" + i + "\n", results.get(i).get().stdout());
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertEquals(1, sshd.sessionsCreated.get() - before);
    }

    @Test
    void aDroppedSessionIsReconnected() throws Exception {
        int before = sshd.sessionsCreated.get();
        // JSch may wait out the channel-open timeout on a session that died a moment ago; keep it short here
        try (SshCommandRunner runner = sshd.runner().connectTimeout(Duration.ofSeconds(2)).build()) {
            assertEquals(0, runner.run(List.of("true"), new byte[0]).exitCode());
            sshd.dropAllSessions();
            assertEquals("again\n", runner.run(List.of("echo", "again"), new byte[0]).stdout());
        }
        assertEquals(2, sshd.sessionsCreated.get() - before);
    }

    @Test
    void aCommandThatRunsTooLongTimesOut() throws Exception {
        try (SshCommandRunner runner = sshd.runner().commandTimeout(Duration.ofMillis(200)).build()) {
            CommandTimeoutException e = assertThrows(CommandTimeoutException.class,
                    () -> runner.run(List.of("sleep", "30"), new byte[0]));
            assertTrue(e.requestSent());
            // the session survives a timed-out channel
            assertEquals(0, runner.run(List.of("true"), new byte[0]).exitCode());
        }
    }

    @Test
    void sudoPrefixesEveryCommand() throws Exception {
        try (SshCommandRunner runner = sshd.runner().sudo(true).build()) {
            assertEquals(0, runner.run(List.of("qm", "list"), new byte[0]).exitCode());
        }
        List<TestSshd.Call> calls = sshd.calls();
        assertEquals(2, calls.size());
        assertEquals("sudo", calls.get(0).program());
        assertEquals(List.of("-n", "--", "qm", "list"), calls.get(0).argStrings());
        assertEquals(List.of("list"), calls.get(1).argStrings());
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailureThatDoesNotQuoteIt() throws Exception {
        String wrong = "wrong-Passw0rd-xyz";
        try (SshCommandRunner runner = SshCommandRunner.builder().host("127.0.0.1").port(sshd.port()).user(TestSshd.USER)
                .password(wrong).knownHosts(sshd.knownHosts()).build()) {
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> runner.run(List.of("true"), new byte[0]));
            assertFalse(e.getMessage().contains(wrong), e.getMessage());
            assertFalse(runner.toString().contains(wrong));
        }
    }

    @Test
    void anOverlongCommandLineIsRefusedBeforeSending() throws Exception {
        try (SshCommandRunner runner = sshd.runner().build()) {
            assertThrows(IllegalArgumentException.class,
                    () -> runner.run(List.of("echo", "x".repeat(SshCommandRunner.MAX_COMMAND_LINE)), new byte[0]));
        }
        assertTrue(sshd.calls().isEmpty());
    }

    @ParameterizedTest
    @CsvSource({"ed25519, 0, key pass phrase", "ecdsa, 256, ''", "rsa, 3072, another-passphrase"})
    void openSshPrivateKeysLogIn(String type, int bits, String passphrase) throws Exception {
        String pass = passphrase.isEmpty() ? null : passphrase;
        Path key = TestSshd.sshKeygen(dir, type, bits, pass);
        sshd.authorize(Path.of(key + ".pub"));
        try (SshCommandRunner runner = SshCommandRunner.builder().host("127.0.0.1").port(sshd.port()).user(TestSshd.USER)
                .privateKey(key, pass).knownHosts(sshd.knownHosts()).build()) {
            assertEquals(TestSshd.NODE + ".example.org\n", runner.run(List.of("hostname"), new byte[0]).stdout());
        }
    }

    @Test
    void anEncryptedKeyNeedsTheRightPassphrase() throws Exception {
        Path key = TestSshd.sshKeygen(dir, "ed25519", 0, "right-phrase");
        SshCommandRunner.Builder b = sshd.runner();
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> SshCommandRunner.builder().host("127.0.0.1").port(sshd.port()).user(TestSshd.USER)
                        .privateKey(key, "wrong-phrase").knownHosts(sshd.knownHosts()).build());
        assertFalse(wrong.getMessage().contains("wrong-phrase"));
        assertThrows(IllegalArgumentException.class,
                () -> SshCommandRunner.builder().host("127.0.0.1").port(sshd.port()).user(TestSshd.USER)
                        .privateKey(key).knownHosts(sshd.knownHosts()).build());
        assertTrue(b.toString().contains(TestSshd.USER));
    }

    @Test
    void anUnauthorizedKeyIsAnAuthenticationFailure() throws Exception {
        Path authorized = TestSshd.sshKeygen(dir, "ed25519", 0, null);
        Path other = TestSshd.sshKeygen(dir, "ed25519", 0, null);
        sshd.authorize(Path.of(authorized + ".pub"));
        try (SshCommandRunner runner = SshCommandRunner.builder().host("127.0.0.1").port(sshd.port()).user(TestSshd.USER)
                .privateKey(other).knownHosts(sshd.knownHosts()).build()) {
            assertThrows(AuthenticationException.class, () -> runner.run(List.of("true"), new byte[0]));
        }
    }

    @Test
    void builderValidatesEachArgumentAndTheWhole() {
        assertThrows(IllegalArgumentException.class, () -> SshCommandRunner.builder().port(0));
        assertThrows(IllegalArgumentException.class, () -> SshCommandRunner.builder().host("a b"));
        assertThrows(IllegalArgumentException.class, () -> SshCommandRunner.builder().user(""));
        assertThrows(IllegalArgumentException.class, () -> SshCommandRunner.builder().password(""));
        assertThrows(IllegalArgumentException.class, () -> SshCommandRunner.builder().commandTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> SshCommandRunner.builder().privateKey(dir.resolve("missing")));
        assertThrows(IllegalStateException.class, () -> SshCommandRunner.builder().host("h").user("u").build());
        assertThrows(IllegalStateException.class,
                () -> SshCommandRunner.builder().host("h").user("u").password("p").build());
    }

    @Test
    void aClosedRunnerRefusesCommands() throws Exception {
        SshCommandRunner runner = sshd.runner().build();
        runner.close();
        runner.close();
        assertThrows(IllegalStateException.class, () -> runner.run(List.of("true"), new byte[0]));
    }
}
