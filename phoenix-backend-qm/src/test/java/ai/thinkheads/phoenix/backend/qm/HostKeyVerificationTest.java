package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host keys against a real SSH server: known, unknown, changed, negated, wildcard, revoked, pinned, wrongly pinned. */
class HostKeyVerificationTest {

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

    private static SshCommandRunner.Builder base() {
        return SshCommandRunner.builder().host("127.0.0.1").port(sshd.port()).user(TestSshd.USER).password(TestSshd.PASSWORD);
    }

    @Test
    void aKeyListedInKnownHostsConnects() throws Exception {
        try (SshCommandRunner runner = base().knownHosts(sshd.knownHosts()).build()) {
            CommandResult r = runner.run(List.of("hostname"), new byte[0]);
            assertEquals(0, r.exitCode());
            assertEquals(TestSshd.NODE + ".example.org\n", r.stdout());
        }
    }

    @Test
    void hashedKnownHostsEntriesWork() throws Exception {
        Path hashed = sshd.hashedKnownHosts(sshd.hostPublicKey(), "hashed_known_hosts");
        assertTrue(Files.readString(hashed).startsWith("|1|"), "the entry is hashed");
        try (SshCommandRunner runner = base().knownHosts(hashed).build()) {
            assertEquals(0, runner.run(List.of("true"), new byte[0]).exitCode());
        }
    }

    @Test
    void aHostMissingFromKnownHostsIsRefusedWithTheOfferedFingerprint() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty_known_hosts"), "");
        try (SshCommandRunner runner = base().knownHosts(empty).build()) {
            HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                    () -> runner.run(List.of("hostname"), new byte[0]));
            assertEquals(HostKeyRejectedException.Reason.UNKNOWN, e.reason());
            assertEquals(sshd.hostKeyFingerprint(), e.offeredFingerprint());
            assertTrue(e.getMessage().contains(sshd.hostKeyFingerprint()), e.getMessage());
            assertFalse(e.requestSent());
        }
        assertEquals("", Files.readString(empty), "nothing may be learned into known_hosts");
    }

    @Test
    void aChangedKeyIsRefusedWithTheOfferedFingerprint() throws Exception {
        Path other = sshd.knownHosts(TestSshd.ecKey().getPublic(), "other_known_hosts");
        String before = Files.readString(other);
        try (SshCommandRunner runner = base().knownHosts(other).build()) {
            HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                    () -> runner.run(List.of("hostname"), new byte[0]));
            assertEquals(HostKeyRejectedException.Reason.CHANGED, e.reason());
            assertTrue(e.getMessage().contains("CHANGED"), e.getMessage());
            assertTrue(e.getMessage().contains(sshd.hostKeyFingerprint()), e.getMessage());
        }
        assertEquals(before, Files.readString(other), "known_hosts must not be rewritten");
    }

    /** The server's key as a known_hosts key field: type and base64 blob. */
    private static String keyField() {
        return org.apache.sshd.common.config.keys.PublicKeyEntry.toString(sshd.hostPublicKey());
    }

    @Test
    void aNegatedPatternThatMatchesTheHostMakesTheLineNotApply() throws Exception {
        // OpenSSH match_pattern_list: a matching negated pattern wins over every positive one
        String name = "[127.0.0.1]:" + sshd.port();
        Path negated = Files.writeString(dir.resolve("negated_known_hosts"), "!" + name + "," + name + " " + keyField() + "\n");
        try (SshCommandRunner runner = base().knownHosts(negated).build()) {
            HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                    () -> runner.run(List.of("true"), new byte[0]));
            assertEquals(HostKeyRejectedException.Reason.UNKNOWN, e.reason());
        }
        Path wildcard = Files.writeString(dir.resolve("wildcard_known_hosts"),
                "[127.0.0.?]:*,!bastion.example.org " + keyField() + "\n");
        try (SshCommandRunner runner = base().knownHosts(wildcard).build()) {
            assertEquals(0, runner.run(List.of("true"), new byte[0]).exitCode());
        }
    }

    @Test
    void aRevokedKeyIsRefusedAsRevokedWithItsFingerprint() throws Exception {
        String name = "[127.0.0.1]:" + sshd.port();
        Path revoked = Files.writeString(dir.resolve("revoked_known_hosts"),
                name + " " + keyField() + "\n@revoked * " + keyField() + "\n");
        try (SshCommandRunner runner = base().knownHosts(revoked).build()) {
            HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                    () -> runner.run(List.of("true"), new byte[0]));
            assertEquals(HostKeyRejectedException.Reason.REVOKED, e.reason());
            assertTrue(e.getMessage().contains("revoked"), e.getMessage());
            assertEquals(sshd.hostKeyFingerprint(), e.offeredFingerprint());
            assertTrue(e.getMessage().contains(sshd.hostKeyFingerprint()), e.getMessage());
        }
    }

    @Test
    void thePinnedFingerprintConnects() {
        try (SshCommandRunner runner = base().hostKeyFingerprint(sshd.hostKeyFingerprint()).build()) {
            assertEquals(0, runner.run(List.of("hostname"), new byte[0]).exitCode());
        }
    }

    @Test
    void aWrongPinIsRefusedWithTheOfferedFingerprint() {
        String wrong = HostKeyPolicy.fingerprintOf(new byte[] {1, 2, 3});
        try (SshCommandRunner runner = base().hostKeyFingerprint(wrong).build()) {
            HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                    () -> runner.run(List.of("hostname"), new byte[0]));
            assertEquals(sshd.hostKeyFingerprint(), e.offeredFingerprint());
            assertTrue(e.getMessage().contains(sshd.hostKeyFingerprint()), e.getMessage());
        }
    }

    @Test
    void aMalformedPinIsRejectedByTheBuilder() {
        assertThrows(IllegalArgumentException.class, () -> base().hostKeyFingerprint("MD5:aa:bb"));
        assertThrows(IllegalArgumentException.class, () -> base().hostKeyFingerprint("SHA256:tooShort"));
    }

    @Test
    void withoutAHostKeyPolicyThereIsNoRunner() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> base().build());
        assertTrue(e.getMessage().contains("host keys must be verified"), e.getMessage());
    }
}
