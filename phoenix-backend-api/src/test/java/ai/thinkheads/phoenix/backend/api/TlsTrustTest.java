package ai.thinkheads.phoenix.backend.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.backend.api.TestCertificates.Issued;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** MockWebServer over HTTPS with generated certificates, against each {@link TlsTrust} mode. */
@ExtendWith(SchemaCoverage.class)
class TlsTrustTest {

    private static Issued clusterCa;
    private static Issued nodeCert;        // signed by clusterCa, for localhost
    private static Issued selfSigned;      // a lone node certificate
    private static Issued expired;         // signed by clusterCa, expired yesterday
    private static Issued otherHost;       // signed by clusterCa, for pve9.example

    private final ManualTime time = new ManualTime();

    @BeforeAll
    static void certificates() throws Exception {
        clusterCa = TestCertificates.ca("Proxmox Virtual Environment");
        nodeCert = TestCertificates.validServer(clusterCa, "localhost");
        selfSigned = TestCertificates.validServer(null, "localhost");
        expired = TestCertificates.server(clusterCa, "localhost", Instant.now().minus(Duration.ofDays(400)),
                Instant.now().minus(Duration.ofDays(1)));
        otherHost = TestCertificates.validServer(clusterCa, "pve9.example");
    }

    private SchemaCheckingServer serving(Issued cert) throws Exception {
        return new SchemaCheckingServer().https(TestCertificates.serverSockets(cert)).start();
    }

    private ProxmoxApi api(SchemaCheckingServer server, TlsTrust tls) {
        return ApiTestSupport.tokenApi(server, time).baseUrl(server.httpsBaseUrl()).tls(tls).build();
    }

    private static void assertRefusedWithFingerprint(UntrustedCertificateException e, Issued offered) {
        assertEquals(offered.fingerprint(), e.offeredFingerprint());
        assertTrue(e.getMessage().contains("SHA-256 fingerprint " + offered.fingerprint()), e.getMessage());
        assertFalse(e.requestSent());
    }

    @Test
    void aMatchingPinConnectsWhateverTheSpelling() throws Exception {
        String lowerNoColons = selfSigned.fingerprint().replace(":", "").toLowerCase();
        try (SchemaCheckingServer server = serving(selfSigned);
             ProxmoxApi pve = api(server, TlsTrust.pinned("00:" + "11:".repeat(30) + "22", lowerNoColons))) {
            server.data("\"100\"");
            assertEquals(100, pve.nextFreeVmid());
            assertEquals("PVEAPIToken=" + ApiTestSupport.TOKEN_ID + "=" + ApiTestSupport.TOKEN_SECRET,
                    server.take().getHeader("Authorization"));
        }
    }

    @Test
    void aWrongPinIsRefusedNamingTheOfferedFingerprint() throws Exception {
        try (SchemaCheckingServer server = serving(selfSigned);
             ProxmoxApi pve = api(server, TlsTrust.pinned(nodeCert.fingerprint()))) {
            UntrustedCertificateException e = assertThrows(UntrustedCertificateException.class, pve::nextFreeVmid);
            assertRefusedWithFingerprint(e, selfSigned);
            assertTrue(e.getMessage().contains("does not match the pinned fingerprint"), e.getMessage());
            assertEquals(0, server.requestCount());
        }
    }

    @Test
    void anUnknownCaIsRefusedByTheSystemTrustStore() throws Exception {
        try (SchemaCheckingServer server = serving(nodeCert); ProxmoxApi pve = api(server, TlsTrust.system())) {
            UntrustedCertificateException e = assertThrows(UntrustedCertificateException.class, pve::listVms);
            assertRefusedWithFingerprint(e, nodeCert);
            assertInstanceOfTransport(e);
        }
    }

    @Test
    void theClusterCaFromAPemFileIsTrusted(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("pve-root-ca.pem");
        Files.writeString(pem, TestCertificates.pem(clusterCa.certificate()), StandardCharsets.US_ASCII);
        try (SchemaCheckingServer server = serving(nodeCert); ProxmoxApi pve = api(server, TlsTrust.customCa(pem))) {
            server.data("\"100\"");
            assertEquals(100, pve.nextFreeVmid());
        }
    }

    @Test
    void anExpiredCertificateIsRefusedUnderTheRightCaAndWhenPinned() throws Exception {
        String caPem = TestCertificates.pem(clusterCa.certificate());
        try (SchemaCheckingServer server = serving(expired); ProxmoxApi pve = api(server, TlsTrust.customCa(caPem))) {
            assertRefusedWithFingerprint(assertThrows(UntrustedCertificateException.class, pve::nextFreeVmid), expired);
        }
        try (SchemaCheckingServer server = serving(expired);
             ProxmoxApi pve = api(server, TlsTrust.pinned(expired.fingerprint()))) {
            UntrustedCertificateException e = assertThrows(UntrustedCertificateException.class, pve::nextFreeVmid);
            assertRefusedWithFingerprint(e, expired);
            assertTrue(e.getMessage().contains("validity"), e.getMessage());
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnderTheCaButAcceptedByItsPin() throws Exception {
        String caPem = TestCertificates.pem(clusterCa.certificate());
        try (SchemaCheckingServer server = serving(otherHost); ProxmoxApi pve = api(server, TlsTrust.customCa(caPem))) {
            UntrustedCertificateException e = assertThrows(UntrustedCertificateException.class, pve::nextFreeVmid);
            assertRefusedWithFingerprint(e, otherHost);
            assertTrue(e.getMessage().contains("not valid for host name localhost"), e.getMessage());
        }
        try (SchemaCheckingServer server = serving(otherHost);
             ProxmoxApi pve = api(server, TlsTrust.pinned(otherHost.fingerprint()))) {
            server.data("\"100\"");
            assertEquals(100, pve.nextFreeVmid(), "a pin is the identity: the host name is not checked");
        }
    }

    @Test
    void trustAllConnectsToAnythingAndSaysSoAtWarn() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (SchemaCheckingServer server = serving(expired)) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            ProxmoxApi pve;
            try {
                pve = api(server, TlsTrust.insecureTrustAll());
            } finally {
                System.setErr(original);
            }
            try (pve) {
                server.data("\"100\"");
                assertEquals(100, pve.nextFreeVmid());
            }
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("WARN") && log.contains("TLS certificate verification is DISABLED"), log);
    }

    @Test
    void fingerprintsAreNormalizedAndChecked() throws Exception {
        String fp = selfSigned.fingerprint();
        assertTrue(fp.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fp);
        assertEquals(fp, TlsTrust.normalizeFingerprint(fp.toLowerCase().replace(":", "")));
        assertThrows(IllegalArgumentException.class, () -> TlsTrust.pinned("AB:CD"));
        assertThrows(IllegalArgumentException.class, () -> TlsTrust.pinned());
        assertThrows(IllegalArgumentException.class, () -> TlsTrust.customCa("not a certificate"));
        assertEquals("TlsTrust[pinned [" + fp + "]]", TlsTrust.pinned(fp).toString());
    }

    private static void assertInstanceOfTransport(UntrustedCertificateException e) {
        assertTrue(e instanceof TransportException, "a refused certificate is a transport failure");
    }
}
