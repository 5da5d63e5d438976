package ai.thinkheads.phoenix.testkit.simulator.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Over a real SSH connection, with sshd-core's client. */
class SshFaceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Map<String, byte[]> snippets = new ConcurrentHashMap<>();

    /** The node's snippet directory, by file name; any other path is not writable. */
    private void writeSnippet(String path, byte[] content) throws NodeFiles.CannotWrite {
        String prefix = CliInterpreter.SNIPPET_DIR + "/";
        if (!path.startsWith(prefix)) {
            throw new NodeFiles.CannotWrite("Permission denied");
        }
        snippets.put(path.substring(prefix.length()), content);
    }
    private final AtomicReference<PublicKey> keySeenByClient = new AtomicReference<>();
    private FakePve pve;
    private KeyPair clientKey;
    private SshFace face;
    private SshClient client;

    @BeforeEach
    void start() throws Exception {
        pve = new FakePve("pve1");
        CliInterpreter cli = CliInterpreter.builder(pve.router, "pve1")
                .time(pve.clock)
                .files(this::writeSnippet)
                .build();
        clientKey = ecKey();
        face = SshFace.builder(cli)
                .user("root", "s3cret!")
                .authorizedKey("ci", clientKey.getPublic())
                .start();
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, address, key) -> {
            keySeenByClient.set(key);
            return true;
        });
        client.start();
    }

    @AfterEach
    void stop() {
        client.stop();
        face.close();
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private ClientSession login(String user, String password) throws Exception {
        ClientSession session = client.connect(user, face.host(), face.port()).verify(WAIT).getSession();
        session.addPasswordIdentity(password);
        session.auth().verify(WAIT);
        return session;
    }

    record Ran(int exit, String stdout, String stderr) {
    }

    private static Ran exec(ClientSession session, String command, byte[] stdin) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(err);
            if (stdin != null) {
                channel.setIn(new ByteArrayInputStream(stdin));
            }
            channel.open().verify(WAIT);
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
            Integer status = channel.getExitStatus();
            assertTrue(status != null, "the server sent an exit status for " + command);
            return new Ran(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void runsQmAndPveshOverSshWithOutputAndExitStatus() throws Exception {
        try (ClientSession session = login("root", "s3cret!")) {
            assertEquals(new Ran(0, "", ""), exec(session, "qm list", null));

            pve.nextLog = List.of("scsi0: successfully created disk 'local-lvm:vm-100-disk-0,size=4G'");
            assertEquals(new Ran(0, "scsi0: successfully created disk 'local-lvm:vm-100-disk-0,size=4G'\n", ""),
                    exec(session, "qm create 100 --name web01 --memory 2048 --scsi0 'local-lvm:4' --net0 virtio,bridge=vmbr0", null));
            assertEquals("web01", pve.callsTo("POST", "/nodes/pve1/qemu").get(0).param("name").orElseThrow());

            assertEquals(new Ran(0,
                    "      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \n"
                  + "       100 web01                stopped    2048               0.00 0         \n", ""),
                    exec(session, "qm list", null));
            assertEquals(new Ran(0, "\"101\"\n", ""), exec(session, "pvesh get /cluster/nextid --output-format json", null));
            assertEquals(new Ran(0, "\"101\"\n", ""), exec(session, "sudo -n pvesh get /cluster/nextid --output-format json", null));
        }
    }

    @Test
    void failuresKeepTheirStderrAndExitStatus() throws Exception {
        try (ClientSession session = login("root", "s3cret!")) {
            assertEquals(new Ran(255, "", "Configuration file 'nodes/pve1/qemu-server/404.conf' does not exist\n"),
                    exec(session, "qm start 404", null));
            Ran refused = exec(session, "qm list; cat /etc/shadow", null);
            assertEquals(2, refused.exit());
            assertTrue(refused.stderr().contains("shell operator ';'"), refused.stderr());
            assertEquals(127, exec(session, "bash -c id", null).exit());
        }
    }

    @Test
    void reportsTheHostKeyFingerprintTheWaySshKeygenPrintsIt() throws Exception {
        try (ClientSession session = login("root", "s3cret!")) {
            exec(session, "qm list", null);
        }
        PublicKey seen = keySeenByClient.get();
        assertEquals(face.hostKey(), seen);
        // independently: SHA-256 over the key's SSH wire blob, base64 without padding
        String blob = PublicKeyEntry.toString(seen).split(" ")[1];
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(blob));
        String expected = "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        assertEquals(expected, face.hostKeyFingerprint());
        assertTrue(face.knownHostsLine().startsWith("[127.0.0.1]:" + face.port() + " ecdsa-sha2-nistp256 AAAA"),
                face.knownHostsLine());
    }

    @Test
    void hostKeyIsPerFaceUnlessGiven() throws Exception {
        CliInterpreter cli = CliInterpreter.builder(pve.router, "pve1").build();
        KeyPair given = ecKey();
        try (SshFace other = SshFace.builder(cli).user("root", "x").start();
             SshFace a = SshFace.builder(cli).user("root", "x").hostKey(given).start();
             SshFace b = SshFace.builder(cli).user("root", "x").hostKey(given).start()) {
            assertNotEquals(face.hostKeyFingerprint(), other.hostKeyFingerprint());
            assertEquals(a.hostKeyFingerprint(), b.hostKeyFingerprint());
            assertNotEquals(a.port(), b.port());
        }
    }

    @Test
    void wrongPasswordIsRejectedAndPublicKeysWork() throws Exception {
        assertThrows(Exception.class, () -> login("root", "wrong").close());
        assertThrows(Exception.class, () -> login("nobody", "s3cret!").close());
        try (ClientSession session = client.connect("ci", face.host(), face.port()).verify(WAIT).getSession()) {
            session.addPublicKeyIdentity(clientKey);
            session.auth().verify(WAIT);
            assertEquals(0, exec(session, "qm list", null).exit());
        }
        try (ClientSession session = client.connect("ci", face.host(), face.port()).verify(WAIT).getSession()) {
            session.addPublicKeyIdentity(ecKey());
            assertThrows(Exception.class, () -> session.auth().verify(WAIT));
        }
    }

    @Test
    void uploadsSnippetsFromStdin() throws Exception {
        byte[] userData = "#cloud-config\nhostname: web01\n".getBytes(StandardCharsets.UTF_8);
        try (ClientSession session = login("root", "s3cret!")) {
            assertEquals(new Ran(0, "", ""), exec(session, "cat > /var/lib/vz/snippets/user-100.yaml", userData));
        }
        assertEquals(new String(userData, StandardCharsets.UTF_8), new String(snippets.get("user-100.yaml"), StandardCharsets.UTF_8));
    }

    @Test
    void servesConcurrentChannels() throws Exception {
        pve.addVm(100, Map.of("name", "web01", "_status", "running"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (ClientSession session = login("root", "s3cret!")) {
            List<Future<Ran>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(pool.submit(() -> exec(session, "qm status 100", null)));
            }
            for (Future<Ran> r : runs) {
                assertEquals(new Ran(0, "status: running\n", ""), r.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(8, face.execCount());
        assertEquals(8, face.interpreter().invocations());
    }
}
