package ai.thinkheads.phoenix.backend.api;

import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.fixture;
import static ai.thinkheads.phoenix.backend.api.SchemaCheckingServer.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.AlreadyExistsException;
import ai.thinkheads.phoenix.hypervisor.AuthenticationException;
import ai.thinkheads.phoenix.hypervisor.ConfigModifiedException;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PermissionDeniedException;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import java.io.IOException;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each error shape pveproxy produces, through the wire, and the one mapping behind them. */
@ExtendWith(SchemaCoverage.class)
class ErrorMappingTest {

    private static final VmRef VM = VmRef.of("pve1", 100);
    private static final String NULL_BODY = "{\"data\":null}";

    private final ManualTime time = new ManualTime();
    private SchemaCheckingServer server;
    private ProxmoxApi api;

    @BeforeEach
    void start() throws Exception {
        server = new SchemaCheckingServer().start();
        api = ApiTestSupport.tokenApi(server, time).build();
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
        server.close();
    }

    @Test
    void http400WithAnErrorsMapNamesEachParameter() {
        server.enqueue(error(400, "Parameter verification failed.", fixture("cluster-nextid.vmid-exists.400.response.json")));
        ParameterRejectedException e = assertThrows(ParameterRejectedException.class, api::nextFreeVmid);
        assertEquals(Map.of("vmid", "VM 200 already exists"), e.errors());
        assertEquals("Parameter verification failed." + System.lineSeparator() + "vmid: VM 200 already exists", e.getMessage());
    }

    @Test
    void http400FromAConfigUpdateCarriesNodeAndVmid() {
        server.enqueue(error(400, "Parameter verification failed.",
                "{\"data\":null,\"errors\":{\"net0\":\"invalid format - format error\\nnet0.model: value 'x' does not have a value in the enumeration\\n\","
                        + "\"cores\":\"type check ('integer') failed - got 'two'\\n\"},\"message\":\"Parameter verification failed.\\n\"}"));
        ParameterRejectedException e = assertThrows(ParameterRejectedException.class,
                () -> api.updateConfig(VM, ConfigUpdate.set("cores", "4")));
        assertEquals("type check ('integer') failed - got 'two'", e.errors().get("cores"));
        assertTrue(e.errors().get("net0").startsWith("invalid format"));
        assertEquals("pve1", e.node().orElseThrow());
        assertEquals(100, e.vmid().orElseThrow());
    }

    @Test
    void http500TakesTheBodysMessageSincePve83() {
        server.enqueue(error(500, "Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist",
                "{\"data\":null,\"message\":\"Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist\\n\"}"));
        NotFoundException e = assertThrows(NotFoundException.class, () -> api.getConfig(VM));
        assertEquals("Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist", e.getMessage());
        assertEquals(100, e.vmid().orElseThrow());
    }

