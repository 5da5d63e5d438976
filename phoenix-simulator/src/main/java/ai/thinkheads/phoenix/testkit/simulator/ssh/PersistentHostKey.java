package ai.thinkheads.phoenix.testkit.simulator.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * The standalone simulator's SSH host key, kept in a file so that it stays the same from run to
 * run and a client pins it once (as {@code /etc/ssh/ssh_host_ecdsa_key} stays on a node).
 *
 * <p>{@link #loadOrCreate} reads the key if the file exists, and otherwise generates an ECDSA
 * P-256 key and writes it there (OpenSSH format, unencrypted, mode 0600 where POSIX permissions
 * exist). The default file is {@link #defaultFile()}: {@code ~/.phoenix/pve-simulator/ssh_host_ecdsa_key},
 * or the path in the system property {@value #PROPERTY}. It is a test server's key: it guards
 * nothing but the simulator.
 */
public final class PersistentHostKey {

    /** System property naming another host-key file. */
    public static final String PROPERTY = "phoenix.simulator.hostKey";

    private PersistentHostKey() {
    }

    /** {@value #PROPERTY} if set, else {@code ~/.phoenix/pve-simulator/ssh_host_ecdsa_key}. */
    public static Path defaultFile() {
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return Path.of(System.getProperty("user.home"), ".phoenix", "pve-simulator", "ssh_host_ecdsa_key");
    }

    /**
     * The key in {@code file}, generated and written there first if the file does not exist.
     *
     * @throws UncheckedIOException when the file cannot be read, holds no key, or cannot be written
     */
    public static KeyPair loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                Iterator<KeyPair> keys = new FileKeyPairProvider(file).loadKeys(null).iterator();
                if (!keys.hasNext()) {
                    throw new IOException("no key in " + file);
                }
                return keys.next();
            }
            KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".host-key", ".tmp");
            try {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the file keeps its default permissions
                }
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "phoenix pve-simulator", null, out);
                }
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load or create the simulator's SSH host key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new UncheckedIOException(new IOException("cannot load or create the simulator's SSH host key " + file, e));
        }
    }
}
