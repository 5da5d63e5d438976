package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.StorageVolume;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The qm backend's file primitives: which commands they run, with what, and how they read the answers. */
class QmFilesTest {

    private static final String LOCAL = "{\"content\":\"backup,iso,snippets,vztmpl\",\"digest\":\"0d1f\",\"path\":\"/var/lib/vz\","
            + "\"storage\":\"local\",\"type\":\"dir\"}\n";
    private static final String LVM = "{\"content\":\"images,rootdir\",\"digest\":\"0d1f\",\"storage\":\"local-lvm\","
            + "\"thinpool\":\"data\",\"type\":\"lvmthin\",\"vgname\":\"pve\"}\n";
    private static final String UPID = "UPID:pve1:00004444:0ABCDEF0:65A1B2C3:imgdel:local:root@pam:";

    private final ScriptedRunner runner = new ScriptedRunner()
            .answer("pvesh get /storage/local --output-format json", 0, LOCAL, "")
            .answer("pvesh get /storage/local-lvm --output-format json", 0, LVM, "")
            .answer("pvesh get /storage/nas --output-format json", 255, "", "storage 'nas' does not exist\n");
    private final QmHypervisor pve = QmHypervisor.builder().runner(runner).node("pve1").build();

    @Test
    void aSnippetIsStreamedToCatInTheStoragesSnippetDirectory() {
        byte[] doc = "#cloud-config\npassword: not-in-any-command-line\n".getBytes(StandardCharsets.UTF_8);
        Task t = pve.uploadFile("pve1", "local", StorageContent.SNIPPETS, "user-100.yaml", doc);
        assertEquals("OK", t.await(Duration.ZERO).exitStatus());
        assertEquals(List.of("pvesh", "get", "/storage/local", "--output-format", "json"), runner.lastArgv());
        assertEquals(1, runner.writes.size());
        assertEquals("/var/lib/vz/snippets/user-100.yaml", runner.writes.get(0).path());
        assertArrayEquals(doc, runner.writes.get(0).content());
        assertTrue(runner.calls.stream().allMatch(c -> c.stdin() == null || c.stdin().length == 0),
                "the content goes only to the file write");
    }

    @Test
    void anIsoGoesToTemplateIso() {
        pve.uploadFile("pve1", "local", StorageContent.ISO, "seed.iso", new byte[] {1, 2});
        assertEquals("/var/lib/vz/template/iso/seed.iso", runner.writes.get(0).path());
    }

    @Test
    void refusalsComeInPveStoragesOrderAndWordsBeforeAnythingIsWritten() {
        // the file name is checked first and locally, as every backend does (StorageContent.checkUpload)
        ParameterRejectedException ext = assertThrows(ParameterRejectedException.class,
                () -> pve.uploadFile("pve1", "local-lvm", StorageContent.ISO, "seed.txt", new byte[1]));
        assertEquals("wrong file extension", ext.errors().get("filename"));
        assertEquals(List.of(), runner.calls, "a bad name sends no command");
        HypervisorException block = assertThrows(HypervisorException.class,
                () -> pve.uploadFile("pve1", "local-lvm", StorageContent.ISO, "seed.iso", new byte[1]));
        assertEquals("can't upload to storage type 'lvmthin'", block.getMessage());
        assertThrows(NotFoundException.class, () -> pve.uploadFile("pve1", "nas", StorageContent.ISO, "a.iso", new byte[1]));
        runner.answer("pvesh get /storage/local --output-format json", 0, LOCAL.replace("iso,snippets,", ""), "");
        HypervisorException content = assertThrows(HypervisorException.class,
                () -> pve.uploadFile("pve1", "local", StorageContent.SNIPPETS, "u.yaml", new byte[1]));
        assertEquals("storage 'local' does not support 'snippets' content", content.getMessage());
        assertEquals(List.of(), runner.writes);
    }