    @Test
    void http500BeforePve83HasOnlyTheStatusLine() {
        server.enqueue(error(500, "VM 100 already exists", NULL_BODY));
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class, api::nextFreeVmid);
        assertEquals("VM 100 already exists", e.getMessage());
    }

    @Test
    void aNonJsonErrorBodyFallsBackToTheReasonPhrase() {
        server.enqueue(new MockResponse().setStatus("HTTP/1.1 500 VM is locked (snapshot)")
                .setHeader("Content-Type", "text/html").setBody("<html><body>oops</body></html>"));
        LockedException e = assertThrows(LockedException.class, () -> api.start(VM));
        assertEquals("snapshot", e.lock().orElseThrow());
        assertEquals("VM is locked (snapshot)", e.getMessage());
    }

    @Test
    void http401And403() {
        server.enqueue(error(401, "permission denied - invalid PVE ticket", NULL_BODY));
        server.enqueue(error(403, "Permission check failed (/vms/100, VM.PowerMgmt)",
                "{\"data\":null,\"message\":\"Permission check failed (/vms/100, VM.PowerMgmt)\\n\"}"));
        assertEquals("permission denied - invalid PVE ticket",
                assertThrows(AuthenticationException.class, api::listVms).getMessage());
        PermissionDeniedException denied = assertThrows(PermissionDeniedException.class, () -> api.stop(VM));
        assertEquals("Permission check failed (/vms/100, VM.PowerMgmt)", denied.getMessage());
        assertEquals(100, denied.vmid().orElseThrow());
    }

    @Test
    void http596IsATransportFailureAndAGetIsSentOnce() {
        // retries are core's (the planner's reads, the applier's steps): the transport never repeats a request
        server.enqueue(error(596, "Connection timed out", NULL_BODY));
        server.data("\"101\"");
        TransportException e = assertThrows(TransportException.class, api::nextFreeVmid);
        assertTrue(e.requestSent());
        assertEquals(1, server.requestCount());
    }

    @Test
    void http596OnAWriteIsNotRepeated() {
        server.enqueue(error(596, "Connection timed out", NULL_BODY));
        TransportException e = assertThrows(TransportException.class, () -> api.start(VM));
        assertEquals("HTTP 596 from pveproxy: Connection timed out", e.getMessage());
        assertTrue(e.requestSent());
        assertEquals(1, server.requestCount());
    }

    @Test
    void http595IsATransportFailureThatWasNotSentOn() {
        server.enqueue(error(595, "Errors during connection establishment, proxy handshake", NULL_BODY));
        TransportException e = assertThrows(TransportException.class, api::listNodes);
        assertFalse(e.requestSent(), "595: the target node was never reached");
        assertEquals(1, server.requestCount());
    }

    @Test
    void aRequestCutOffAfterSendingIsSentOnceWriteOrRead() {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        TransportException post = assertThrows(TransportException.class, () -> api.start(VM));
        assertTrue(post.requestSent(), "the server may have acted on it");
        assertEquals(1, server.requestCount());

        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        TransportException get = assertThrows(TransportException.class, api::nextFreeVmid);
        assertTrue(get.requestSent());
        assertEquals(2, server.requestCount());
    }

    @Test
    void aRefusedConnectionIsNotSent() throws IOException {
        SchemaCheckingServer gone = new SchemaCheckingServer().start();
        String url = gone.baseUrl();
        gone.close();
        try (ProxmoxApi offline = ProxmoxApi.builder().baseUrl(url).time(time)
                .credentials(Credentials.apiToken(ApiTestSupport.TOKEN_ID, Secret.of(ApiTestSupport.TOKEN_SECRET))).build()) {
            TransportException e = assertThrows(TransportException.class, () -> offline.start(VM));
            assertFalse(e.requestSent());
            assertTrue(e.getMessage().startsWith("POST /nodes/pve1/qemu/100/status/start failed"), e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "detected modified configuration - file changed by other user? Try again.|ConfigModifiedException",
        "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout|LockedException",
        "VM is locked (clone)|LockedException",
        "VM 100 already exists|AlreadyExistsException",
        "unable to create VM 100 - VM 100 already exists on node 'pve2'|AlreadyExistsException",
        "unable to create VM 100 - can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout|LockedException",
        "CT is locked (backup)|LockedException",
        "unable to create VM 100: config file already exists|AlreadyExistsException",
        "Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist|NotFoundException",
        "snapshot 'pre' does not exist|NotFoundException",
        "no such VM ('100')|NotFoundException",
        "hostname lookup 'pve9' failed - failed to get address info for: pve9: Name or service not known|NotFoundException",
        "VM 100 is running - destroy failed|WrongStateException",
        "VM 100 not running|WrongStateException",
        "you can't start a vm if it's a template|WrongStateException",
        "shrinking disks is not supported|WrongStateException",
        "QEMU guest agent is not running|WrongStateException",
        "No QEMU guest agent configured|WrongStateException",
        "got unexpected control message|HypervisorException",
    })
    void texts(String text, String expected) {
        HypervisorException e = PveErrors.toException(500, text, null, "pve1", 100);
        assertEquals(expected, e.getClass().getSimpleName());
        assertEquals(text, e.getMessage());
        assertEquals("pve1", e.node().orElseThrow());
    }

    @Test
    void lockNamesAreKept() {
        assertEquals("clone", ((LockedException) PveErrors.classify("VM is locked (clone)", "pve1", 100)).lock().orElseThrow());
        assertTrue(((LockedException) PveErrors.classify("can't lock file 'x' - got timeout", "pve1", 100)).lock().isEmpty());
        assertInstanceOf(ConfigModifiedException.class, PveErrors.toException(500, "", new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().put("message", "detected modified configuration - file changed by other user? Try again.\n"), null, null));
        assertEquals("HTTP 500", PveErrors.toException(500, "", null, null, null).getMessage());
    }
}
