package ai.thinkheads.phoenix.backend.api;

import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.PASSWORD;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.TOKEN_SECRET;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.UPID_CONFIG;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.UPID_START;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.fixtureCsrf;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.fixtureTicket;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.ticketFixture;
import static ai.thinkheads.phoenix.backend.api.SchemaCheckingServer.error;
import static ai.thinkheads.phoenix.backend.api.SchemaCheckingServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskFailedException;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A whole lifecycle against MockWebServer with every secret in play (password, TOTP code, ticket,
 * CSRF token, API token secret, a cloud-init password and password hash, a guest password on a
 * guest command's stdin) through login, create, update, start, destroy, clone, snapshots, resize
 * and the guest agent, with all log output (debug level) and
 * every exception message and {@code toString} captured: none may contain any secret.
 */
@ExtendWith(SchemaCoverage.class)
class SecretsNeverLeakTest {

    private static final String CIPASSWORD = "Cl0ud-Init-Pa55";
    private static final String TOTP = "918273";
    /** A cloud-init password hash and a guest password passed to a guest command on stdin. */
    private static final String CIPASSWORD_HASH = "$6$rounds=4096$saltsalt$CiPasswordHashMustNotLeak";
    private static final String GUEST_SECRET = "guest-Chpasswd-Secret-must-not-leak";
    private static final String RENEWED_TICKET = "PVE:root@pam:64E11AAA::c2lnbmF0dXJlLW9mLXRoZS1yZW5ld2VkLXRpY2tldA==";
    private static final String RENEWED_CSRF = "64E11AAA:cmVuZXdlZC1jc3JmLXRva2Vu";
    private static final VmRef VM = VmRef.of("pve1", 100);

    private final ManualTime time = new ManualTime();
    private final List<String> texts = new ArrayList<>();

    private List<String> secrets() {
        String ticket = fixtureTicket();
        String csrf = fixtureCsrf();
        return List.of(PASSWORD, TOTP, TOKEN_SECRET, CIPASSWORD, CIPASSWORD_HASH, GUEST_SECRET, ticket, ticket.substring(ticket.lastIndexOf(':') + 1),
                csrf, csrf.substring(csrf.indexOf(':') + 1), RENEWED_TICKET, RENEWED_CSRF.substring(9),
                java.net.URLEncoder.encode(ticket, StandardCharsets.UTF_8));
    }

    private void collect(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            texts.add(String.valueOf(c.getMessage()));
            texts.add(c.toString());
        }
    }

    private <T> T capture(Supplier<T> action) {
        try {
            return action.get();
        } catch (HypervisorException e) {
            collect(e);
            return null;
        }
    }

    @Test
    void noSecretInLogsExceptionMessagesOrToString() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            passwordLifecycle();
            tokenLifecycle();
            cloneSnapshotResizeAndAgent();
        } finally {
            System.setErr(original);
        }
        String logText = log.toString(StandardCharsets.UTF_8);
        // the capture works: request lines are there, at debug level
        assertTrue(logText.contains("DEBUG") && logText.contains("POST /access/ticket -> 200"), logText);
        assertTrue(logText.contains("POST /nodes/pve1/qemu -> 200"), logText);
        assertTrue(logText.contains("POST /nodes/pve1/qemu/100/agent/exec -> 200"), logText);
        assertTrue(logText.contains("POST /nodes/pve1/qemu/100/clone -> 200"), logText);
        assertTrue(texts.size() > 10, "exceptions were collected");
        texts.add(logText);

        List<String> leaks = new ArrayList<>();
        for (String secret : secrets()) {
            for (String text : texts) {
                if (text.contains(secret)) {
                    leaks.add("'" + secret + "' in: " + text);
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    private void passwordLifecycle() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.passwordApi(server, time)
                     .credentials(Credentials.password("root@pam", Secret.of(PASSWORD)).withTotp(() -> Secret.of(TOTP)))
                     .build()) {
            texts.add(api.toString());
            // login with a second factor
            server.data("{\"username\":\"root@pam\",\"ticket\":\"PVE:!tfa!root@pam:64E10CBA::aGFsZg==\",\"NeedTFA\":1}");
            server.enqueue(json(200, ticketFixture()));
            server.data("\"100\"");
            assertEquals(100, api.nextFreeVmid());

            // create with a cloud-init password, followed to the end
            server.upid("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmcreate:100:root@pam:");
            server.data("{\"status\":\"stopped\",\"exitstatus\":\"OK\"}");
            CreateRequest request = CreateRequest.of("pve1", 100, Map.of("memory", "2048", "cipassword", CIPASSWORD,
                    "ciuser", "admin", "ipconfig0", "ip=dhcp"));
            texts.add(request.toString());
            texts.add(ConfigUpdate.set("cipassword", CIPASSWORD).toString());
            Task created = api.create(request);
            texts.add(created.toString());
            texts.add(created.await(Duration.ofMinutes(1)).toString());

            // the server echoes the cloud-init password in a parameter error and in a status line
            server.enqueue(error(400, "Parameter verification failed.", "{\"data\":null,\"errors\":{\"cipassword\":"
                    + "\"value '" + CIPASSWORD + "' does not match\\n\"},\"message\":\"Parameter verification failed.\\n\"}"));
            capture(() -> api.updateConfig(VM, ConfigUpdate.set("cipassword", CIPASSWORD)));
            server.enqueue(error(500, "bad value " + CIPASSWORD, "{\"data\":null}"));
            capture(() -> api.updateConfig(VM, ConfigUpdate.set("cipassword", CIPASSWORD)));

            // a proxy that echoes the password and the ticket
            server.enqueue(error(502, "proxy saw password=" + PASSWORD + " and " + fixtureTicket(), "not json"));
            capture(api::listVms);

            // the ticket is revoked: log in again (with a fresh TOTP code), then a failing task
            server.enqueue(error(401, "invalid PVE ticket", "{\"data\":null}"));
            server.data("{\"username\":\"root@pam\",\"ticket\":\"PVE:!tfa!root@pam:64E11AAA::aGFsZg==\",\"NeedTFA\":1}");
            server.enqueue(json(200, ApiTestSupport.ticketReply(RENEWED_TICKET, RENEWED_CSRF)));
            server.upid(UPID_START);
            server.data("{\"status\":\"stopped\",\"exitstatus\":\"start failed: QEMU exited with code 1\"}");
            server.enqueue(json(200, "{\"total\":2,\"data\":[{\"n\":1,\"t\":\"kvm: error\"},{\"n\":2,\"t\":\"TASK ERROR: start failed\"}]}"));
            Task start = api.start(VM);
            TaskFailedException failed = assertThrows(TaskFailedException.class, () -> start.await(Duration.ofMinutes(1)));
            collect(failed);

            // renewal after 91 minutes, then a write cut off after sending
            time.advance(Duration.ofMinutes(91));
            server.enqueue(json(200, ApiTestSupport.ticketReply(RENEWED_TICKET, RENEWED_CSRF)));
            server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
            capture(() -> api.destroy(VM, DestroyOptions.everything()));

            // a refused login
            time.advance(Duration.ofHours(3));
            server.enqueue(error(401, "authentication failure", "{\"data\":null}"));
            capture(api::nextFreeVmid);
        }
    }

    private void tokenLifecycle() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.tokenApi(server, time).build()) {
            texts.add(api.toString());
            server.enqueue(error(401, "invalid token value!", "{\"data\":null}"));
            capture(api::listVms);
            server.enqueue(error(500, "token " + TOKEN_SECRET + " rejected", "{\"data\":null,\"message\":\"token "
                    + TOKEN_SECRET + " rejected\\n\"}"));
            capture(api::listNodes);
            server.upid(UPID_CONFIG);
            texts.add(api.updateConfig(VM, ConfigUpdate.set("cipassword", CIPASSWORD)).toString());
        }
        assertFalse(texts.isEmpty());
    }

    /**
     * Clone, snapshots, resize and the guest agent with the token secret in play, a cloud-init
     * password hash in the config, and a guest password on a guest command's stdin, which the
     * server echoes back in an error.
     */
    private void cloneSnapshotResizeAndAgent() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.tokenApi(server, time).build()) {
            server.upid(UPID_CONFIG);
            texts.add(api.updateConfig(VM, ConfigUpdate.set("cipassword", CIPASSWORD_HASH)).toString());
            server.data("{\"cipassword\":\"**********\",\"ciuser\":\"admin\",\"scsi0\":\"local-lvm:vm-100-disk-0,size=32G\",\"digest\":\"d\"}");
            texts.add(api.getConfig(VM).toString());

            server.upid("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmclone:100:root@pam!ci:");
            server.data("{\"status\":\"stopped\",\"exitstatus\":\"OK\"}");
            CloneRequest clone = CloneRequest.full(101, "web02").toStorage("local-lvm");
            texts.add(clone.toString());
            Task cloned = api.clone(VM, clone);
            texts.add(cloned.toString());
            texts.add(cloned.await(Duration.ofMinutes(1)).toString());

            server.upid("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmsnapshot:100:root@pam!ci:");
            server.data("{\"status\":\"stopped\",\"exitstatus\":\"WARNINGS: 1\"}");
            server.enqueue(json(200, "{\"total\":2,\"data\":[{\"n\":1,\"t\":\"WARN: no vmstate\"},{\"n\":2,\"t\":\"TASK WARNINGS: 1\"}]}"));
            texts.add(api.createSnapshot(VM, "s1", "before", false).await(Duration.ofMinutes(1)).toString());
            server.data("[{\"name\":\"current\",\"description\":\"You are here!\",\"parent\":\"s1\"},{\"name\":\"s1\",\"description\":\"before\",\"snaptime\":1737549549}]");
            texts.add(api.listSnapshots(VM).toString());
            server.upid("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmrollback:100:root@pam!ci:");
            texts.add(api.rollbackSnapshot(VM, "s1").toString());
            server.upid("UPID:pve1:00001234:0ABCDEF0:65A1B2C3:qmdelsnapshot:100:root@pam!ci:");
            texts.add(api.deleteSnapshot(VM, "s1").toString());

            server.upid("UPID:pve1:00001111:0ABCDEF0:65A1B2C3:resize:100:root@pam!ci:");
            texts.add(api.resizeDisk(VM, "scsi0", DiskSize.ofGiB(64)).toString());

            server.data("{\"result\":{}}");
            api.agentPing(VM);
            server.data("{\"result\":[]}");
            texts.add(api.agentNetworkInterfaces(VM).toString());
            server.data("{\"pid\":77}");
            int pid = api.agentExec(VM, List.of("chpasswd"), "admin:" + GUEST_SECRET);
            server.data("{\"exited\":1,\"exitcode\":0}");
            texts.add(api.agentExecStatus(VM, pid).toString());
            // an agent that fails and echoes what it was given on stdin
            server.enqueue(error(500, "Agent error: chpasswd: input 'admin:" + GUEST_SECRET + "' refused",
                    "{\"data\":null,\"message\":\"Agent error: chpasswd: input 'admin:" + GUEST_SECRET + "' refused\\n\"}"));
            capture(() -> api.agentExec(VM, List.of("chpasswd"), "admin:" + GUEST_SECRET));
        }
    }
}
