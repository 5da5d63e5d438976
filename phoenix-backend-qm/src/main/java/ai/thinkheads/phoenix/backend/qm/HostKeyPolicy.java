package ai.thinkheads.phoenix.backend.qm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which SSH host keys to trust: the keys in an OpenSSH {@code known_hosts} file (read as OpenSSH
 * reads it, see {@link KnownHostsFile}), or exactly one key
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

    /**
     * Trust the keys in {@code file}, matched as OpenSSH matches them ({@link KnownHostsFile}):
     * hashed host names, {@code [host]:port} entries, wildcards and negated patterns; a key on an
     * {@code @revoked} line is refused.
     */
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

    /**
     * How {@code key} (an SSH public key blob) offered by the server known to OpenSSH as
     * {@code name} ({@code host} or {@code [host]:port}) stands with this policy.
     */
    abstract KnownHostsFile.Verdict verdict(String name, byte[] key);

    /** The trusted keys for {@code name}, so the client can ask the server for one of their types. */
    abstract List<byte[]> trustedKeys(String name);

    static final class KnownHosts extends HostKeyPolicy {
        private final KnownHostsFile file;

        KnownHosts(Path file) {
            if (file == null || !Files.isRegularFile(file)) {
                throw new IllegalArgumentException("knownHosts: not a readable file: " + file);
            }
            this.file = new KnownHostsFile(file);
        }

        @Override
        KnownHostsFile.Verdict verdict(String name, byte[] key) {
            return file.check(name, key);
        }

        @Override
        List<byte[]> trustedKeys(String name) {
            return file.trustedKeys(name);
        }

        @Override
        public String toString() {
            return "known_hosts " + file.file();
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
        KnownHostsFile.Verdict verdict(String name, byte[] key) {
            byte[] a = fingerprintOf(key).getBytes(StandardCharsets.US_ASCII);
            byte[] b = fingerprint.getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(a, b) ? KnownHostsFile.Verdict.OK : KnownHostsFile.Verdict.UNKNOWN;
        }

        @Override
        List<byte[]> trustedKeys(String name) {
            return List.of();
        }

        @Override
        public String toString() {
            return "pinned " + fingerprint;
        }
    }
}
