package ai.thinkheads.phoenix.backend.api;

import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.TOKEN_ID;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.TOKEN_SECRET;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.fixtureCsrf;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.fixtureTicket;
import static ai.thinkheads.phoenix.backend.api.ApiTestSupport.ticketFixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.StorageVolume;
import ai.thinkheads.phoenix.hypervisor.Task;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;

/** The wire shape of the file primitives: pveproxy's multipart upload, the content listing, the delete. */
class UploadWireTest {

    private static final String UPID_IMGCOPY = "UPID:pve1:00003333:0ABCDEF0:65A1B2C3:imgcopy::root@pam:";
    private static final String UPID_IMGDEL = "UPID:pve1:00004444:0ABCDEF0:65A1B2C3:imgdel:local:root@pam:";

    private final ManualTime time = new ManualTime();

    /** Bytes that are not text: every byte value, CR LF and a fake delimiter included. */
    private static byte[] binary() {
        byte[] b = new byte[3000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7);
        }
        byte[] trap = "\r\n--boundary\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(trap, 0, b, 100, trap.length);
        return b;
    }

    @Test
    void anUploadWithATicketIsMultipartInPveproxysFieldOrderWithCsrf() throws Exception {
        byte[] iso = binary();
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.passwordApi(server, time).build()) {
            server.enqueue(SchemaCheckingServer.json(200, ticketFixture()));
            server.upid(UPID_IMGCOPY);

            Task task = api.uploadFile("pve1", "local", StorageContent.ISO, "seed.iso", iso);
            assertEquals(UPID_IMGCOPY, task.upid().orElseThrow().toString());

            server.take(); // the login
            RecordedRequest r = server.take();
            assertEquals("POST /api2/json/nodes/pve1/storage/local/upload HTTP/1.1", r.getRequestLine());
            assertTrue(r.getHeader("Content-Type").matches("multipart/form-data; boundary=\\S+"), r.getHeader("Content-Type"));
            assertEquals(fixtureCsrf(), r.getHeader("CSRFPreventionToken"));
            assertEquals("PVEAuthCookie=" + URLEncoder.encode(fixtureTicket(), StandardCharsets.UTF_8), r.getHeader("Cookie"));
            assertEquals(String.valueOf(r.getBodySize()), r.getHeader("Content-Length"), "pveproxy needs a Content-Length");

            List<SchemaCheckingServer.Part> parts = SchemaCheckingServer.multipartParts(r);
            assertEquals(List.of("form-data; name=\"content\"", "form-data; name=\"checksum-algorithm\"",
                    "form-data; name=\"checksum\"", "form-data; name=\"filename\"; filename=\"seed.iso\""),
                    parts.stream().map(SchemaCheckingServer.Part::disposition).toList(),
                    "pveproxy reads content, checksum-algorithm, checksum, then the file part named 'filename'");
            assertEquals("iso", new String(parts.get(0).body(), StandardCharsets.UTF_8));
            assertEquals("sha256", new String(parts.get(1).body(), StandardCharsets.UTF_8));
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(iso)),
                    new String(parts.get(2).body(), StandardCharsets.UTF_8));
            assertArrayEquals(iso, parts.get(3).body(), "the file part carries the bytes unchanged");
        }
    }

    @Test
    void anUploadWithATokenSendsNoCsrfOrCookie() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.tokenApi(server, time).build()) {
            server.upid(UPID_IMGCOPY);
            api.uploadFile("pve1", "local", StorageContent.IMPORT, "disk.qcow2", new byte[] {1, 2, 3});
            RecordedRequest r = server.take();
            assertEquals("PVEAPIToken=" + TOKEN_ID + "=" + TOKEN_SECRET, r.getHeader("Authorization"));
            assertNull(r.getHeader("CSRFPreventionToken"));
            assertNull(r.getHeader("Cookie"));
            assertEquals(Map.of("content", "import", "checksum-algorithm", "sha256",
                            "checksum", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3})),
                            "filename", "disk.qcow2"),
                    SchemaCheckingServer.multipartFields(r));
        }
    }

    @Test
    void snippetsAndBadNamesAreRefusedWithoutARequest() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.tokenApi(server, time).build()) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> api.uploadFile("pve1", "local", StorageContent.SNIPPETS, "user.yaml", new byte[1]));
            assertTrue(e.getMessage().contains("'snippets'") && e.getMessage().contains("ProxmoxApi"), e.getMessage());
            ParameterRejectedException bad = assertThrows(ParameterRejectedException.class,
                    () -> api.uploadFile("pve1", "local", StorageContent.ISO, "seed.img.txt", new byte[1]));
            assertEquals("wrong file extension", bad.errors().get("filename"));
            assertThrows(ParameterRejectedException.class,
                    () -> api.uploadFile("pve1", "local", StorageContent.ISO, "my seed.iso", new byte[1]));
            assertEquals(0, server.requestCount());
        }
    }

    @Test
    void listVolumesAsksForOneContentTypeAndReadsTheListing() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.tokenApi(server, time).build()) {
            server.data("[{\"volid\":\"local:iso/b.iso\",\"content\":\"iso\",\"format\":\"iso\",\"size\":4096,\"ctime\":1700000000},"
                    + "{\"volid\":\"local:iso/A.iso\",\"content\":\"iso\",\"format\":\"iso\",\"size\":2048}]");
            List<StorageVolume> got = api.listVolumes("pve1", "local", StorageContent.ISO);
            RecordedRequest r = server.take();
            assertEquals("GET /api2/json/nodes/pve1/storage/local/content?content=iso HTTP/1.1", r.getRequestLine());
            assertEquals(List.of(new StorageVolume("local:iso/A.iso", StorageContent.ISO, "iso", 2048),
                    new StorageVolume("local:iso/b.iso", StorageContent.ISO, "iso", 4096)), got);
        }
    }

    @Test
    void deleteVolumeKeepsTheVolumeIdsSlashInThePath() throws Exception {
        try (SchemaCheckingServer server = new SchemaCheckingServer().start();
             ProxmoxApi api = ApiTestSupport.tokenApi(server, time).build()) {
            server.upid(UPID_IMGDEL);
            Task t = api.deleteVolume("pve1", "local:snippets/user-100.yaml");
            assertEquals(UPID_IMGDEL, t.upid().orElseThrow().toString());
            RecordedRequest r = server.take();
            assertEquals("DELETE /api2/json/nodes/pve1/storage/local/content/local:snippets/user-100.yaml HTTP/1.1",
                    r.getRequestLine());
        }
    }
}
