package ai.thinkheads.phoenix.backend.qm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link QmHypervisor} reaches its node over SSH: one immutable value, built once and handed
 * to {@link QmHypervisor.Builder#ssh(SshSettings)}.
 *
 * <pre>{@code
 * SshSettings ssh = SshSettings.builder()
 *         .host("pve1.example.org")
 *         .user("root")
 *         .privateKey(Path.of("/home/me/.ssh/id_ed25519"), passphrase)   // or .password(...)
 *         .knownHosts(Path.of("/home/me/.ssh/known_hosts"))              // or .hostKeyFingerprint("SHA256:...")
 *         .build();
 * }</pre>
 *
 * <p>Required: the host, the user, exactly one of password and private key, and which host keys
 * to trust ({@link HostKeyPolicy}: a {@code known_hosts} file or one pinned fingerprint; there is
 * no trust on first use). Defaults: port 22, no {@code sudo}, connect timeout 15 s, command timeout
 * 15 min (clones and creates copy disks), keep-alive every 15 s. Each builder method checks its
 * argument at once; {@link Builder#build()} checks the combination.
 *
 * <p>The password and passphrase never appear in {@link #toString()} nor in any message.
 */
public final class SshSettings {

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Path privateKey;
    private final String passphrase;
    private final HostKeyPolicy hostKeys;
    private final boolean sudo;
    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final Duration keepAliveInterval;

    private SshSettings(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.user = b.user;
        this.password = b.password;
        this.privateKey = b.privateKey;
        this.passphrase = b.passphrase;
        this.hostKeys = b.hostKeys;
        this.sudo = b.sudo;
        this.connectTimeout = b.connectTimeout;
        this.commandTimeout = b.commandTimeout;
        this.keepAliveInterval = b.keepAliveInterval;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive changed ones. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.user = user;
        b.password = password;
        b.privateKey = privateKey;
        b.passphrase = passphrase;
        b.hostKeys = hostKeys;
        b.sudo = sudo;
        b.connectTimeout = connectTimeout;
        b.commandTimeout = commandTimeout;
        b.keepAliveInterval = keepAliveInterval;
        return b;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    /** Whether the user logs in with a password (else with {@link #privateKey()}). */
    public boolean usesPassword() {
        return password != null;
    }

    /** The private key file, when the user logs in with a key. */
    public Optional<Path> privateKey() {
        return Optional.ofNullable(privateKey);
    }

    public HostKeyPolicy hostKeys() {
        return hostKeys;
    }

    public boolean sudo() {
        return sudo;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration commandTimeout() {
        return commandTimeout;
    }

    public Duration keepAliveInterval() {
        return keepAliveInterval;
    }

    /** The SSH runner these settings describe; nothing connects until its first command. */
    SshCommandRunner runner() {
        SshCommandRunner.Builder b = SshCommandRunner.builder().host(host).port(port).user(user).hostKeys(hostKeys)
                .sudo(sudo).connectTimeout(connectTimeout).commandTimeout(commandTimeout)
                .keepAliveInterval(keepAliveInterval);
        if (password != null) {
            b.password(password);
        } else {
            b.privateKey(privateKey, passphrase);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "SshSettings[" + user + "@" + host + ":" + port + ", auth="
                + (password != null ? "password" : "publickey " + privateKey) + ", hostKeys=" + hostKeys
                + (sudo ? ", sudo" : "") + "]";
    }

    /** Configures {@link SshSettings}. */
    public static final class Builder {
        private String host;
        private int port = 22;
        private String user;
        private String password;
        private Path privateKey;
        private String passphrase;
        private HostKeyPolicy hostKeys;
        private boolean sudo;
        private Duration connectTimeout = Duration.ofSeconds(15);
        private Duration commandTimeout = Duration.ofMinutes(15);
        private Duration keepAliveInterval = Duration.ofSeconds(15);

        private Builder() {
        }

        /** The node's host name or address. */
        public Builder host(String value) {
            if (value == null || value.isBlank() || value.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("host: must be a host name or address");
            }
            this.host = value;
            return this;
        }

        public Builder port(int value) {
            if (value < 1 || value > 65535) {
                throw new IllegalArgumentException("port: must be 1..65535, got " + value);
            }
            this.port = value;
            return this;
        }

        public Builder user(String value) {
            if (value == null || value.isBlank() || value.chars().anyMatch(c -> Character.isWhitespace(c) || c == 0)) {
                throw new IllegalArgumentException("user: must be a user name");
            }
            this.user = value;
            return this;
        }

        /** Log in with this password (instead of a private key). */
        public Builder password(String value) {
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("password: must not be empty");
            }
            this.password = value;
            this.privateKey = null;
            this.passphrase = null;
            return this;
        }

        /** An unencrypted OpenSSH/PEM private key file (ed25519, ECDSA, RSA), instead of a password. */
        public Builder privateKey(Path file) {
            return privateKey(file, null);
        }

        /** A private key file and its passphrase (null for an unencrypted key), instead of a password. */
        public Builder privateKey(Path file, String keyPassphrase) {
            if (file == null || !Files.isReadable(file)) {
                throw new IllegalArgumentException("privateKey: not a readable file: " + file);
            }
            if (keyPassphrase != null && keyPassphrase.isEmpty()) {
                throw new IllegalArgumentException("privateKey: an empty passphrase; pass null for an unencrypted key");
            }
            this.privateKey = file;
            this.passphrase = keyPassphrase;
            this.password = null;
            return this;
        }

        /** Which host keys to trust. */
        public Builder hostKeys(HostKeyPolicy policy) {
            this.hostKeys = Objects.requireNonNull(policy, "hostKeys");
            return this;
        }

        /** Trust the host keys in this OpenSSH {@code known_hosts} file. */
        public Builder knownHosts(Path file) {
            return hostKeys(HostKeyPolicy.knownHosts(file));
        }

        /** Trust exactly the host key with this {@code SHA256:...} fingerprint. */
        public Builder hostKeyFingerprint(String fingerprint) {
            return hostKeys(HostKeyPolicy.fingerprint(fingerprint));
        }

        /** Run every command through {@code sudo -n} (for a non-root user; sudo must not ask for a password). */
        public Builder sudo(boolean value) {
            this.sudo = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive("connectTimeout", value);
            return this;
        }

        /** How long one command may take (15 minutes by default: clones and creates copy disks). */
        public Builder commandTimeout(Duration value) {
            this.commandTimeout = positive("commandTimeout", value);
            return this;
        }

        public Builder keepAliveInterval(Duration value) {
            this.keepAliveInterval = positive("keepAliveInterval", value);
            return this;
        }

        private static Duration positive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + ": must be positive (and under 24 days)");
            }
            return value;
        }

        public SshSettings build() {
            if (host == null) {
                throw new IllegalStateException("host is required");
            }
            if (user == null) {
                throw new IllegalStateException("user is required");
            }
            if (password == null && privateKey == null) {
                throw new IllegalStateException("set one of password and privateKey");
            }
            if (hostKeys == null) {
                throw new IllegalStateException("host keys must be verified: set knownHosts or hostKeyFingerprint");
            }
            return new SshSettings(this);
        }

        @Override
        public String toString() {
            return "SshSettings.Builder[" + user + "@" + host + ":" + port + "]";
        }
    }
}
