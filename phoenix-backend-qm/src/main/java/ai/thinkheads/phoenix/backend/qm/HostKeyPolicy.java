package ai.thinkheads.phoenix.backend.qm;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Which SSH host keys to trust: the keys in an OpenSSH {@code known_hosts} file, or exactly one key
 * given by its fingerprint. There is no third option: no trust on first use, and
 * {@code StrictHostKeyChecking} is always {@code yes}.
 *
 * <pre>{@code
 * HostKeyPolicy.knownHosts(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
 * HostKeyPolicy.fingerprint("SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s");
 * }</pre>
 * A fingerprint is written as {@code ssh-keygen -l} prints it: {@code SHA256:} and the unpadded
 * base64 of the SHA-256 of the key blob.
 *
 * <p>With {@code known_hosts}, JSch prefers the key types recorded for the host
 * ({@code prefer_known_host_key_types}). A pin names no key type, so the server presents its
 * preferred key (usually ed25519): pin that one ({@code ssh-keygen -lf
 * /etc/ssh/ssh_host_ed25519_key.pub} on the node). A refusal names the type and fingerprint it
 * was offered.
 */
public abstract sealed class HostKeyPolicy permits HostKeyPolicy.KnownHosts, HostKeyPolicy.Pinned {

    private static final Pattern FINGERPRINT = Pattern.compile("^SHA256:[A-Za-z0-9+/]{43}$");

    private HostKeyPolicy() {
    }

    /** Trust the keys in {@code file} (hashed host names and {@code [host]:port} entries work). */
    public static HostKeyPolicy knownHosts(Path file) {
        return new KnownHosts(file);
    }

    /** Trust only the key with this fingerprint, e.g. {@code SHA256:uNiVzt...}. */
    public static HostKeyPolicy fingerprint(String fingerprint) {
        return new Pinned(fingerprint);
    }

    /** {@code SHA256:<base64 without padding>} of a public key blob, as {@code ssh-keygen -l} prints it. */
    public static String fingerprintOf(byte[] keyBlob) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(keyBlob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A repository for JSch that answers per this policy. */
    abstract HostKeyRepository repository(JSch jsch) throws JSchException;

    static final class KnownHosts extends HostKeyPolicy {
        private final Path file;

        KnownHosts(Path file) {
            if (file == null || !Files.isRegularFile(file)) {
                throw new IllegalArgumentException("knownHosts: not a readable file: " + file);
            }
            this.file = file;
        }

        @Override
        HostKeyRepository repository(JSch jsch) throws JSchException {
            jsch.setKnownHosts(file.toString());
            return jsch.getHostKeyRepository();
        }

        @Override
        public String toString() {
            return "known_hosts " + file;
        }
    }

    static final class Pinned extends HostKeyPolicy {
        private final String fingerprint;

        Pinned(String fingerprint) {
            if (fingerprint == null || !FINGERPRINT.matcher(fingerprint).matches()) {
                throw new IllegalArgumentException(
                        "hostKeyFingerprint: expected SHA256: and 43 base64 characters, as ssh-keygen -l prints it");
            }
            this.fingerprint = fingerprint;
        }

        @Override
        HostKeyRepository repository(JSch jsch) {
            return new HostKeyRepository() {
                @Override
                public int check(String host, byte[] key) {
                    byte[] a = fingerprintOf(key).getBytes(StandardCharsets.US_ASCII);
                    byte[] b = fingerprint.getBytes(StandardCharsets.US_ASCII);
                    return MessageDigest.isEqual(a, b) ? OK : NOT_INCLUDED;
                }

                @Override
                public void add(HostKey hostkey, UserInfo ui) {
                    // never learn keys
                }

                @Override
                public void remove(String host, String type) {
                }

                @Override
                public void remove(String host, String type, byte[] key) {
                }

                @Override
                public String getKnownHostsRepositoryID() {
                    return "pinned " + fingerprint;
                }

                @Override
                public HostKey[] getHostKey() {
                    return new HostKey[0];
                }

                @Override
                public HostKey[] getHostKey(String host, String type) {
                    return new HostKey[0];
                }
            };
        }

        @Override
        public String toString() {
            return "pinned " + fingerprint;
        }
    }
}
