package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SSH backend against Debian's OpenSSH server: {@code /usr/sbin/sshd -D -e} as a child process
 * on 127.0.0.1 and a free port, with its own {@code sshd_config}, host keys (ed25519, ECDSA, RSA,
 * made by {@code ssh-keygen}) and {@code authorized_keys} in a temporary directory, never the
 * system's; the test stops it. It logs in as the user running the tests (root in CI:
 * {@code PermitRootLogin prohibit-password}, a key only), whose login shell runs every command
 * line ({@code $SHELL -c}), with a {@code PATH} ({@code SetEnv}) whose first directory holds a stub
 * {@code qm} that records its argv, and {@code HOME} in the temporary directory, so no dotfile of
 * the machine changes (or slows) the shell.
 * <ul>
 *   <li>known_hosts as OpenSSH's own client reads it: each key type alone, hashed by
 *       {@code ssh-keygen -H}, a negated pattern, a wildcard, a revoked key, a changed key; each
 *       verdict is compared with what {@code ssh -o StrictHostKeyChecking=yes} decides on the
 *       same file, and a refusal names the fingerprint {@code ssh-keygen -l} prints;</li>
 *   <li>pinned fingerprints, right and wrong;</li>
 *   <li>a few hundred hostile arguments through the real login shell, checked byte for byte in
 *       the stub's record; the figures are printed;</li>
 *   <li>an upload cut off half-way leaves the old file and no temporary file.</li>
 * </ul>
 * Skipped, with the reason, where {@code /usr/sbin/sshd} is missing; {@code .ci/run} installs it.
 */
class OpenSshInteropTest {

    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Path dir;
    private static Path records;
    private static Process sshd;
    private static int port;
    private static String user;
    private static Path clientKey;
    private static long started;

