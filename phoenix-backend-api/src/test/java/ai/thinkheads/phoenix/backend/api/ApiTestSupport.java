package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.testkit.schema.PveApiReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** Shared values and helpers for the backend tests. */
final class ApiTestSupport {

    static final String TOKEN_ID = "phoenix@pve!deploy";
    static final String TOKEN_SECRET = "5f1c8f0e-6a2b-4d7e-9c3a-0b1d2e3f4a5b";
    static final String USER = "root@pam";
    static final String PASSWORD = "s3cr3t-Pa55word!";

    static final String UPID_START = "UPID:pve1:000FF1FD:10F9374C:630D702C:qmstart:100:root@pam:";
    static final String UPID_CONFIG = "UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmconfig:100:root@pam:";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiTestSupport() {
    }

    /** The API backend talking to {@code sim} over HTTPS with its certificate pinned, as its API token. */
    static ProxmoxApi overSimulator(ai.thinkheads.phoenix.testkit.simulator.PveSimulator sim) {
        return ProxmoxApi.builder()
                .baseUrl(sim.url())
                .defaultNode("pve")
                .credentials(Credentials.apiToken(sim.apiTokenId(), Secret.of(sim.apiTokenSecret())))
                .tls(TlsTrust.pinned(sim.certificateFingerprint()))
                .build();
    }

    static String fixture(String name) {
        return PveApiReference.fixture(name);
    }

    /** A field of the fixture's {@code data}. */
    static String fixtureData(String name, String field) {
        try {
            JsonNode n = JSON.readTree(fixture(name)).path("data").path(field);
            return n.asText();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String ticketFixture() {
        return fixture("access-ticket.response.pve8.json");
    }

    static String fixtureTicket() {
        return fixtureData("access-ticket.response.pve8.json", "ticket");
    }

    static String fixtureCsrf() {
        return fixtureData("access-ticket.response.pve8.json", "CSRFPreventionToken");
    }

    /** A ticket reply with other values than the fixture, for renewals. */
    static String ticketReply(String ticket, String csrf) {
        return "{\"data\":{\"username\":\"root@pam\",\"ticket\":\"" + ticket + "\",\"CSRFPreventionToken\":\"" + csrf
                + "\",\"clustername\":\"pve-cluster\",\"cap\":{}}}";
    }

    static ProxmoxApi.Builder tokenApi(SchemaCheckingServer server, ManualTime time) {
        return ProxmoxApi.builder().baseUrl(server.baseUrl()).defaultNode("pve1")
                .credentials(Credentials.apiToken(TOKEN_ID, Secret.of(TOKEN_SECRET))).time(time).requestTimeout(java.time.Duration.ofSeconds(10));
    }

    static ProxmoxApi.Builder passwordApi(SchemaCheckingServer server, ManualTime time) {
        return ProxmoxApi.builder().baseUrl(server.baseUrl()).defaultNode("pve1")
                .credentials(Credentials.password(USER, Secret.of(PASSWORD))).time(time).requestTimeout(java.time.Duration.ofSeconds(10));
    }
}
