package ai.thinkheads.phoenix.testkit.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Both faces of one simulator serve one cluster: what one face changes, the other and the fake see. */
class PveSimulatorTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ApiRequest> seen = new CopyOnWriteArrayList<>();
    private FakeHypervisor fake;
    private PveSimulator sim;
    private SshClient ssh;

    @BeforeEach
    void start() {
        fake = FakeHypervisor.builder().realTime().defaultTaskDuration(Duration.ofMillis(20)).build();
        sim = PveSimulator.over(fake.cluster()).requestObserver(seen::add).build().start();
        ssh = SshClient.setUpDefaultClient();
        // the test's own client; Phoenix's backend verifies host keys, this only drives the face
        ssh.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        ssh.start();
    }

    @AfterEach
    void stop() throws Exception {
        ssh.stop();
        sim.close();
        fake.close();
    }

    private record Ran(int status, String out, String err) {
    }

    private Ran qm(String command) throws Exception {
        try (ClientSession session = ssh.connect("root", "127.0.0.1", sim.sshPort()).verify(WAIT).getSession()) {
            session.addPasswordIdentity(sim.rootPassword());
            session.auth().verify(WAIT);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (ChannelExec channel = session.createExecChannel(command)) {
                channel.setOut(out);
                channel.setErr(err);
                channel.open().verify(WAIT);
                channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
                return new Ran(channel.getExitStatus(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            }
        }
    }

    private RawHttps.Response api(String method, String path, String body) throws Exception {
        try (RawHttps c = new RawHttpsPinned(sim).client()) {
            return c.send(method, "/api2/json" + path, Map.of("Authorization", "PVEAPIToken=" + sim.apiTokenHeaderValue()), body);
        }
    }

    /** Opens a RawHttps trusting the simulator's own certificate. */
    private record RawHttpsPinned(PveSimulator sim) {
        RawHttps client() throws Exception {
            return new RawHttps(sim.certificateForTests(), sim.httpPort());
        }
    }

    @Test
    void aVmCreatedOverHttpsIsListedByQmOverSshAndByTheFake() throws Exception {
        RawHttps.Response created = api("POST", "/nodes/pve/qemu", "vmid=100&name=web01&memory=2048&scsi0=local-lvm%3A4&net0=virtio%2Cbridge%3Dvmbr0");
        assertEquals(200, created.status(), created.body());
        String upid = JSON.readTree(created.body()).path("data").asText();
        assertTrue(upid.startsWith("UPID:pve:") && upid.contains(":qmcreate:100:root@pam!phoenix:"), upid);

        Ran list = qm("qm list");
        assertEquals(0, list.status(), list.err());
        assertTrue(list.out().contains("       100 web01                stopped    2048"), list.out());
        assertEquals("web01", fake.findVm(100).orElseThrow().name());
    }

    @Test
    void aChangeMadeWithQmIsSeenOverHttpsWithANewDigest() throws Exception {
        assertEquals(0, qm("qm create 101 --name db01 --memory 1024 --scsi0 local-lvm:2").status());
        JsonNode before = JSON.readTree(api("GET", "/nodes/pve/qemu/101/config", null).body()).path("data");
        assertEquals("1024", before.path("memory").asText());

        Ran set = qm("qm set 101 --memory 4096 --cores 2 --description 'tier: db'");
        assertEquals(0, set.status(), set.err());

        JsonNode after = JSON.readTree(api("GET", "/nodes/pve/qemu/101/config", null).body()).path("data");
        assertEquals("4096", after.path("memory").asText(), "memory is a string in the API since it became a property string");
        assertTrue(after.path("cores").isNumber(), "cores stays a number");
        assertEquals(2, after.path("cores").asInt());
        assertEquals("tier: db", after.path("description").asText());
        assertTrue(!before.path("digest").asText().equals(after.path("digest").asText()), "the digest changed");
        assertEquals("4096", fake.getConfig(VmRef.of("pve", 101)).values().get("memory"));
    }

    @Test
    void theObserverSeesRequestsFromBothFaces() throws Exception {
        api("GET", "/version", null);
        qm("pvesh get /cluster/nextid --output-format json");
        assertTrue(seen.stream().anyMatch(r -> r.path().equals("/version") && r.userId().equals("root@pam!phoenix")));
        assertTrue(seen.stream().anyMatch(r -> r.path().equals("/cluster/nextid") && r.userId().equals("root@pam")));
        assertEquals(1, sim.sshInvocationCount());
    }

    @Test
    void toStringShowsWhereItRunsButNoSecret() {
        String text = sim.toString();
        assertTrue(text.contains(sim.url()), text);
        assertTrue(!text.contains(sim.rootPassword()) && !text.contains(sim.apiTokenSecret()), text);
    }
}
