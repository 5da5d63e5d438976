package ai.thinkheads.phoenix.backend.qm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * A real SSH server (Apache MINA SSHD) on 127.0.0.1 with an ephemeral port. Every exec request
 * runs through {@code /bin/sh -c <command>}, exactly as OpenSSH runs it through the login shell,
 * with a PATH whose first directory holds stub {@code qm}, {@code pvesh}, {@code hostname} and
 * {@code sudo} scripts. The stubs record their argv (NUL-terminated, so every byte and every empty
 * argument survives) and their stdin into numbered files, and print canned output.
 */
final class TestSshd implements AutoCloseable {

    static final String USER = "phoenix";
    static final String PASSWORD = "ssh-Pa$$w0rd-must-not-leak";
    static final String NODE = "pve1";

    private final SshServer server;
    private final KeyPair hostKey;
    private final Path dir;
    private final Path records;
    private volatile PublicKey authorizedKey;
    /** Record files whose call was schema-checked already. */
    private final java.util.Set<String> schemaChecked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** How many SSH sessions clients opened (to check reuse and reconnects). */
    final AtomicInteger sessionsCreated = new AtomicInteger();

    private TestSshd(Path dir, KeyPair hostKey) throws IOException {
        this.dir = dir;
        this.hostKey = hostKey;
        this.records = Files.createDirectories(dir.resolve("records"));
        Path stubs = Files.createDirectories(dir.resolve("bin"));
        writeStubs(stubs);
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        server.setPublickeyAuthenticator((user, key, session) ->
                USER.equals(user) && authorizedKey != null && KeyUtils.compareKeys(authorizedKey, key));
        server.setCommandFactory((channel, command) -> new ShCommand(command, stubs, records));
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                sessionsCreated.incrementAndGet();
            }
        });
        server.start();
    }

    static TestSshd start(Path dir) throws IOException {
        return start(dir, ecKey());
    }

    static TestSshd start(Path dir, KeyPair hostKey) throws IOException {
        return new TestSshd(dir, hostKey);
    }

    static KeyPair ecKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return server.getPort();
    }

    /** The host key's fingerprint as SSHD itself computes it (an oracle independent of the backend). */
    String hostKeyFingerprint() {
        return KeyUtils.getFingerPrint(hostKey.getPublic());
    }

    PublicKey hostPublicKey() {
        return hostKey.getPublic();
    }

    /** A known_hosts file that trusts {@code key} for this server. */
    Path knownHosts(PublicKey key, String name) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(key) + "\n");
        return file;
    }

    /**
     * A known_hosts file with the entry hashed as {@code ssh-keygen -H} writes it (OpenSSH
     * hostfile.c host_hash: {@code |1|base64(salt)|base64(HMAC-SHA1(salt, host))}).
     */
    Path hashedKnownHosts(PublicKey key, String name) throws IOException, GeneralSecurityException {
        byte[] salt = new byte[20];
        new java.security.SecureRandom().nextBytes(salt);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(salt, "HmacSHA1"));
        byte[] hash = mac.doFinal(("[127.0.0.1]:" + port()).getBytes(StandardCharsets.UTF_8));
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        Path file = dir.resolve(name);
        Files.writeString(file, "|1|" + b64.encodeToString(salt) + "|" + b64.encodeToString(hash) + " "
                + PublicKeyEntry.toString(key) + "\n");
        return file;
    }

    Path knownHosts() throws IOException {
        return knownHosts(hostKey.getPublic(), "known_hosts");
    }

    /** Accept public-key logins with the key in this OpenSSH {@code .pub} file. */
    void authorize(Path publicKeyFile) throws IOException, GeneralSecurityException {
        AuthorizedKeyEntry entry = AuthorizedKeyEntry.readAuthorizedKeys(publicKeyFile).get(0);
        authorizedKey = entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    }

    /** A builder for a runner that trusts this server by known_hosts and logs in with the password. */
    SshCommandRunner.Builder runner() throws IOException {
        return SshCommandRunner.builder().host("127.0.0.1").port(port()).user(USER).password(PASSWORD)
                .knownHosts(knownHosts());
    }

    /** One stub invocation: program name, arguments, stdin. */
    record Call(String program, List<byte[]> args, byte[] stdin) {
        List<String> argStrings() {
            return args.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
        }
    }

    /**
     * The invocations since the last {@link #clearCalls()}, in order. Each {@code qm}/{@code pvesh}
     * call is checked against the PVE API schemas the first time it is read
     * ({@link CommandLineSchemaCheck}); {@link #clearCalls()} and {@link #close()} read them all.
     */
    List<Call> calls() {
        try (Stream<Path> files = Files.list(records)) {
            List<Path> argvFiles = files.filter(p -> p.getFileName().toString().endsWith(".argv")).sorted().toList();
            List<Call> calls = new ArrayList<>();
            for (Path f : argvFiles) {
                byte[] raw = Files.readAllBytes(f);
                List<byte[]> parts = new ArrayList<>();
                int start = 0;
                for (int i = 0; i < raw.length; i++) {
                    if (raw[i] == 0) {
                        parts.add(java.util.Arrays.copyOfRange(raw, start, i));
                        start = i + 1;
                    }
                }
                if (start != raw.length) {
                    throw new IllegalStateException("argv record not NUL-terminated: " + f);
                }
                String name = f.getFileName().toString();
                Path stdin = f.resolveSibling(name.substring(0, name.length() - ".argv".length()) + ".stdin");
                Call call = new Call(new String(parts.get(0), StandardCharsets.UTF_8), parts.subList(1, parts.size()),
                        Files.exists(stdin) ? Files.readAllBytes(stdin) : new byte[0]);
                calls.add(call);
                if (schemaChecked.add(name)) {
                    List<String> argv = new ArrayList<>();
                    argv.add(call.program());
                    argv.addAll(call.argStrings());
                    CommandLineSchemaCheck.check(argv, call.stdin(), NODE);
                }
            }
            return calls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void clearCalls() {
        calls();
        schemaChecked.clear();
        try (Stream<Path> files = Files.list(records)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops every client connection, as a network failure or an sshd restart would. */
    void dropAllSessions() {
        server.getActiveSessions().forEach(s -> s.close(true));
    }

    /**
     * Writes a new OpenSSH private key ({@code -----BEGIN OPENSSH PRIVATE KEY-----}, as
     * {@code ssh-keygen} writes it; encrypted with bcrypt-pbkdf and AES-256-CTR when a passphrase
     * is given) and its {@code .pub} beside it; returns the private key file. Pure Java (MINA
     * SSHD's OpenSSH writer, BouncyCastle for Ed25519), so the tests need no {@code ssh-keygen}.
     *
     * @param type {@code ed25519}, {@code ecdsa} or {@code rsa}
     * @param bits key size for ECDSA and RSA (256/384/521, 2048+); ignored for Ed25519
     */
    static Path sshKeygen(Path dir, String type, int bits, String passphrase) throws IOException {
        Path key = dir.resolve("id_" + type + "_" + System.nanoTime());
        String keyType = switch (type) {
            case "ed25519" -> KeyPairProvider.SSH_ED25519;
            case "ecdsa" -> "ecdsa-sha2-nistp" + (bits == 0 ? 256 : bits);
            case "rsa" -> KeyPairProvider.SSH_RSA;
            default -> throw new IllegalArgumentException("key type " + type);
        };
        KeyPair pair;
        try {
            pair = KeyUtils.generateKeyPair(keyType, type.equals("ed25519") ? 256 : (bits == 0 ? 3072 : bits));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate a " + type + " key", e);
        }
        org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext encryption = null;
        if (passphrase != null) {
            encryption = new org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext();
            encryption.setPassword(passphrase);
            encryption.setCipherName("AES");
            encryption.setCipherMode("CTR");
            encryption.setCipherType("256");
        }
        var writer = org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter.INSTANCE;
        try (OutputStream out = Files.newOutputStream(key)) {
            writer.writePrivateKey(pair, "phoenix-test", encryption, out);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the " + type + " key", e);
        }
        try (OutputStream out = Files.newOutputStream(Path.of(key + ".pub"))) {
            writer.writePublicKey(pair, "phoenix-test", out);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the " + type + " public key", e);
        }
        return key;
    }

    @Override
    public void close() throws IOException {
        try {
            if (Files.isDirectory(records)) {
                calls();
            }
        } finally {
            server.stop(true);
        }
    }

    // ---- stubs -------------------------------------------------------------------------------

    private static final String RECORD = """
            #!/bin/sh
            # Test stub: record argv (NUL-terminated) and stdin, then print canned output.
            rec="$PHOENIX_RECORDS"
            n=0
            [ -f "$rec/counter" ] && read -r n < "$rec/counter"
            n=$((n + 1))
            echo "$n" > "$rec/counter"
            # 1000001, 1000002...: sorted as numbers when sorted as names, without a subshell per call
            f="$rec/$((1000000 + n))"
            prog=${0##*/}
            { printf '%s\\0' "$prog"; for a in "$@"; do printf '%s\\0' "$a"; done; } > "$f.argv"
            cat > "$f.stdin"
            """;

    private static final String QM = RECORD + """
            # VMID 999 is the "failing VM": echo every argument and stdin line to stderr and fail, like a parameter error would
            if [ "${2:-}" = 999 ] || [ "${3:-}" = 999 ] || [ "${4:-}" = 999 ]; then
              echo "400 Parameter verification failed." >&2
              i=0; for a in "$@"; do i=$((i + 1)); echo "arg$i: $a" >&2; done
              while IFS= read -r l; do echo "stdin: $l" >&2; done < "$f.stdin"
              exit 255
            fi
            case "$1" in
              config) printf 'description: hello%%20world%%0Asecond line\\nmemory: 2048\\nname: web01\\nscsi0: local-lvm:vm-100-disk-0,size=64G\\ntemplate: 1\\n' ;;
              list) printf '      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \\n       100 web01                running    2048              32.00 12345     \\n' ;;
              guest)
                case "$2" in
                  exec) printf '{\\n   "pid" : 4242\\n}\\n' ;;
                  exec-status) printf '{\\n   "exitcode" : 0,\\n   "exited" : 1,\\n   "out-data" : "hi\\\\n"\\n}\\n' ;;
                  cmd) if [ "$4" = network-get-interfaces ]; then printf '[{"hardware-address":"BC:24:11:2E:C5:4A","ip-addresses":[{"ip-address":"10.0.0.10","ip-address-type":"ipv4","prefix":24}],"name":"eth0"}]\\n'; fi ;;
                esac ;;
              set) echo "trying to acquire lock..." >&2; echo " OK" >&2 ;;
              *) echo "task output for $1" ;;
            esac
            exit 0
            """;

    private static final String PVESH = RECORD + """
            case "$2" in
              /cluster/resources) printf '[{"id":"qemu/100","node":"pve1","name":"web01","status":"running","template":0,"type":"qemu","vmid":100,"tags":"a;b"},{"id":"node/pve1","node":"pve1","status":"online","type":"node","maxcpu":8,"cpu":0.25,"maxmem":17179869184,"mem":4294967296}]\\n' ;;
              /cluster/nextid) echo '"101"' ;;
              */config) echo '{"cipassword":"**********","digest":"0123456789abcdef0123456789abcdef01234567","memory":"2048","name":"web01","cores":2}' ;;
              */snapshot) echo '[{"description":"","digest":"x","name":"current","parent":"s1","running":0},{"description":"first","name":"s1","snaptime":1700000000,"vmstate":0}]' ;;
              */storage) echo '[{"storage":"local-lvm","type":"lvmthin","content":"images,rootdir","shared":0,"active":1,"total":100,"used":40,"avail":60}]' ;;
              */status) echo '{"status":"stopped","exitstatus":"OK","upid":"x"}' ;;
              */log) echo '[{"n":1,"t":"starting"},{"n":2,"t":"TASK OK"}]' ;;
              *) echo "no such path $2" >&2; exit 2 ;;
            esac
            """;

    private static final String HOSTNAME = RECORD + "echo " + NODE + ".example.org\n";

    /** readlink /etc/pve/local: pmxcfs's link to the node's directory. */
    private static final String READLINK = RECORD + "[ \"$1\" = /etc/pve/local ] && echo nodes/" + NODE + " || exit 1\n";

        /** sudo -n -- cmd args: run the command with the same stdin (recording that sudo was used). */
    private static final String SUDO = RECORD + """
            [ "$1" = -n ] && [ "$2" = -- ] || { echo "sudo: bad usage" >&2; exit 1; }
            shift 2
            exec "$@" < "$f.stdin"
            """;

    private static void writeStubs(Path bin) throws IOException {
        for (Map.Entry<String, String> e : Map.of("qm", QM, "pvesh", PVESH, "hostname", HOSTNAME, "readlink", READLINK, "sudo", SUDO).entrySet()) {
            Path p = bin.resolve(e.getKey());
            Files.writeString(p, e.getValue());
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** Runs one exec request through a real {@code /bin/sh -c}. */
    private static final class ShCommand implements Command {
        private final String command;
        private final Path stubs;
        private final Path records;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private volatile Process process;

        ShCommand(String command, Path stubs, Path records) {
            this.command = command;
            this.stubs = stubs;
            this.records = records;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void setInputStream(InputStream stream) {
            this.in = stream;
        }

        @Override
        public void setOutputStream(OutputStream stream) {
            this.out = stream;
        }

        @Override
        public void setErrorStream(OutputStream stream) {
            this.err = stream;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command);
            pb.environment().put("PATH", stubs + ":/usr/bin:/bin");
            pb.environment().put("PHOENIX_RECORDS", records.toString());
            pb.environment().put("LC_ALL", "C.UTF-8");
            process = pb.start();
            Thread feeder = new Thread(() -> {
                try (OutputStream stdin = process.getOutputStream()) {
                    in.transferTo(stdin);
                } catch (IOException e) {
                    // the process closed its stdin early: fine
                }
            }, "test-sshd-stdin");
            feeder.setDaemon(true);
            feeder.start();
            Thread runner = new Thread(() -> {
                try {
                    Thread errPump = new Thread(() -> pump(process.getErrorStream(), err), "test-sshd-stderr");
                    errPump.start();
                    pump(process.getInputStream(), out);
                    errPump.join();
                    int code = process.waitFor();
                    exit.onExit(code);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exit.onExit(255, "interrupted");
                }
            }, "test-sshd-exec");
            runner.setDaemon(true);
            runner.start();
        }

        private static void pump(InputStream from, OutputStream to) {
            try {
                byte[] buf = new byte[8192];
                int n;
                while ((n = from.read(buf)) >= 0) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // channel closed
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
            Process p = process;
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }
}
