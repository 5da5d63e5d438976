package ai.thinkheads.phoenix.testkit.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.testkit.simulator.ssh.PersistentHostKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone simulator keeps its SSH host key across runs, so a client pins it once. */
class StandaloneHostKeyTest {

    @TempDir
    Path dir;

    private String fingerprintOfAStart(Path keyFile) {
        try (PveSimulator sim = PveSimulator.standalone(new String[0], keyFile).build().start()) {
            return sim.sshHostKeyFingerprint();
        }
    }

    @Test
    void twoStartsReportTheSameFingerprint() throws Exception {
        Path keyFile = dir.resolve("sub").resolve("ssh_host_ecdsa_key");
        String first = fingerprintOfAStart(keyFile);
        assertTrue(Files.readString(keyFile).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"), "an OpenSSH key file");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        String second = fingerprintOfAStart(keyFile);
        assertTrue(first.startsWith("SHA256:"), first);
        assertEquals(first, second);
    }

    @Test
    void anotherFileIsAnotherKey() {
        assertNotEquals(fingerprintOfAStart(dir.resolve("a")), fingerprintOfAStart(dir.resolve("b")));
    }

    @Test
    void theDefaultFileIsUnderTheHomeDirectoryUnlessOverridden() {
        String before = System.getProperty(PersistentHostKey.PROPERTY);
        try {
            System.clearProperty(PersistentHostKey.PROPERTY);
            assertEquals(Path.of(System.getProperty("user.home"), ".phoenix", "pve-simulator", "ssh_host_ecdsa_key"),
                    PersistentHostKey.defaultFile());
            System.setProperty(PersistentHostKey.PROPERTY, dir.resolve("k").toString());
            assertEquals(dir.resolve("k"), PersistentHostKey.defaultFile());
        } finally {
            if (before == null) {
                System.clearProperty(PersistentHostKey.PROPERTY);
            } else {
                System.setProperty(PersistentHostKey.PROPERTY, before);
            }
        }
    }
}
