package ai.thinkheads.phoenix.backend.api;

import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.PASSWORD;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.TOKEN_ID;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.TOKEN_SECRET;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.UPID_START;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.fixture;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.fixtureCsrf;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.fixtureTicket;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.ticketFixture;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.ticketReply;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.hypervisor.AuthenticationException;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SchemaCoverage.class)
class AuthenticationTest {

    private final ManualTime time = new ManualTime();
    private static final VmRef VM = VmRef.of("pve1", 100);

    private static String cookieOf(String ticket) {
        return "PVEAuthCookie=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8);
    }

    @Test
    void apiTokenGoesInTheAuthorizationHeaderAndNoCsrfOrCookieIsSent() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.tokenApi(server, time).build()) {
            server.data("\"100\"");
            server.upid(UPID_START);
            api.nextFreeVmid();
            api.start(VM);

            for (RecordedRequest r : List.of(server.take(), server.take())) {
                assertEquals("PVEAPIToken=" + TOKEN_ID + "=" + TOKEN_SECRET, r.getHeader("Authorization"));
                assertNull(r.getHeader("CSRFPreventionToken"), r.getMethod());
                assertNull(r.getHeader("Cookie"), r.getMethod());
            }
            assertEquals(2, server.requestCount(), "no login round trip with a token");
        }
    }

    @Test
    void passwordLoginSendsTheFormAndThenTheCookieWithCsrfOnWritesOnly() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.passwordApi(server, time).build()) {
            server.enqueue(SchemaCheckingServer.json(200, ticketFixture()));
            server.data("\"100\"");
            server.upid(UPID_START);
            server.data("{\"scsi0\":\"local-lvm:vm-100-disk-0,size=32G\",\"digest\":\"d\"}");
            server.data("\"UPID:pve1:00001111:0ABCDEF0:65A1B2C3:resize:100:root@pam:\"");
            server.upid("UPID:pve1:00002222:0ABCDEF0:65A1B2C3:qmdestroy:100:root@pam:");

            assertEquals(100, api.nextFreeVmid());
            api.start(VM);
            api.getConfig(VM);
            api.resizeDisk(VM, "scsi0", DiskSize.ofGiB(40));
            api.destroy(VM, DestroyOptions.everything());

            RecordedRequest login = server.take();
            assertEquals("POST /api2/json/access/ticket HTTP/1.1", login.getRequestLine());
            assertTrue(login.getHeader("Content-Type").startsWith("application/x-www-form-urlencoded"));
            assertEquals(Map.of("username", List.of("root@pam"), "password", List.of(PASSWORD)),
                    SchemaCheckingServer.parameters(login));
            assertNull(login.getHeader("Cookie"));
            assertNull(login.getHeader("Authorization"));
            assertNull(login.getHeader("CSRFPreventionToken"));

            RecordedRequest get = server.take();
            assertEquals("GET", get.getMethod());
            assertEquals(cookieOf(fixtureTicket()), get.getHeader("Cookie"));
            assertNull(get.getHeader("CSRFPreventionToken"), "no CSRF token on reads");
            assertNull(get.getHeader("Authorization"));

            for (String method : List.of("POST", "GET", "PUT", "DELETE")) {
                RecordedRequest next = server.take();
                assertEquals(method, next.getMethod());
                assertEquals(cookieOf(fixtureTicket()), next.getHeader("Cookie"));
                assertEquals(method.equals("GET") ? null : fixtureCsrf(), next.getHeader("CSRFPreventionToken"));
            }
        }
    }

    @Test
    void theTicketIsRenewedWithItselfBeforeItsTwoHoursRunOut() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.passwordApi(server, time).ticketRenewal(Duration.ofMinutes(90)).build()) {
            server.enqueue(SchemaCheckingServer.json(200, ticketFixture()));
            server.data("\"100\"");
            server.data("\"101\"");
            server.enqueue(SchemaCheckingServer.json(200, ticketReply("PVE:root@pam:64E11AAA::renewed", "64E11AAA:renewedcsrf")));
            server.data("\"102\"");

            api.nextFreeVmid();
            time.advance(Duration.ofMinutes(89));
            api.nextFreeVmid(); // still the first ticket
            time.advance(Duration.ofMinutes(2));
            assertEquals(102, api.nextFreeVmid()); // 91 minutes: renewed first

            server.take();
            server.take();
            assertEquals(cookieOf(fixtureTicket()), server.take().getHeader("Cookie"));
            RecordedRequest renewal = server.take();
            assertEquals("/api2/json/access/ticket", renewal.getRequestUrl().encodedPath());
            assertEquals(Map.of("username", List.of("root@pam"), "password", List.of(fixtureTicket())),
                    SchemaCheckingServer.parameters(renewal), "renewal sends the current ticket as password");
            assertEquals(cookieOf("PVE:root@pam:64E11AAA::renewed"), server.take().getHeader("Cookie"));
        }
    }

    @Test
    void aTicketPastItsLifeIsReplacedByAFullLogin() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.passwordApi(server, time).build()) {
            server.enqueue(SchemaCheckingServer.json(200, ticketFixture()));
            server.data("\"100\"");
            server.enqueue(SchemaCheckingServer.json(200, ticketReply("PVE:root@pam:64E11AAA::fresh", "64E11AAA:c")));
            server.data("\"101\"");

            api.nextFreeVmid();
            time.advance(Duration.ofHours(3));
            api.nextFreeVmid();

            server.take();
            server.take();
            assertEquals(List.of(PASSWORD), SchemaCheckingServer.parameters(server.take()).get("password"));
            assertEquals(cookieOf("PVE:root@pam:64E11AAA::fresh"), server.take().getHeader("Cookie"));
        }
    }

    @Test
    void a401LogsInAgainOnceAndRepeatsTheRequest() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.passwordApi(server, time).build()) {
            server.enqueue(SchemaCheckingServer.json(200, ticketFixture()));
            server.enqueue(SchemaCheckingServer.error(401, "invalid PVE ticket", "{\"data\":null}"));
            server.enqueue(SchemaCheckingServer.json(200, ticketReply("PVE:root@pam:64E11AAA::again", "64E11AAA:c2")));
            server.upid(UPID_START);

            api.start(VM);

            assertEquals("/api2/json/access/ticket", server.take().getRequestUrl().encodedPath());
            assertEquals(cookieOf(fixtureTicket()), server.take().getHeader("Cookie"));
            RecordedRequest relogin = server.take();
            assertEquals(List.of(PASSWORD), SchemaCheckingServer.parameters(relogin).get("password"));
            RecordedRequest retried = server.take();
            assertEquals("/api2/json/nodes/pve1/qemu/100/status/start", retried.getRequestUrl().encodedPath());
            assertEquals(cookieOf("PVE:root@pam:64E11AAA::again"), retried.getHeader("Cookie"));
            assertEquals("64E11AAA:c2", retried.getHeader("CSRFPreventionToken"));
        }
    }

    @Test
    void aSecond401InARowIsAnAuthenticationFailure() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.passwordApi(server, time).build()) {
            server.enqueue(SchemaCheckingServer.json(200, ticketFixture()));
            server.enqueue(SchemaCheckingServer.error(401, "invalid PVE ticket", "{\"data\":null}"));
            server.enqueue(SchemaCheckingServer.json(200, ticketFixture()));
            server.enqueue(SchemaCheckingServer.error(401, "invalid PVE ticket", "{\"data\":null}"));

            AuthenticationException e = assertThrows(AuthenticationException.class, api::nextFreeVmid);
            assertEquals("invalid PVE ticket", e.getMessage());
            assertEquals(4, server.requestCount());
        }
    }

    @Test
    void aRefusedLoginIsAnAuthenticationFailure() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.passwordApi(server, time).build()) {
            server.enqueue(SchemaCheckingServer.error(401, "authentication failure", "{\"data\":null}"));
            AuthenticationException e = assertThrows(AuthenticationException.class, api::listVms);
            assertEquals("authentication failure", e.getMessage());
            assertEquals(1, server.requestCount(), "a refused login is not repeated");
        }
    }

    @Test
    void a401WithATokenIsNotRetried() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.tokenApi(server, time).build()) {
            server.enqueue(SchemaCheckingServer.error(401, "invalid token value!", "{\"data\":null,\"message\":\"invalid token value!\\n\"}"));
            AuthenticationException e = assertThrows(AuthenticationException.class, api::listVms);
            assertEquals("invalid token value!", e.getMessage());
            assertEquals(1, server.requestCount());
        }
    }

    @Test
    void totpIsTheSecondStepOfALoginThatNeedsIt() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.passwordApi(server, time)
                     .credentials(Credentials.password("admin@pve", Secret.of(PASSWORD)).withTotp(() -> Secret.of("123456")))
                     .build()) {
            server.data("{\"username\":\"admin@pve\",\"ticket\":\"PVE:!tfa!admin@pve:64E10CBA::half\",\"NeedTFA\":1,"
                    + "\"CSRFPreventionToken\":\"64E10CBA:half\"}");
            server.enqueue(SchemaCheckingServer.json(200, ticketReply("PVE:admin@pve:64E10CBA::full", "64E10CBA:full")));
            server.data("\"100\"");

            api.nextFreeVmid();

            assertEquals(Map.of("username", List.of("admin@pve"), "password", List.of(PASSWORD)),
                    SchemaCheckingServer.parameters(server.take()));
            assertEquals(Map.of("username", List.of("admin@pve"), "tfa-challenge", List.of("PVE:!tfa!admin@pve:64E10CBA::half"),
                    "password", List.of("totp:123456")), SchemaCheckingServer.parameters(server.take()));
            assertEquals(cookieOf("PVE:admin@pve:64E10CBA::full"), server.take().getHeader("Cookie"));
        }
    }

    @Test
    void aLoginThatNeedsASecondFactorFailsWithoutOne() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.passwordApi(server, time).build()) {
            server.data("{\"username\":\"root@pam\",\"ticket\":\"PVE:!tfa!root@pam:64E10CBA::half\",\"NeedTFA\":1}");
            AuthenticationException e = assertThrows(AuthenticationException.class, api::nextFreeVmid);
            assertTrue(e.getMessage().contains("second factor"), e.getMessage());
            assertFalse(e.getMessage().contains("half"), "the half ticket stays out of the message");
        }
    }

    @Test
    void credentialsAndSecretsPrintNoSecret() {
        Credentials token = Credentials.apiToken(TOKEN_ID, Secret.of(TOKEN_SECRET));
        Credentials pw = Credentials.password("root@pam", Secret.of(PASSWORD)).withTotp(() -> Secret.of("1"));
        assertEquals("Credentials[token phoenix@pve!deploy]", token.toString());
        assertEquals("Credentials[password root@pam + TOTP]", pw.toString());
        assertEquals("Secret[redacted]", Secret.of(PASSWORD).toString());
        assertEquals(Secret.of("a-b-c"), Secret.of("a-b-c"));
        assertThrows(IllegalArgumentException.class, () -> Credentials.apiToken("root@pam", Secret.of("x")));
        assertThrows(IllegalArgumentException.class, () -> Credentials.password("root", Secret.of("x")));
        assertThrows(IllegalArgumentException.class, () -> Secret.of(""));
        assertThrows(IllegalStateException.class, () -> token.withTotp(() -> Secret.of("1")));
    }

    @Test
    void fixtureTicketIsWhatTheTestsThinkItIs() {
        assertTrue(fixtureTicket().startsWith("PVE:root@pam:64E10CBA::"));
        assertTrue(fixture("access-ticket.response.pve8.json").contains(fixtureCsrf()));
    }
}
