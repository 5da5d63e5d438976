package ai.thinkheads.phoenix.testkit.simulator.ssh;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's SSH face: an SSH server on {@code 127.0.0.1} (Apache MINA SSHD) whose exec
 * channels run {@code qm}, {@code pvesh} and snippet uploads through a {@link CliInterpreter}.
 *
 * <p>Start with {@link #builder(CliInterpreter)}. To serve the same cluster over HTTPS and SSH, build
 * the interpreter over the router the {@code HttpFace} uses:
 * <pre>{@code
 * ApiRouter router = ...;                                   // the cluster model's routes
 * CliInterpreter cli = CliInterpreter.builder(router, "pve1").time(clock).build();
 * try (SshFace ssh = SshFace.builder(cli).user("root", "secret").start()) {
 *     ssh.port(); ssh.hostKeyFingerprint();                 // what a client pins
 * }
 * }</pre>
 *
 * <p>Each exec request's command line goes through {@link ShellWords} (refused lines exit 2) and
 * the interpreter; stdout and stderr stream to the channel as they are written, stdin is read only
 * by commands that consume it, and the exit status is sent back. Shell requests, subsystems and
 * port forwarding are not offered. The host key is generated per face (EC P-256) unless given;
 * {@link #hostKeyFingerprint()} reports it as {@code ssh-keygen -l} does. Thread-safe; sessions run
 * concurrently; {@link #close()} stops the server and interrupts running commands.
 */
public final class SshFace implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(SshFace.class);

    private final CliInterpreter interpreter;
    private final KeyPair hostKey;
    private final Map<String, String> passwords;
    private final Map<String, List<PublicKey>> authorizedKeys;
    private final SshServer server;
    private final ExecutorService commands = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pve-sim-ssh-exec");
        t.setDaemon(true);
        return t;
    });
    private final Set<Exec> running = ConcurrentHashMap.newKeySet();
    private final AtomicLong execs = new AtomicLong();

    private SshFace(Builder b) {
        this.interpreter = b.interpreter;
        this.hostKey = b.hostKey != null ? b.hostKey : generateHostKey();
        this.passwords = Map.copyOf(b.passwords);
        Map<String, List<PublicKey>> keys = new HashMap<>();
        b.authorizedKeys.forEach((u, list) -> keys.put(u, List.copyOf(list)));
        this.authorizedKeys = Map.copyOf(keys);
        this.server = SshServer.setUpDefaultServer();
        server.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        server.setPort(b.port);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPasswordAuthenticator((user, password, session) -> checkPassword(user, password));
        server.setPublickeyAuthenticator((user, key, session) -> checkKey(user, key));
        server.setKeyboardInteractiveAuthenticator(null);
        server.setCommandFactory((channel, command) -> new Exec(command));
    }

    /** A face that runs commands through {@code interpreter}. */
    public static Builder builder(CliInterpreter interpreter) {
        return new Builder(interpreter);
    }

    /** Settings of an {@link SshFace}: users and keys, host key, port. */
    public static final class Builder {
        private final CliInterpreter interpreter;
        private final Map<String, String> passwords = new HashMap<>();
        private final Map<String, List<PublicKey>> authorizedKeys = new HashMap<>();
        private KeyPair hostKey;
        private int port;

        private Builder(CliInterpreter interpreter) {
            this.interpreter = Objects.requireNonNull(interpreter, "interpreter");
        }

        /** Lets {@code user} (an SSH login name such as {@code root}) in with {@code password}. */
        public Builder user(String user, String password) {
            passwords.put(Objects.requireNonNull(user), Objects.requireNonNull(password));
            return this;
        }

        /** Lets {@code user} in with the private key of {@code key} (like a line in authorized_keys). */
        public Builder authorizedKey(String user, PublicKey key) {
            authorizedKeys.computeIfAbsent(Objects.requireNonNull(user), u -> new ArrayList<>()).add(Objects.requireNonNull(key));
            return this;
        }

        /** The host key to present; by default a fresh EC P-256 key per face. */
        public Builder hostKey(KeyPair hostKey) {
            this.hostKey = Objects.requireNonNull(hostKey);
            return this;
        }

        /** The port to bind on 127.0.0.1; 0 (the default) for an ephemeral one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** Binds and starts accepting connections. */
        public SshFace start() throws IOException {
            if (passwords.isEmpty() && authorizedKeys.isEmpty()) {
                throw new IllegalStateException("no users configured: nobody could log in");
            }
            SshFace face = new SshFace(this);
            face.server.start();
            return face;
        }
    }

    /** {@code 127.0.0.1} */
    public String host() {
        return InetAddress.getLoopbackAddress().getHostAddress();
    }

    public int port() {
        return server.getPort();
    }

    public PublicKey hostKey() {
        return hostKey.getPublic();
    }

    /** The host key's fingerprint as {@code ssh-keygen -l} prints it: {@code SHA256:<base64, no padding>}. */
    public String hostKeyFingerprint() {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, hostKey.getPublic());
    }

    /** A {@code known_hosts} line for this face: {@code [127.0.0.1]:<port> <type> <base64>}. */
    public String knownHostsLine() {
        return "[" + host() + "]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    public CliInterpreter interpreter() {
        return interpreter;
    }

    /** Exec requests received so far (whatever they ran). */
    public long execCount() {
        return execs.get();
    }

    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            LOG.debug("stopping the SSH server failed: {}", e.toString());
        }
        running.forEach(e -> e.destroy(null));
        commands.shutdownNow();
    }

    private boolean checkPassword(String user, String password) {
        String expected = passwords.get(user);
        return expected != null && password != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
    }

    private boolean checkKey(String user, PublicKey key) {
        return authorizedKeys.getOrDefault(user, List.of()).stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
    }

    private static KeyPair generateHostKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC host key", e);
        }
    }

    /** One exec channel: runs its command line on a worker thread and reports the exit status. */
    private final class Exec implements Command {
        private final String commandLine;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private volatile Future<?> task;

        Exec(String commandLine) {
            this.commandLine = commandLine;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            execs.incrementAndGet();
            String user = channel.getSession().getUsername();
            running.add(this);
            task = commands.submit(() -> {
                int code = CliInterpreter.EXIT_DIE;
                try {
                    LOG.debug("{}@ssh: {}", user, commandLine);
                    code = interpreter.run(commandLine, in, out, err);
                } catch (RuntimeException e) {
                    LOG.warn("command failed inside the simulator: {}", commandLine, e);
                    try {
                        err.write(("simulator: internal error: " + e + "\n").getBytes(StandardCharsets.UTF_8));
                    } catch (IOException ignored) {
                        // the channel is gone
                    }
                } finally {
                    running.remove(this);
                    flushQuietly(out);
                    flushQuietly(err);
                    exit.onExit(code);
                }
            });
        }

        @Override
        public void destroy(ChannelSession channel) {
            Future<?> t = task;
            if (t != null && !t.isDone()) {
                t.cancel(true);
            }
        }

        private void flushQuietly(OutputStream s) {
            try {
                s.flush();
            } catch (IOException | UncheckedIOException ignored) {
                // the client went away
            }
        }
    }
}
