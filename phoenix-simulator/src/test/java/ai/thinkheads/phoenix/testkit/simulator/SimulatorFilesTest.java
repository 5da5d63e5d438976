package ai.thinkheads.phoenix.testkit.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.schema.SchemaAudit;
import ai.thinkheads.phoenix.testkit.simulator.ssh.CliInterpreter;
import ai.thinkheads.phoenix.testkit.simulator.ssh.CliResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Files through the simulator's faces: pveproxy's multipart upload, the content listing, the SSH face's writes. */
class SimulatorFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String B = "XyZzY42";

    /** Every byte value, CR LF, and text that looks like a delimiter without being one. */
    private static byte[] binary() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 1024; i++) {
            out.write(i);
        }
        out.writeBytes(("\r\n--" + B + "x\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] multipart(byte[] file, String... fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < fields.length; i += 2) {
            out.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\nContent-Length: "
                    + fields[i + 1].length() + "\r\n\r\n" + fields[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + B + "\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"seed.iso\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + B + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    // ---- pveproxy's multipart parsing -----------------------------------------------------

    @Test
    void theFieldsInPveproxysOrderAndTheFileBytesExactly() throws Exception {
        byte[] file = binary();
        MultipartUpload.Parsed p = MultipartUpload.parse(multipart(file, "content", "iso", "checksum-algorithm", "sha256",
                "checksum", "abc"), B);
        assertEquals(Map.of("content", "iso", "checksum-algorithm", "sha256", "checksum", "abc", "filename", "seed.iso"),
                p.fields());
        assertArrayEquals(file, p.file());
        assertEquals(B, MultipartUpload.boundary("multipart/form-data; boundary=" + B));
        assertEquals(null, MultipartUpload.boundary("application/x-www-form-urlencoded"));
    }

    @Test
    void pveproxyRefusesWhatItCannotTakeApart() {
        MultipartUpload.Refused outOfOrder = assertThrows(MultipartUpload.Refused.class, () -> MultipartUpload.parse(
                multipart(new byte[] {1}, "content", "iso", "checksum", "abc", "checksum-algorithm", "sha256"), B));
        assertTrue(outOfOrder.getMessage().startsWith("wrong Content-Disposition 'form-data; name=\"checksum\""),
                outOfOrder.getMessage());
        byte[] wrongName = new String(multipart(new byte[] {1}, "content", "iso"), StandardCharsets.ISO_8859_1)
                .replace("name=\"filename\"; filename", "name=\"file\"; filename").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("wrong field name 'file' for file upload, expected 'filename'",
                assertThrows(MultipartUpload.Refused.class, () -> MultipartUpload.parse(wrongName, B)).getMessage());
        byte[] noFile = ("--" + B + "\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\niso\r\n--" + B + "--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals("upload failed", assertThrows(MultipartUpload.Refused.class, () -> MultipartUpload.parse(noFile, B)).getMessage());
    }

    // ---- through the faces ----------------------------------------------------------------

    private static PveSimulator simulator(FakeHypervisor fake) {
        return PveSimulator.over(fake.cluster()).requestValidator(SchemaAudit.shared()::check).build().start();
    }

    @Test
    void anHttpUploadBecomesAnImgcopyTaskAndTheVolumeHoldsTheBytes() throws Exception {
        FakeHypervisor fake = FakeHypervisor.builder().realTime().defaultTaskDuration(Duration.ofMillis(5)).build();
        byte[] file = binary();
        try (PveSimulator sim = simulator(fake);
             RawHttps c = new RawHttps(sim.certificateForTests(), sim.httpPort())) {
            RawHttps.Response r = c.sendBytes("POST", "/api2/json/nodes/pve/storage/local/upload",
                    Map.of("Authorization", "PVEAPIToken=" + sim.apiTokenHeaderValue(),
                            "Content-Type", "multipart/form-data; boundary=" + B),
                    multipart(file, "content", "iso"));
            assertEquals(200, r.status(), r.reason());
            assertEquals("close", r.headers().get("connection"), "pveproxy closes the connection after an upload");
            Upid upid = Upid.parse(JSON.readTree(r.body()).path("data").asText());
            assertEquals("imgcopy", upid.type());
            TaskStatus status = fake.taskStatus(upid);
            for (int i = 0; i < 200 && status.running(); i++) {
                Thread.sleep(10);
                status = fake.taskStatus(upid);
            }
            assertEquals("OK", status.exitStatus());
            assertArrayEquals(file, fake.cluster().volumeContent("pve", "local:iso/seed.iso").orElseThrow());
        }
    }

    @Test
    void aNonMultipartUploadIsPveproxysError() throws Exception {
        FakeHypervisor fake = FakeHypervisor.builder().realTime().build();
        try (PveSimulator sim = simulator(fake);
             RawHttps c = new RawHttps(sim.certificateForTests(), sim.httpPort())) {
            RawHttps.Response r = c.send("POST", "/api2/json/nodes/pve/storage/local/upload",
                    Map.of("Authorization", "PVEAPIToken=" + sim.apiTokenHeaderValue()), "content=iso&filename=a.iso");
            assertEquals(500, r.status());
            assertTrue(r.reason().startsWith("upload 'Content-Type 'application/x-www-form-urlencoded' not implemented"), r.reason());
        }
    }

    @Test
    void theSshFaceWritesIntoTheModelAndPveshListsIt() throws Exception {
        FakeHypervisor fake = FakeHypervisor.builder().realTime().build();
        ApiRouter router = ApiRoutes.over(fake.cluster(), "8.4.1").validator(SchemaAudit.shared()::check);
        CliInterpreter cli = CliInterpreter.builder(router, "pve")
                .files(ai.thinkheads.phoenix.testkit.simulator.ssh.NodeFiles.over(fake.cluster(), "pve")).build();
        byte[] iso = binary();
        assertEquals(0, cli.run("cat > '/var/lib/vz/template/iso/seed.iso'", iso).exitCode());
        assertEquals(0, cli.run("tee /var/lib/vz/snippets/u.yaml > /dev/null", "#cloud-config\n".getBytes(StandardCharsets.UTF_8))
                .exitCode());
        assertArrayEquals(iso, fake.cluster().volumeContent("pve", "local:iso/seed.iso").orElseThrow());
        CliResult listed = cli.run("pvesh get /nodes/pve/storage/local/content --content snippets --output-format json", new byte[0]);
        assertEquals(0, listed.exitCode(), listed.stderr());
        JsonNode list = JSON.readTree(listed.stdout());
        assertEquals("local:snippets/u.yaml", list.get(0).path("volid").asText());
        assertEquals(14, list.get(0).path("size").asInt());
        CliResult storage = cli.run("pvesh get /storage/local --output-format json", new byte[0]);
        assertEquals("/var/lib/vz", JSON.readTree(storage.stdout()).path("path").asText());
        CliResult del = cli.run("pvesh delete /nodes/pve/storage/local/content/local:snippets/u.yaml", new byte[0]);
        assertEquals(0, del.exitCode(), del.stderr());
        assertTrue(del.stdout().contains("Removed volume 'local:snippets/u.yaml'"), del.stdout());
        assertFalse(fake.cluster().volumeContent("pve", "local:snippets/u.yaml").isPresent());
        CliResult outside = cli.run("cat > /etc/pve/x", new byte[] {1});
        assertEquals(2, outside.exitCode());
        assertEquals("sh: 1: cannot create /etc/pve/x: No such file or directory\n", outside.stderr());
    }

    @Test
    void snippetsOfTheSimulatorAreTheModelsLocalSnippets() {
        FakeHypervisor fake = FakeHypervisor.builder().realTime().build();
        fake.cluster().writeVolume("pve", "local", "snippets", "u.yaml", new byte[] {7});
        try (PveSimulator sim = simulator(fake)) {
            assertArrayEquals(new byte[] {7}, sim.snippets().get("u.yaml"));
        }
    }
}