    @Test
    void contentAShellDoesNotWriteIsUnsupportedWithoutACommand() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> pve.uploadFile("pve1", "local", StorageContent.IMPORT, "disk.qcow2", new byte[1]));
        assertTrue(e.getMessage().contains("'import'") && e.getMessage().contains("QmHypervisor"), e.getMessage());
        assertEquals(List.of(), runner.calls);
        assertEquals(java.util.Set.of(StorageContent.SNIPPETS, StorageContent.ISO), pve.uploadableContent());
    }

    @Test
    void aFailedWriteIsAnExceptionWithTheShellsWords() {
        runner.writeResult = new CommandResult(2, "", "sh: 1: cannot create /var/lib/vz/snippets/u.yaml: No space left on device\n");
        HypervisorException e = assertThrows(HypervisorException.class,
                () -> pve.uploadFile("pve1", "local", StorageContent.SNIPPETS, "u.yaml", new byte[1]));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    }

    @Test
    void listVolumesReadsPveshsContentListing() {
        runner.answer("pvesh get /nodes/pve1/storage/local/content --content snippets --output-format json", 0,
                "[{\"content\":\"snippets\",\"ctime\":1700000000,\"format\":\"snippet\",\"size\":12,\"volid\":\"local:snippets/u.yaml\"}]\n", "");
        assertEquals(List.of(new StorageVolume("local:snippets/u.yaml", StorageContent.SNIPPETS, "snippet", 12)),
                pve.listVolumes("pve1", "local", StorageContent.SNIPPETS));
    }

    @Test
    void deleteVolumeRunsPveshDeleteAndReadsTheTaskItPrints() {
        runner.answer("pvesh delete /nodes/pve1/storage/local/content/local:snippets/u.yaml", 0,
                "WARN: disk image '/var/lib/vz/snippets/u.yaml' does not exist\nRemoved volume 'local:snippets/u.yaml'\n"
                        + "TASK WARNINGS: 1\n" + UPID + "\n", "");
        runner.answer("pvesh get /nodes/pve1/tasks/" + UPID + "/status --output-format json", 0,
                "{\"exitstatus\":\"WARNINGS: 1\",\"id\":\"local\",\"node\":\"pve1\",\"pid\":17476,\"pstart\":180088048,"
                        + "\"starttime\":1705095875,\"status\":\"stopped\",\"type\":\"imgdel\",\"upid\":\"" + UPID
                        + "\",\"user\":\"root@pam\"}\n", "");
        runner.answer("pvesh get /nodes/pve1/tasks/" + UPID + "/log", 0,
                "[{\"n\":1,\"t\":\"WARN: disk image '/var/lib/vz/snippets/u.yaml' does not exist\"}]\n", "");
        Task t = pve.deleteVolume("pve1", "local:snippets/u.yaml");
        assertEquals(UPID, t.upid().orElseThrow().toString());
        TaskResult r = t.await(Duration.ofSeconds(5));
        assertEquals(1, r.warnings());
    }

    @Test
    void deleteVolumeRefusesAVolumeIdPveStorageCannotParseBeforeSendingAnything() {
        // pve-storage parse_volume_id / parse_volname (directory plugins): nothing reaches pvesh
        for (String bad : List.of("local:snippets/a\nb.yaml", "local:snippets/u.yaml\n", "local:snippets/..",
                "local:snippets/.", "local:snippets/../../etc/passwd", "local:iso/../x.iso", "local:iso/x.txt",
                "local:snippets/", "local:vztmpl/t.tar.exe", "local:import/bad name.qcow2", "local:images/100/x.raw",
                ":snippets/u.yaml", "9local:snippets/u.yaml", "local-:snippets/u.yaml", "local", "local:snippets/a\rb")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pve.deleteVolume("pve1", bad),
                    bad);
            assertTrue(e.getMessage().startsWith("volid: unable to parse"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "the message shows a line break as an escape: " + e.getMessage());
        }
        assertTrue(runner.calls.isEmpty(), "nothing was sent: " + runner.calls);
        for (String good : List.of("local:snippets/u.yaml", "nfs.1:iso/Debian 12.ISO", "local:vztmpl/d.tar.zst",
                "local:import/disk-1.qcow2", "local:snippets/..u.yaml")) {
            assertEquals(good.substring(0, good.indexOf(':')), QmValidation.volumeId(good), good);
        }
    }
}
