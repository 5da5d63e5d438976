package ai.thinkheads.phoenix.testkit.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.TimeSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpFaceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SimulatorCertificate CERT = SimulatorCertificate.selfSigned();

    private final MutableTime time = new MutableTime();
    private final List<ApiRequest> seen = new CopyOnWriteArrayList<>();
    private SimulatorAuth auth;
    private HttpFaults faults;
    private HttpFace face;
    private String tokenSecret;

    static final class MutableTime implements TimeSource {
        volatile Instant now = Instant.now();

        @Override
        public Instant now() {
            return now;
        }

        @Override
        public void sleep(Duration d) {
            now = now.plus(d);
        }
    }

    @BeforeEach
    void start() throws IOException {
        auth = new SimulatorAuth(time).user("root@pam", "s3cret!");
        tokenSecret = auth.addToken("root@pam", "ci");
        faults = new HttpFaults();
        ApiRouter router = new ApiRouter()
                .route("GET", "/version", c -> Map.of("version", "8.4.1", "release", "8.4"))
                .route("POST", "/nodes/{node}/qemu", c -> {
                    if (c.require("vmid").equals("100")) {
                        throw new ApiException(500, "VM 100 already exists");
                    }
                    return "UPID:" + c.require("node") + ":00001234:00005678:65000000:qmcreate:" + c.require("vmid") + ":" + c.request().userId() + ":";
                })
                .route("GET", "/nodes/{node}/qemu/{vmid}/config", c -> { throw new IllegalStateException("Configuration file 'nodes/" + c.require("node") + "/qemu-server/" + c.require("vmid") + ".conf' does not exist"); });
        router.validator(r -> r.params().containsKey("bogus")
                        ? Map.of("bogus", "property is not defined in schema and the schema does not allow additional properties") : Map.of())
                .observer(seen::add);
        face = new HttpFace(CERT, auth, router, faults, Duration.ofMillis(500), 1 << 20, "phoenix-sim").start(0);
    }

    @AfterEach
    void stop() {
        face.close();
    }

    private RawHttps client() throws Exception {
        return new RawHttps(CERT, face.port());
    }

    private Map<String, String> tokenHeader() {
        return Map.of("Authorization", "PVEAPIToken=root@pam!ci=" + tokenSecret);
    }

    @Test
    void tokenAuthServesTheEnvelope() throws Exception {
        try (RawHttps c = client()) {
            RawHttps.Response r = c.send("GET", "/api2/json/version", tokenHeader(), null);
            assertEquals(200, r.status());
            assertEquals("application/json;charset=UTF-8", r.headers().get("content-type"));
            JsonNode body = JSON.readTree(r.body());
            assertEquals("8.4.1", body.path("data").path("version").asText());
            assertFalse(body.has("message"));
            assertEquals("root@pam!ci", seen.get(0).userId());
        }
    }

    @Test
    void tokenWithSpaceSeparatorIsAccepted() throws Exception {
        try (RawHttps c = client()) {
            assertEquals(200, c.send("GET", "/api2/json/version",
                    Map.of("Authorization", "PVEAPIToken root@pam!ci=" + tokenSecret), null).status());
        }
    }

    @Test
    void missingOrWrongCredentialsAre401WithPvesReasonAndNoBody() throws Exception {
        try (RawHttps c = client()) {
            RawHttps.Response none = c.send("GET", "/api2/json/version", Map.of(), null);
            assertEquals(401, none.status());
            assertEquals("No ticket", none.reason());
            assertEquals("", none.body());
            RawHttps.Response wrong = c.send("GET", "/api2/json/version",
                    Map.of("Authorization", "PVEAPIToken=root@pam!ci=00000000-0000-0000-0000-000000000000"), null);
            assertEquals(401, wrong.status());
            assertEquals("Authentication failed!", wrong.reason());
        }
    }

    @Test
    void ticketLoginThenCsrfOnWritesOnly() throws Exception {
        try (RawHttps c = client()) {
            RawHttps.Response bad = c.send("POST", "/api2/json/access/ticket", Map.of(), "username=root@pam&password=nope");
            assertEquals(401, bad.status());
            assertEquals("authentication failure", bad.reason());

            RawHttps.Response login = c.send("POST", "/api2/json/access/ticket", Map.of(),
                    "username=root&realm=pam&password=" + URLEncoder.encode("s3cret!", StandardCharsets.UTF_8));
            assertEquals(200, login.status());
            JsonNode data = JSON.readTree(login.body()).path("data");
            String ticket = data.path("ticket").asText();
            String csrf = data.path("CSRFPreventionToken").asText();
            assertTrue(ticket.startsWith("PVE:root@pam:"), ticket);
            assertTrue(csrf.matches("[0-9A-F]{8}:\\S+"), csrf);
            assertEquals("root@pam", data.path("username").asText());

            Map<String, String> cookie = Map.of("Cookie", "PVEAuthCookie=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8));
            assertEquals(200, c.send("GET", "/api2/json/version", cookie, null).status());

            RawHttps.Response noCsrf = c.send("POST", "/api2/json/nodes/pve1/qemu", cookie, "vmid=101");
            assertEquals(401, noCsrf.status());
            assertEquals("Permission denied - invalid csrf token", noCsrf.reason());

            RawHttps.Response withCsrf = c.send("POST", "/api2/json/nodes/pve1/qemu",
                    Map.of("Cookie", cookie.get("Cookie"), "CSRFPreventionToken", csrf), "vmid=101");
            assertEquals(200, withCsrf.status());
            assertEquals("UPID:pve1:00001234:00005678:65000000:qmcreate:101:root@pam:", JSON.readTree(withCsrf.body()).path("data").asText());
        }
    }

    @Test
    void ticketsExpireAfterTwoHoursAndCanBeRenewedBefore() throws Exception {
        SimulatorAuth.Login login = auth.login("root@pam", "s3cret!", null).orElseThrow();
        time.sleep(Duration.ofMinutes(100));
        SimulatorAuth.Login renewed = auth.login("root@pam", login.ticket(), null).orElseThrow();
        time.sleep(Duration.ofMinutes(30));
        assertTrue(auth.verifyTicket(login.ticket()).isEmpty(), "the first ticket is past two hours");
        assertEquals("root@pam", auth.verifyTicket(renewed.ticket()).orElseThrow());
        assertTrue(auth.login("root@pam", login.ticket(), null).isEmpty(), "an expired ticket cannot renew");
    }

    @Test
    void otpIsRequiredWhenConfigured() {
        auth.requireOtp("root@pam", "123456");
        assertTrue(auth.login("root@pam", "s3cret!", null).isEmpty());
        assertTrue(auth.login("root@pam", "s3cret!", "654321").isEmpty());
        assertTrue(auth.login("root@pam", "s3cret!", "123456").isPresent());
    }

    @Test
    void handlerErrorsPutTheMessageInTheReasonAndTheBody() throws Exception {
        try (RawHttps c = client()) {
            RawHttps.Response exists = c.send("POST", "/api2/json/nodes/pve1/qemu", tokenHeader(), "vmid=100");
            assertEquals(500, exists.status());
            assertEquals("VM 100 already exists", exists.reason());
            JsonNode body = JSON.readTree(exists.body());
            assertTrue(body.get("data").isNull());
            assertEquals("VM 100 already exists\n", body.path("message").asText());

            RawHttps.Response missing = c.send("GET", "/api2/json/nodes/pve1/qemu/555/config", tokenHeader(), null);
            assertEquals(500, missing.status());
            assertEquals("Configuration file 'nodes/pve1/qemu-server/555.conf' does not exist", missing.reason());
        }
    }

    @Test
    void validatorErrorsAre400WithTheErrorsMap() throws Exception {
        try (RawHttps c = client()) {
            RawHttps.Response r = c.send("POST", "/api2/json/nodes/pve1/qemu", tokenHeader(), "vmid=101&bogus=1");
            assertEquals(400, r.status());
            assertEquals("Parameter verification failed.", r.reason());
            JsonNode body = JSON.readTree(r.body());
            assertTrue(body.path("errors").path("bogus").asText().contains("not defined in schema"));
        }
    }

    @Test
    void pathVariableConflictingWithABodyParameterIsRefused() throws Exception {
        try (RawHttps c = client()) {
            RawHttps.Response r = c.send("POST", "/api2/json/nodes/pve1/qemu", tokenHeader(), "vmid=101&node=pve2");
            assertEquals(400, r.status());
            assertEquals("duplicate parameter (already defined in URI) with conflicting values!",
                    JSON.readTree(r.body()).path("errors").path("node").asText());
        }
    }

    @Test
    void unknownPathsAre501() throws Exception {
        try (RawHttps c = client()) {
            RawHttps.Response r = c.send("GET", "/api2/json/nodes/pve1/lxc", tokenHeader(), null);
            assertEquals(501, r.status());
            assertEquals("Method 'GET /nodes/pve1/lxc' not implemented", r.reason());
        }
    }

    @Test
    void injectedStatusAndResetFaultsHitTheNextMatchingRequests() throws Exception {
        faults.next(1, "GET", "/version", HttpFault.respond(596, "Connection timed out"));
        faults.next(1, "POST", "/nodes/.*/qemu", HttpFault.connectionReset());
        try (RawHttps c = client()) {
            RawHttps.Response r = c.send("GET", "/api2/json/version", tokenHeader(), null);
            assertEquals(596, r.status());
            assertEquals("Connection timed out", r.reason());
            assertEquals(200, c.send("GET", "/api2/json/version", tokenHeader(), null).status(), "the rule was used up");
            assertThrows(IOException.class, () -> c.send("POST", "/api2/json/nodes/pve1/qemu", tokenHeader(), "vmid=101"));
        }
        assertEquals(1, seen.stream().filter(r -> r.method().equals("GET")).count(), "a faulted request never reaches the API");
    }

    @Test
    void idleKeepAliveConnectionsAreClosedLikePveproxyDoes() throws Exception {
        try (RawHttps c = client()) {
            assertEquals(200, c.send("GET", "/api2/json/version", tokenHeader(), null).status());
            assertTrue(c.closedByServer(), "the server closes the connection once it has idled past keepAliveIdle");
        }
    }

    @Test
    void injected500And503AnswerWithTheMessageAsReasonAndInTheBody() throws Exception {
        // pveproxy puts the error text in the status line and in the body's message (PVE::HTTPServer)
        faults.next(1, "GET", "/version", HttpFault.respond(500, "cfs-lock 'file-user_cfg' error: got lock request timeout"));
        faults.next(1, "GET", "/version", HttpFault.respond(503, "Service Unavailable"));
        try (RawHttps c = client()) {
            RawHttps.Response failed = c.send("GET", "/api2/json/version", tokenHeader(), null);
            assertEquals(500, failed.status());
            assertEquals("cfs-lock 'file-user_cfg' error: got lock request timeout", failed.reason());
            assertEquals("cfs-lock 'file-user_cfg' error: got lock request timeout\n", JSON.readTree(failed.body()).path("message").asText());
            assertTrue(JSON.readTree(failed.body()).get("data").isNull());
            RawHttps.Response unavailable = c.send("GET", "/api2/json/version", tokenHeader(), null);
            assertEquals(503, unavailable.status());
            assertEquals("Service Unavailable", unavailable.reason());
            assertEquals("Service Unavailable\n", JSON.readTree(unavailable.body()).path("message").asText());
            assertEquals(200, c.send("GET", "/api2/json/version", tokenHeader(), null).status(), "both rules were used up");
        }
        assertEquals(1, seen.size(), "only the last request reached the API");
    }

    @Test
    void latencyAndAFaultsDelayAreWaitedThroughTheSleeper() throws Exception {
        List<Duration> waits = new CopyOnWriteArrayList<>();
        faults.sleeper(waits::add).latency(Duration.ofMillis(250));
        faults.next(1, "GET", "/version", HttpFault.delay(Duration.ofSeconds(2)));
        try (RawHttps c = client()) {
            assertEquals(200, c.send("GET", "/api2/json/version", tokenHeader(), null).status(), "a delayed request is still served");
            assertEquals(200, c.send("GET", "/api2/json/version", tokenHeader(), null).status());
        }
        assertEquals(List.of(Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofMillis(250)), waits);
        faults.clear();
        waits.clear();
        try (RawHttps c = client()) {
            assertEquals(200, c.send("GET", "/api2/json/version", tokenHeader(), null).status());
        }
        assertEquals(List.of(), waits, "no latency, no wait");
    }

    // Task faults come from the fake cluster behind a whole simulator, on a virtual clock: a task
    // ends when the test advances the clock, so "still running" is a state, not a race.

    private static final String CREATE = "vmid=100&name=web01&memory=2048&scsi0=local-lvm%3A4&net0=virtio%2Cbridge%3Dvmbr0";

    private record Sim(ai.thinkheads.phoenix.testkit.FakeClock clock, ai.thinkheads.phoenix.testkit.FakeHypervisor fake,
            PveSimulator sim) implements AutoCloseable {
        static Sim start() {
            var clock = new ai.thinkheads.phoenix.testkit.FakeClock();
            var fake = ai.thinkheads.phoenix.testkit.FakeHypervisor.builder().time(clock).build();
            return new Sim(clock, fake, PveSimulator.over(fake.cluster()).build().start());
        }

        RawHttps.Response send(String method, String path, String body) throws Exception {
            try (RawHttps c = new RawHttps(sim.certificateForTests(), sim.httpPort())) {
                return c.send(method, "/api2/json" + path, Map.of("Authorization", "PVEAPIToken=" + sim.apiTokenHeaderValue()), body);
            }
        }

        String upid(RawHttps.Response r) throws Exception {
            assertEquals(200, r.status(), r.reason());
            return JSON.readTree(r.body()).path("data").asText();
        }

        JsonNode status(String upid) throws Exception {
            RawHttps.Response r = send("GET", "/nodes/pve/tasks/" + URLEncoder.encode(upid, StandardCharsets.UTF_8) + "/status", null);
            assertEquals(200, r.status(), r.reason());
            return JSON.readTree(r.body()).path("data");
        }

        List<String> log(String upid) throws Exception {
            RawHttps.Response r = send("GET", "/nodes/pve/tasks/" + URLEncoder.encode(upid, StandardCharsets.UTF_8) + "/log", null);
            assertEquals(200, r.status(), r.reason());
            List<String> lines = new java.util.ArrayList<>();
            JSON.readTree(r.body()).path("data").forEach(l -> lines.add(l.path("t").asText()));
            return lines;
        }

        @Override
        public void close() {
            sim.close();
            fake.close();
        }
    }

    @Test
    void aSlowTaskIsStillRunningWhenPolledAndHoldsItsLockSoAWriteTimesOut() throws Exception {
        try (Sim s = Sim.start()) {
            s.fake().faults().delayNextTask(Duration.ofHours(1));
            String upid = s.upid(s.send("POST", "/nodes/pve/qemu", CREATE));
            s.clock().advance(Duration.ofMinutes(5));
            JsonNode running = s.status(upid);
            assertEquals("running", running.path("status").asText());
            assertFalse(running.has("exitstatus"), running.toString());
            // qemu-server lock_config: a write waits for the lock, then gives up (PVE::Tools::lock_file_full)
            RawHttps.Response locked = s.send("PUT", "/nodes/pve/qemu/100/config", "description=x");
            assertEquals(500, locked.status());
            assertEquals("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout", locked.reason());
            s.clock().advance(Duration.ofHours(1));
            assertEquals("OK", s.status(upid).path("exitstatus").asText(), "it ends once its time has passed");
        }
    }

    @Test
    void aFailingTaskEndsWithItsErrorAsExitStatusAndInTheLogTail() throws Exception {
        try (Sim s = Sim.start()) {
            s.upid(s.send("POST", "/nodes/pve/qemu", CREATE));
            s.clock().advance(Duration.ofMinutes(10));
            s.fake().faults().failNextTask("start failed: QEMU exited with code 1");
            String upid = s.upid(s.send("POST", "/nodes/pve/qemu/100/status/start", ""));
            s.clock().advance(Duration.ofMinutes(10));
            JsonNode status = s.status(upid);
            assertEquals("stopped", status.path("status").asText());
            assertEquals("start failed: QEMU exited with code 1", status.path("exitstatus").asText());
            List<String> log = s.log(upid);
            assertEquals("TASK ERROR: start failed: QEMU exited with code 1", log.get(log.size() - 1), log.toString());
        }
    }

    @Test
    void aTaskEndingWithWarningsSaysHowMany() throws Exception {
        try (Sim s = Sim.start()) {
            s.fake().faults().warnNextTask(2);
            String upid = s.upid(s.send("POST", "/nodes/pve/qemu", CREATE));
            s.clock().advance(Duration.ofMinutes(10));
            JsonNode status = s.status(upid);
            assertEquals("stopped", status.path("status").asText());
            assertEquals("WARNINGS: 2", status.path("exitstatus").asText());
            List<String> log = s.log(upid);
            assertEquals("TASK WARNINGS: 2", log.get(log.size() - 1), log.toString());
            assertEquals(200, s.send("GET", "/nodes/pve/qemu/100/config", null).status(), "the work was done");
        }
    }
}