    @BeforeAll
    static void startSshd() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(SSHD),
                "OpenSSH server not installed (/usr/sbin/sshd missing): .ci/run installs openssh-server");
        started = System.nanoTime();
        user = System.getProperty("user.name");
        dir = Files.createTempDirectory("phoenix-openssh");
        records = Files.createDirectories(dir.resolve("records"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        writeStub(bin.resolve("qm"));
        for (String type : List.of("ed25519", "ecdsa", "rsa")) {
            run("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "phoenix-test-host", "-f", hostKey(type).toString());
        }
        clientKey = dir.resolve("id_ed25519");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "phoenix-test-client", "-f", clientKey.toString());
        Files.copy(Path.of(clientKey + ".pub"), dir.resolve("authorized_keys"));
        if (user.equals("root") && !Files.isDirectory(Path.of("/run/sshd"))) {
            // sshd's privilege separation directory; Debian's service unit creates it at boot
            Files.createDirectories(Path.of("/run/sshd"));
        }
        IOException last = null;
        for (int attempt = 0; attempt < 5 && sshd == null; attempt++) {
            port = freePort();
            Path config = writeConfig(bin);
            Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            if (listening(p)) {
                sshd = p;
            } else {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
                last = new IOException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
            }
        }
        if (sshd == null) {
            throw last;
        }
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (sshd != null) {
            sshd.destroy();
            if (!sshd.waitFor(10, TimeUnit.SECONDS)) {
                sshd.destroyForcibly();
            }
            System.out.printf("OpenSSH interop: %s against %s on 127.0.0.1:%d took %d ms%n",
                    version(), SSHD, port, Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Path hostKey(String type) {
        return dir.resolve("ssh_host_" + type + "_key");
    }

    private static Path writeConfig(Path bin) throws IOException {
        String config = "Port " + port + "\n"
                + "ListenAddress 127.0.0.1\n"
                + "HostKey " + hostKey("ed25519") + "\n"
                + "HostKey " + hostKey("ecdsa") + "\n"
                + "HostKey " + hostKey("rsa") + "\n"
                + "PidFile " + dir.resolve("sshd.pid") + "\n"
                + "AuthorizedKeysFile " + dir.resolve("authorized_keys") + "\n"
                + "PermitRootLogin prohibit-password\n"
                + "PubkeyAuthentication yes\n"
                + "PasswordAuthentication no\n"
                + "KbdInteractiveAuthentication no\n"
                + "StrictModes no\n"
                + "UsePAM no\n"
                + "UseDNS no\n"
                + "PrintMotd no\n"
                + "X11Forwarding no\n"
                + "AllowTcpForwarding no\n"
                // HOME too: the login shell then reads no dotfiles of the machine's user (root's
                // .bashrc, which bash sources under sshd, may run pyenv and friends for a second)
                + "SetEnv PATH=" + bin + ":/usr/sbin:/usr/bin:/sbin:/bin HOME=" + dir + "\n";
        return Files.writeString(dir.resolve("sshd_config"), config);
    }

    /** A qm that records its argv (NUL-terminated) and stdin, and answers guest exec with a PID. */
    private static void writeStub(Path file) throws IOException {
        String script = """
                #!/bin/sh
                rec='%s'
                n=$(ls "$rec" | wc -l)
                f="$rec/$(printf '%%08d' "$n")"
                { for a in "$@"; do printf '%%s\\0' "$a"; done; } > "$f.tmp"
                cat > "$f.stdin"
                mv "$f.tmp" "$f.argv"
                case "$1" in
                  guest) printf '{\\n   "pid" : 4242\\n}\\n' ;;
                  *) echo "update VM $2: -description" >&2 ;;
                esac
                """.formatted(records);
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(Process p) throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until && p.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        return false;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static String version() {
        try {
            Process p = new ProcessBuilder(SSHD.toString(), "-V").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return v.contains(",") ? v.substring(0, v.indexOf(',')) : v;
        } catch (IOException | InterruptedException e) {
            return "OpenSSH";
        }
    }

    /** {@code <type> <base64>} of a host key's {@code .pub}. */
    private static String keyField(String type) throws IOException {
        String[] f = Files.readString(Path.of(hostKey(type) + ".pub")).strip().split(" ");
        return f[0] + " " + f[1];
    }

    /** The fingerprint as OpenSSH prints it: {@code ssh-keygen -l -E sha256}. */
    private static String fingerprint(String type) throws IOException, InterruptedException {
        return run("ssh-keygen", "-l", "-E", "sha256", "-f", hostKey(type) + ".pub").split(" ")[1];
    }

    private static String name() {
        return "[127.0.0.1]:" + port;
    }

    private static SshCommandRunner.Builder runner() {
        return SshCommandRunner.builder().host("127.0.0.1").port(port).user(user).privateKey(clientKey)
                .connectTimeout(Duration.ofSeconds(10));
    }

    /** A runner that pins the server's ed25519 key. */
    private static SshCommandRunner trusted() throws IOException, InterruptedException {
        return runner().hostKeyFingerprint(fingerprint("ed25519")).build();
    }

    private static Path knownHosts(String file, String text) throws IOException {
        return Files.writeString(dir.resolve(file), text);
    }

    /** Whether OpenSSH's own client accepts the server's key with this known_hosts. */
    private static boolean openSshAccepts(Path knownHosts, String hostKeyAlgorithms) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-p", Integer.toString(port), "-i",
                clientKey.toString(), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o",
                "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null", "-o", "CheckHostIP=no",
                "-o", "UpdateHostKeys=no", "-o", "ConnectTimeout=10"));
        if (hostKeyAlgorithms != null) {
            cmd.addAll(List.of("-o", "HostKeyAlgorithms=" + hostKeyAlgorithms));
        }
        cmd.addAll(List.of(user + "@127.0.0.1", "true"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "ssh ran too long");
        return p.exitValue() == 0;
    }

    private static boolean phoenixAccepts(Path knownHosts) {
        try (SshCommandRunner r = runner().knownHosts(knownHosts).build()) {
            return r.run(List.of("true"), new byte[0]).exitCode() == 0;
        } catch (HostKeyRejectedException e) {
            return false;
        }
    }

    @Test
    void knownHostsVerdictsAgreeWithOpenSshsOwnClient() throws Exception {
        String ed = keyField("ed25519");
        // each key type alone: the client asks the server for the type it knows
        for (String type : List.of("ed25519", "ecdsa", "rsa")) {
            Path kh = knownHosts("kh_" + type, name() + " " + keyField(type) + "\n");
            assertTrue(phoenixAccepts(kh), type + " alone");
            assertTrue(openSshAccepts(kh, null), type + " alone, OpenSSH");
        }
        // hashed by OpenSSH itself
        Path hashed = knownHosts("kh_hashed", name() + " " + keyField("ecdsa") + "\n");
        run("ssh-keygen", "-q", "-H", "-f", hashed.toString());
        assertTrue(Files.readString(hashed).startsWith("|1|"), Files.readString(hashed));
        assertTrue(phoenixAccepts(hashed), "hashed by ssh-keygen -H");
        // wildcards, and a negation of another host
        Path wildcard = knownHosts("kh_wild", "[127.0.0.?]:*,!bastion.example.org " + ed + "\n");
        assertTrue(phoenixAccepts(wildcard));
        assertTrue(openSshAccepts(wildcard, null));
        // a negated pattern that matches: the line does not apply, for OpenSSH and for Phoenix
        Path negated = knownHosts("kh_negated", "!" + name() + "," + name() + " " + ed + "\n");
        assertFalse(openSshAccepts(negated, "ssh-ed25519"), "OpenSSH refuses a negated host");
        HostKeyRejectedException unknown = assertThrows(HostKeyRejectedException.class,
                () -> runner().knownHosts(negated).build().run(List.of("true"), new byte[0]));
        assertEquals(HostKeyRejectedException.Reason.UNKNOWN, unknown.reason());
        // revoked: refused even though another line trusts it, as revoked, with OpenSSH's fingerprint
        Path revoked = knownHosts("kh_revoked", name() + " " + ed + "\n@revoked * " + ed + "\n");
        assertFalse(openSshAccepts(revoked, "ssh-ed25519"), "OpenSSH refuses a revoked key");
        HostKeyRejectedException r = assertThrows(HostKeyRejectedException.class,
                () -> runner().knownHosts(revoked).build().run(List.of("true"), new byte[0]));
        assertEquals(HostKeyRejectedException.Reason.REVOKED, r.reason());
        assertEquals(fingerprint("ed25519"), r.offeredFingerprint());
        assertTrue(r.getMessage().contains("revoked") && r.getMessage().contains(fingerprint("ed25519")), r.getMessage());
        // changed: another key for the host
        Path other = dir.resolve("other_key");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
        String otherField = String.join(" ", Arrays.copyOf(Files.readString(Path.of(other + ".pub")).strip().split(" "), 2));
        Path changed = knownHosts("kh_changed", name() + " " + otherField + "\n");
        assertFalse(openSshAccepts(changed, "ssh-ed25519"));
        HostKeyRejectedException c = assertThrows(HostKeyRejectedException.class,
                () -> runner().knownHosts(changed).build().run(List.of("true"), new byte[0]));
        assertEquals(HostKeyRejectedException.Reason.CHANGED, c.reason());
        assertEquals(fingerprint("ed25519"), c.offeredFingerprint());
    }

    @Test
    void pinnedFingerprintsAsSshKeygenPrintsThem() throws Exception {
        try (SshCommandRunner r = runner().hostKeyFingerprint(fingerprint("ed25519")).build()) {
            assertEquals(0, r.run(List.of("true"), new byte[0]).exitCode());
        }
        HostKeyRejectedException e = assertThrows(HostKeyRejectedException.class,
                () -> runner().hostKeyFingerprint(fingerprint("rsa")).build().run(List.of("true"), new byte[0]));
        assertEquals(fingerprint("ed25519"), e.offeredFingerprint(), "the server's preferred key was offered");
        assertTrue(e.getMessage().contains(fingerprint("ed25519")), e.getMessage());
    }

    @Test
    void hostileArgumentsArriveByteIdenticalThroughARealLoginShell() throws Exception {
        List<String> values = hostileValues(new Random(20261203), 360);
        int sent = 0;
        int identical = 0;
        VmRef vm = VmRef.of("pve1", 100);
        try (QmHypervisor pve = QmHypervisor.builder().runner(trusted()).node("pve1").build()) {
            // as guest exec words, 40 to a command
            for (int from = 0; from < values.size(); from += 40) {
                List<String> words = values.subList(from, Math.min(values.size(), from + 40));
                clearRecords();
                assertEquals(4242, pve.agentExec(vm, words, null));
                List<byte[]> argv = onlyRecord();
                int head = List.of("guest", "exec", "100", "--synchronous", "0", "--").size();
                assertEquals(head + words.size(), argv.size());
                for (int i = 0; i < words.size(); i++) {
                    sent++;
                    if (Arrays.equals(words.get(i).getBytes(StandardCharsets.UTF_8), argv.get(head + i))) {
                        identical++;
                    }
                }
            }
            // as a description (free text, line breaks allowed), one per qm set
            for (String value : values.subList(0, 60)) {
                clearRecords();
                pve.updateConfig(vm, ConfigUpdate.set("description", value)).await(WAIT);
                List<byte[]> argv = onlyRecord();
                sent++;
                if (argv.size() == 4 && Arrays.equals(value.getBytes(StandardCharsets.UTF_8), argv.get(3))) {
                    identical++;
                }
            }
        }
        String shell = run("sh", "-c", "getent passwd " + user + " | cut -d: -f7").strip();
        System.out.printf("OpenSSH interop: %d hostile arguments sent through %s -c (user %s), %d arrived identical%n",
                sent, shell, user, identical);
        assertEquals(sent, identical, "every hostile argument arrives byte-identical");
        assertTrue(sent >= 300, "a few hundred: " + sent);
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("PWNED")), "an injected command ran");
        }
    }

    @Test
    void anUploadCutOffHalfWayLeavesTheOldFileAndNoTemporaryFile() throws Exception {
        Path target = dir.resolve("upload.iso");
        byte[] old = "old content".getBytes(StandardCharsets.UTF_8);
        Files.write(target, old);
        try (SshCommandRunner r = trusted()) {
            byte[] content = new byte[100_000];
            Arrays.fill(content, (byte) 'y');
            assertEquals(0, r.writeFile(target.toString(), content).exitCode());
            assertArrayEquals(content, Files.readAllBytes(target));
            Files.write(target, old);
        }
        // the node's side of a lost connection: sshd closes the shell's stdin, cat ends early and
        // successfully; the byte count refuses the rename and the temporary file is removed
        Process ssh = new ProcessBuilder("ssh", "-F", "/dev/null", "-p", Integer.toString(port), "-i", clientKey.toString(),
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                user + "@127.0.0.1", ShellQuoting.commandLine(List.of("sh", "-c", SshCommandRunner.ATOMIC_WRITE,
                        SshCommandRunner.ATOMIC_WRITE_NAME, "1000000", dir.resolve(".upload.iso.phoenix-0.part").toString(),
                        target.toString()))).redirectErrorStream(true).start();
        ssh.getOutputStream().write(new byte[300_000]);
        ssh.getOutputStream().close();
        String out = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ssh.waitFor(20, TimeUnit.SECONDS));
        assertEquals(1, ssh.exitValue(), out);
        assertTrue(out.contains("only 300000 of 1000000 bytes arrived"), out);
        assertArrayEquals(old, Files.readAllBytes(target), "the old file stays");
        assertFalse(Files.exists(dir.resolve(".upload.iso.phoenix-0.part")), "the temporary file is removed");
    }

    private static void clearRecords() throws IOException {
        try (Stream<Path> files = Files.list(records)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
    }

    private static List<byte[]> onlyRecord() throws IOException {
        List<Path> argvs;
        try (Stream<Path> files = Files.list(records)) {
            argvs = files.filter(p -> p.toString().endsWith(".argv")).toList();
        }
        assertEquals(1, argvs.size(), "one qm call");
        byte[] raw = Files.readAllBytes(argvs.get(0));
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                parts.add(Arrays.copyOfRange(raw, start, i));
                start = i + 1;
            }
        }
        assertEquals(raw.length, start, "NUL-terminated record");
        return parts;
    }

    /**
     * Values a shell would love to interpret: quotes of both kinds, {@code $()}, backticks,
     * {@code ;|&}, redirections, globs, {@code ~}, {@code #}, {@code !}, braces, backslashes, line
     * breaks and other control characters, leading dashes, empty words, unicode, a canary
     * {@code touch PWNED} inside each kind of expansion; then random mixtures of them.
     */
    private static List<String> hostileValues(Random random, int count) {
        String canary = dir.resolve("PWNED").toString();
        List<String> fixed = List.of("", " ", "'", "\"", "''", "'\\''", "\\", "\\\\", "$(touch " + canary + ")",
                "`touch " + canary + "`", "; touch " + canary, "| touch " + canary, "&& touch " + canary,
                "> " + canary, "$HOME", "${PATH}", "$((1+1))", "*", "?", "[a-z]*", "~", "~root", "#comment", "!!", "!$",
                "{a,b}", "-", "--", "-rf", "--help", "a\nb", "\n", "\r\n", "\t", "\u0001\u0007\u001b[2J", "\u007f",
                "é ü 漢字 🙂", "\u202e", "a'b\"c$d`e\\f", "%s%n", "$'\\x41'", "<(touch " + canary + ")", "$IFS",
                "a b  c", " leading", "trailing ", "\"$(touch " + canary + ")\"", "'$(touch " + canary + ")'");
        List<String> out = new ArrayList<>(fixed);
        String alphabet = "'\"\\$`;|&<>(){}[]*?~#! \t\n-=%^:,.aZ09é漢\u0001\u001b";
        while (out.size() < count) {
            int length = 1 + random.nextInt(24);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < length; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(8) == 0) {
                sb.append("$(touch ").append(canary).append(')');
            }
            out.add(sb.toString());
        }
        return out;
    }
}
