package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.AuthenticationException;
import ai.thinkheads.phoenix.hypervisor.OperationInterruptedException;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.UserInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CommandRunner} over SSH (JSch): one session, reused, one exec channel per command.
 *
 * <pre>{@code
 * SshCommandRunner ssh = SshCommandRunner.builder()
 *         .host("pve1.example.org").port(22).user("phoenix")
 *         .privateKey(Path.of("id_ed25519"), passphrase)      // or .password(...)
 *         .hostKeys(HostKeyPolicy.knownHosts(Path.of("known_hosts")))
 *         .sudo(true)                                          // "sudo -n --" before every command
 *         .build();
 * CommandResult r = ssh.run(List.of("qm", "list"), new byte[0]);
 * }</pre>
 *
 * <ul>
 *   <li><b>Host keys</b> are verified with {@code StrictHostKeyChecking=yes} against the
 *       {@link HostKeyPolicy} ({@code known_hosts} matched as OpenSSH matches it, see
 *       {@link KnownHostsFile}); an unknown, changed or revoked key throws
 *       {@link HostKeyRejectedException} with the offered key's fingerprint. Nothing is ever added
 *       to a {@code known_hosts} file.</li>
 *   <li><b>Quoting</b>: each argument is single-quoted by {@link ShellQuoting}; the login shell on
 *       the far side turns the line back into exactly these arguments.</li>
 *   <li><b>Session</b>: connected lazily, kept alive ({@code ServerAliveInterval}), and reconnected
 *       when it has dropped. If opening a channel fails the session is rebuilt and the command
 *       tried once more (nothing was run yet); a command that was running when the connection
 *       dropped is not repeated: {@link TransportException#requestSent()} is true.</li>
 *   <li><b>Timeout</b> per command ({@link CommandTimeoutException}); a connection lost while a
 *       command ran is said as such, its effect unknown.</li>
 *   <li><b>Output</b> is read up to {@link Builder#maxOutputBytes} per stream
 *       ({@link OutputTooLargeException} past it).</li>
 *   <li><b>Files</b> are written whole or not at all ({@link #ATOMIC_WRITE}).</li>
 *   <li><b>Secrets</b>: the password and passphrase are never logged or shown by
 *       {@link #toString()}; commands and their output are not logged here at all.</li>
 * </ul>
 */
final class SshCommandRunner implements CommandRunner {

    private static final Logger LOG = LoggerFactory.getLogger(SshCommandRunner.class);
    private static final Duration POLL = Duration.ofMillis(2);
    /** Linux MAX_ARG_STRLEN: the longest single execve argument, including its terminating NUL. */
    static final int MAX_COMMAND_LINE = 128 * 1024;
    /** Default of {@link Builder#maxOutputBytes}. */
    static final int DEFAULT_MAX_OUTPUT = 32 * 1024 * 1024;

    private final String host;
    private final int port;
    private final String user;
    private final byte[] password;
    private final String keyDescription;
    private final HostKeyPolicy hostKeys;
    private final boolean sudo;
    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final Duration keepAlive;
    private final int maxOutput;
    private final JSch jsch;
    private final RecordingRepository repository;

    private Session session;
    private boolean closed;

    private SshCommandRunner(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.user = b.user;
        this.password = b.password == null ? null : b.password.getBytes(StandardCharsets.UTF_8);
        this.keyDescription = b.keyFile == null ? null : b.keyFile.toString();
        this.hostKeys = b.hostKeys;
        this.sudo = b.sudo;
        this.connectTimeout = b.connectTimeout;
        this.commandTimeout = b.commandTimeout;
        this.keepAlive = b.keepAlive;
        this.maxOutput = b.maxOutput;
        this.jsch = new JSch();
        jsch.setInstanceLogger(new JschLogger());
        try {
            this.repository = new RecordingRepository(hostKeys);
            jsch.setHostKeyRepository(repository);
            if (b.keyFile != null) {
                loadKey(b.keyFile, b.passphrase);
            }
        } catch (JSchException e) {
            throw new IllegalArgumentException("cannot set up SSH: " + e.getMessage(), e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private void loadKey(Path file, String passphrase) throws JSchException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("privateKey: cannot read " + file + ": " + e.getMessage(), e);
        }
        KeyPair pair = KeyPair.load(jsch, bytes, null);
        try {
            if (pair.isEncrypted()) {
                if (passphrase == null) {
                    throw new IllegalArgumentException("privateKey: " + file + " is encrypted; give its passphrase");
                }
                if (!pair.decrypt(passphrase.getBytes(StandardCharsets.UTF_8))) {
                    throw new IllegalArgumentException("privateKey: the passphrase does not decrypt " + file);
                }
            }
        } finally {
            pair.dispose();
        }
        jsch.addIdentity(file.toString(), bytes, null,
                passphrase == null ? null : passphrase.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public CommandResult run(List<String> argv, byte[] stdin) {
        return run(argv, stdin, commandTimeout);
    }

    @Override
    public CommandResult run(List<String> argv, byte[] stdin, Duration atLeast) {
        Duration timeout = atLeast != null && atLeast.compareTo(commandTimeout) > 0 ? atLeast : commandTimeout;
        List<String> full = new ArrayList<>();
        if (sudo) {
            full.addAll(List.of("sudo", "-n", "--"));
        }
        full.addAll(argv);
        return runLine(ShellQuoting.commandLine(full), argv.get(0), stdin, timeout);
    }

    /**
     * The script that writes a file without ever leaving it half-written: stdin goes to a
     * temporary file beside the target ({@code $2}), which replaces the target ({@code $3}) by
     * {@code mv} (a rename: atomic within the directory) only if exactly {@code $1} bytes arrived.
     * A connection lost mid-way ends stdin early, so {@code cat} ends early but successfully: the
     * byte count is what tells. On any failure the temporary file is removed and the target keeps
     * its previous content; exit status 1, and a short size mismatch is said on stderr.
     */
    static final String ATOMIC_WRITE = "cat > \"$2\" && n=$(wc -c < \"$2\") && "
            + "if [ \"$n\" -eq \"$1\" ]; then mv -f -- \"$2\" \"$3\"; "
            + "else echo \"$0: only $n of $1 bytes arrived; $3 is unchanged\" >&2; false; fi "
            + "|| { rm -f -- \"$2\"; exit 1; }";
    /** {@code $0} of {@link #ATOMIC_WRITE}, named in its messages (and how the PVE simulator recognises it). */
    static final String ATOMIC_WRITE_NAME = "phoenix-upload";

    /**
     * {@code sh -c} {@link #ATOMIC_WRITE} with the size, a temporary name in the target's directory
     * ({@code .<name>.phoenix-<random>.part}) and the path as its arguments, each quoted; with
     * {@link Builder#sudo sudo}, {@code sudo -n -- sh -c ...}, so the files are written as root.
     * The content goes on stdin and is never logged. An interrupted or failed upload leaves the
     * previous file as it was.
     */
    @Override
    public CommandResult writeFile(String path, byte[] content) {
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "" : path.substring(0, slash + 1);
        String name = path.substring(slash + 1);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("writeFile: not a file path: " + path);
        }
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        StringBuilder hex = new StringBuilder();
        for (byte b : random) {
            hex.append(String.format("%02x", b & 0xff));
        }
        String shortName = name.length() > 200 ? name.substring(0, 200) : name;
        String temp = dir + "." + shortName + ".phoenix-" + hex + ".part";
        List<String> argv = new ArrayList<>();
        if (sudo) {
            argv.addAll(List.of("sudo", "-n", "--"));
        }
        argv.addAll(List.of("sh", "-c", ATOMIC_WRITE, ATOMIC_WRITE_NAME, Integer.toString(content.length), temp, path));
        return runLine(ShellQuoting.commandLine(argv), "writing " + path, content, commandTimeout);
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private CommandResult runLine(String line, String program, byte[] stdin, Duration timeout) {
        byte[] commandLine = line.getBytes(StandardCharsets.UTF_8);
        if (commandLine.length >= MAX_COMMAND_LINE) {
            // sshd runs "$SHELL -c <line>": the line is one execve argument, and Linux caps one
            // argument at MAX_ARG_STRLEN (32 pages = 128 KiB) including its NUL
            throw new IllegalArgumentException("command line of " + commandLine.length
                    + " bytes is too long for the remote shell (limit " + (MAX_COMMAND_LINE - 1) + ")");
        }
        BoundedOutput out = new BoundedOutput(maxOutput);
        BoundedOutput err = new BoundedOutput(maxOutput);
        Opened opened = open(commandLine, stdin == null ? new byte[0] : stdin, out, err);
        ChannelExec channel = opened.channel;
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!channel.isClosed()) {
                if (out.overflowed() || err.overflowed()) {
                    throw new OutputTooLargeException(program + " on " + target(), out.overflowed() ? "stdout" : "stderr",
                            maxOutput);
                }
                if (!opened.session.isConnected()) {
                    drop(opened.session);
                    throw connectionLost(program);
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new CommandTimeoutException(program + " on " + target(), timeout);
                }
                try {
                    Thread.sleep(POLL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new OperationInterruptedException("interrupted while " + program + " ran on " + target(), e);
                }
            }
            if (out.overflowed() || err.overflowed()) {
                throw new OutputTooLargeException(program + " on " + target(), out.overflowed() ? "stdout" : "stderr",
                        maxOutput);
            }
            int exit = channel.getExitStatus();
            if (exit < 0) {
                if (sessionWentDown(opened.session)) {
                    // JSch closes every channel of a session that went down: no exit status came
                    drop(opened.session);
                    throw connectionLost(program);
                }
                throw new TransportException(program + " on " + target()
                        + " ended without an exit status (killed by a signal?); its effect on the node is unknown",
                        true, null);
            }
            return new CommandResult(exit, out.text(), err.text());
        } finally {
            channel.disconnect();
        }
    }

    /**
     * Whether {@code s} is down, after a channel of it closed without an exit status: JSch may see
     * the channel close before its reader thread has noticed the end of the connection, so give it
     * a moment (up to a second) and probe with a keep-alive.
     */
    private static boolean sessionWentDown(Session s) {
        long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        try {
            s.sendKeepAliveMsg();
        } catch (Exception e) {
            return true;
        }
        while (System.nanoTime() - until < 0) {
            if (!s.isConnected()) {
                return true;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !s.isConnected();
            }
        }
        return !s.isConnected();
    }

    private TransportException connectionLost(String program) {
        return new TransportException("the SSH connection to " + target() + " was lost while " + program
                + " was running; its effect on the node is unknown", true, null);
    }

    /**
     * Keeps the first {@code limit} bytes written to it and notes that more came; the runner then
     * stops the command ({@link OutputTooLargeException}). A 50 MB reply is never held whole.
     */
    private static final class BoundedOutput extends java.io.OutputStream {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final long limit;
        private volatile boolean overflowed;

        BoundedOutput(long limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            long room = limit - kept.size();
            if (len > room) {
                overflowed = true;
                kept.write(b, off, (int) Math.max(0, room));
                return;
            }
            kept.write(b, off, len);
        }

        boolean overflowed() {
            return overflowed;
        }

        synchronized String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }

    private record Opened(Session session, ChannelExec channel) {
    }

    /** Opens an exec channel; on failure rebuilds the session and tries once more. */
    private Opened open(byte[] commandLine, byte[] stdin, java.io.OutputStream out, java.io.OutputStream err) {
        JSchException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            Session s = session();
            ChannelExec channel = null;
            try {
                channel = (ChannelExec) s.openChannel("exec");
                if (channel == null) {
                    // JSch's openChannel swallows what went wrong and returns null, e.g. when the
                    // session went down between its own isConnected check and registering the channel
                    throw new JSchException("session is down");
                }
                channel.setCommand(commandLine);
                channel.setInputStream(new ByteArrayInputStream(stdin));
                channel.setOutputStream(out);
                channel.setErrStream(err);
                channel.connect((int) connectTimeout.toMillis());
                return new Opened(s, channel);
            } catch (JSchException e) {
                last = e;
                if (channel != null) {
                    channel.disconnect();
                }
                LOG.debug("opening an exec channel to {} failed ({}); reconnecting", target(), e.getMessage());
                drop(s);
            }
        }
        throw new TransportException("cannot open an SSH channel to " + target() + ": "
                + RemoteText.oneLine(String.valueOf(last.getMessage())), false, last);
    }

    private synchronized Session session() {
        if (closed) {
            throw new IllegalStateException("this runner is closed");
        }
        if (session != null && session.isConnected()) {
            return session;
        }
        session = null;
        Session s;
        try {
            s = jsch.getSession(user, host, port);
            s.setConfig("StrictHostKeyChecking", "yes");
            s.setConfig("PreferredAuthentications", password != null ? "password" : "publickey");
            if (password != null) {
                s.setPassword(password.clone());
            }
            s.setUserInfo(new NoPrompts());
            s.setServerAliveInterval((int) keepAlive.toMillis());
            s.setServerAliveCountMax(3);
        } catch (JSchException e) {
            throw new TransportException("cannot set up an SSH session to " + target() + ": " + e.getMessage(), false, e);
        }
        repository.reset();
        try {
            s.connect((int) connectTimeout.toMillis());
        } catch (JSchException e) {
            Offered offered = repository.offered();
            if (offered != null && offered.verdict != KnownHostsFile.Verdict.OK) {
                throw new HostKeyRejectedException(target(), offered.type, offered.fingerprint,
                        switch (offered.verdict) {
                            case CHANGED -> HostKeyRejectedException.Reason.CHANGED;
                            case REVOKED -> HostKeyRejectedException.Reason.REVOKED;
                            default -> HostKeyRejectedException.Reason.UNKNOWN;
                        }, e);
            }
            String message = String.valueOf(e.getMessage());
            if (message.startsWith("Auth fail") || message.startsWith("Auth cancel")) {
                throw new AuthenticationException("SSH login as " + user + " on " + target() + " failed ("
                        + (password != null ? "password" : "public key " + keyDescription) + ")", e);
            }
            // JSch's message may carry the server's disconnect text: no control characters from it
            throw new TransportException("cannot connect to " + target() + ": " + RemoteText.oneLine(message), false, e);
        }
        LOG.debug("connected to {} as {}", target(), user);
        session = s;
        return s;
    }

    private synchronized void drop(Session s) {
        if (session == s) {
            session = null;
        }
        s.disconnect();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (session != null) {
            session.disconnect();
            session = null;
        }
        if (password != null) {
            Arrays.fill(password, (byte) 0);
        }
    }

    private String target() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "SshCommandRunner[" + user + "@" + target() + ", auth=" + (password != null ? "password" : "publickey")
                + ", hostKeys=" + hostKeys + (sudo ? ", sudo" : "") + "]";
    }

    private record Offered(String type, String fingerprint, KnownHostsFile.Verdict verdict) {
    }

    /**
     * JSch's view of the {@link HostKeyPolicy}: answers {@code check} with the policy's verdict
     * (a revoked key is refused as a changed one, JSch has no word for it) and remembers the key
     * offered and the verdict, for the exception; offers the trusted keys of the host so JSch asks
     * the server for one of their types ({@code prefer_known_host_key_types}).
     */
    private static final class RecordingRepository implements HostKeyRepository {
        private final HostKeyPolicy policy;
        private volatile Offered offered;

        RecordingRepository(HostKeyPolicy policy) {
            this.policy = policy;
        }

        void reset() {
            offered = null;
        }

        Offered offered() {
            return offered;
        }

        @Override
        public int check(String host, byte[] key) {
            KnownHostsFile.Verdict verdict = policy.verdict(host, key);
            String type = KnownHostsFile.typeOf(key);
            offered = new Offered(type.isEmpty() ? "unknown" : type, HostKeyPolicy.fingerprintOf(key), verdict);
            return switch (verdict) {
                case OK -> OK;
                case UNKNOWN -> NOT_INCLUDED;
                case CHANGED, REVOKED -> CHANGED;
            };
        }

        @Override
        public void add(HostKey hostkey, UserInfo ui) {
            // StrictHostKeyChecking=yes: never learn keys
        }

        @Override
        public void remove(String host, String type) {
            // never change the trusted keys
        }

        @Override
        public void remove(String host, String type, byte[] key) {
            // never change the trusted keys
        }

        @Override
        public String getKnownHostsRepositoryID() {
            return policy.toString();
        }

        @Override
        public HostKey[] getHostKey() {
            return new HostKey[0];
        }

        @Override
        public HostKey[] getHostKey(String host, String type) {
            if (host == null) {
                return new HostKey[0];
            }
            List<HostKey> keys = new ArrayList<>();
            for (byte[] blob : policy.trustedKeys(host)) {
                try {
                    HostKey k = new HostKey(host, blob);
                    if (type == null || type.equals(k.getType())) {
                        keys.add(k);
                    }
                } catch (JSchException e) {
                    // a key type JSch does not know: it cannot ask for it either
                }
            }
            return keys.toArray(new HostKey[0]);
        }
    }

    /** Answers "no" to every question JSch might ask: no interactive trust, no prompts. */
    private static final class NoPrompts implements UserInfo {
        @Override
        public String getPassphrase() {
            return null;
        }

        @Override
        public String getPassword() {
            return null;
        }

        @Override
        public boolean promptPassword(String message) {
            return false;
        }

        @Override
        public boolean promptPassphrase(String message) {
            return false;
        }

        @Override
        public boolean promptYesNo(String message) {
            return false;
        }

        @Override
        public void showMessage(String message) {
            LOG.debug("SSH server says: {}", message);
        }
    }

    /** JSch's own log lines, at debug, under this class's logger. */
    private static final class JschLogger implements com.jcraft.jsch.Logger {
        @Override
        public boolean isEnabled(int level) {
            return level >= WARN ? LOG.isWarnEnabled() : LOG.isDebugEnabled();
        }

        @Override
        public void log(int level, String message) {
            if (level >= WARN) {
                LOG.warn("jsch: {}", message);
            } else {
                LOG.debug("jsch: {}", message);
            }
        }
    }

    /**
     * Configures an {@link SshCommandRunner}. Required: {@link #host}, {@link #user}, one of
     * {@link #password} / {@link #privateKey(Path)}, and one of {@link #knownHosts} /
     * {@link #hostKeyFingerprint} (or {@link #hostKeys}).
     */
    public static final class Builder {
        private String host;
        private int port = 22;
        private String user;
        private String password;
        private Path keyFile;
        private String passphrase;
        private HostKeyPolicy hostKeys;
        private boolean sudo;
        private Duration connectTimeout = Duration.ofSeconds(15);
        private Duration commandTimeout = Duration.ofMinutes(15);
        private Duration keepAlive = Duration.ofSeconds(15);
        private int maxOutput = DEFAULT_MAX_OUTPUT;

        private Builder() {
        }

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

        public Builder password(String value) {
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("password: must not be empty");
            }
            this.password = value;
            return this;
        }

        /** An unencrypted private key file (OpenSSH or PEM; ed25519, ECDSA or RSA). */
        public Builder privateKey(Path file) {
            return privateKey(file, null);
        }

        /** A private key file and its passphrase (null for an unencrypted key). */
        public Builder privateKey(Path file, String keyPassphrase) {
            if (file == null || !Files.isReadable(file)) {
                throw new IllegalArgumentException("privateKey: not a readable file: " + file);
            }
            if (keyPassphrase != null && keyPassphrase.isEmpty()) {
                throw new IllegalArgumentException("privateKey: an empty passphrase; pass null for an unencrypted key");
            }
            this.keyFile = file;
            this.passphrase = keyPassphrase;
            return this;
        }

        public Builder hostKeys(HostKeyPolicy policy) {
            this.hostKeys = Objects.requireNonNull(policy, "hostKeys");
            return this;
        }

        public Builder knownHosts(Path file) {
            return hostKeys(HostKeyPolicy.knownHosts(file));
        }

        public Builder hostKeyFingerprint(String fingerprint) {
            return hostKeys(HostKeyPolicy.fingerprint(fingerprint));
        }

        public Builder sudo(boolean value) {
            this.sudo = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive("connectTimeout", value);
            return this;
        }

        public Builder commandTimeout(Duration value) {
            this.commandTimeout = positive("commandTimeout", value);
            return this;
        }

        public Builder keepAliveInterval(Duration value) {
            this.keepAlive = positive("keepAliveInterval", value);
            return this;
        }

        /**
         * How many bytes of a command's stdout, and of its stderr, are read at most (default
         * 32 MiB: the cluster resources of thousands of VMs, the configs of 2,000 VMs in one
         * {@code tail} stay well below). A command that prints more is stopped and reported with
         * {@link OutputTooLargeException}, instead of filling the heap.
         */
        public Builder maxOutputBytes(int value) {
            if (value < 1024) {
                throw new IllegalArgumentException("maxOutputBytes: at least 1024, got " + value);
            }
            this.maxOutput = value;
            return this;
        }

        private static Duration positive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + ": must be positive (and under 24 days)");
            }
            return value;
        }

        public SshCommandRunner build() {
            if (host == null) {
                throw new IllegalStateException("host is required");
            }
            if (user == null) {
                throw new IllegalStateException("user is required");
            }
            if ((password == null) == (keyFile == null)) {
                throw new IllegalStateException("set exactly one of password and privateKey");
            }
            if (hostKeys == null) {
                throw new IllegalStateException("host keys must be verified: set knownHosts or hostKeyFingerprint");
            }
            return new SshCommandRunner(this);
        }

        @Override
        public String toString() {
            return "SshCommandRunner.Builder[" + user + "@" + host + ":" + port + "]";
        }
    }
}
