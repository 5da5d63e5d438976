package ai.thinkheads.phoenix.testkit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.ConflictException;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.testkit.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** File volumes in the model: snippets and ISO images with their bytes, as uploads, shells and starts see them. */
class PveClusterFilesTest {

    private final FakeClock clock = new FakeClock();
    private final PveCluster cluster = PveCluster.builder().time(clock)
            .node(NodeSpec.of("pve1", 8, 32)).node(NodeSpec.of("pve2", 8, 32))
            .storage(StorageSpec.local("local-lvm", "lvmthin", 100, "images"))
            .storage(StorageSpec.local("local", "dir", 10, "iso", "snippets").withCapacity(64 << 10))
            .storage(StorageSpec.shared("nas", "nfs", 10, "iso", "snippets"))
            .storage(StorageSpec.local("tmpl", "dir", 10, "vztmpl").withPath("/srv/tmpl"))
            .guestBootDelay(Duration.ZERO)
            .build();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private TaskStatus finish(Upid upid) {
        clock.advance(Duration.ofMinutes(1));
        return cluster.taskStatus(upid);
    }

    @Test
    void aWrittenFileIsAVolumeWithItsBytesOnItsNodeOnly() {
        assertEquals("local:snippets/u.yaml", cluster.writeVolume("pve1", "local", "snippets", "u.yaml", bytes("#cloud-config\n")));
        assertArrayEquals(bytes("#cloud-config\n"), cluster.volumeContent("pve1", "local:snippets/u.yaml").orElseThrow());
        assertEquals(Optional.empty(), cluster.volumeContent("pve2", "local:snippets/u.yaml"), "local storage: one per node");
        assertEquals(List.of(new PveCluster.FileVolume("local:snippets/u.yaml", "snippets", "snippet", 14)),
                cluster.fileVolumes("pve1", "local", null));
        assertEquals(List.of(), cluster.fileVolumes("pve2", "local", "snippets"));

        cluster.writeVolume("pve1", "nas", "iso", "seed.iso", new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, cluster.volumeContent("pve2", "nas:iso/seed.iso").orElseThrow(),
                "a shared storage is one pool");
        assertEquals(Optional.empty(), cluster.volumeContent("pve1", "nas:iso/other.iso"));
        assertEquals(Optional.empty(), cluster.volumeContent("no-node", "nas:iso/seed.iso"));
    }

    @Test
    void writingReplacesAndCountsAgainstCapacity() {
        cluster.writeVolume("pve1", "local", "iso", "a.iso", new byte[40 << 10]);
        cluster.writeVolume("pve1", "local", "iso", "a.iso", new byte[50 << 10]); // replaces: 50 KiB used, not 90
        assertEquals(50L << 10, cluster.storageStatus("pve1").stream().filter(s -> s.storage().equals("local"))
                .findFirst().orElseThrow().used());
        ConflictException full = assertThrows(ConflictException.class,
                () -> cluster.writeVolume("pve1", "local", "iso", "b.iso", new byte[20 << 10]));
        assertTrue(full.getMessage().contains("not enough free space"), full.getMessage());
        assertEquals(1, cluster.fileVolumes("pve1", "local", "iso").size());
    }

    @Test
    void contentTypesAndNamesAreEnforced() {
        ConflictException e = assertThrows(ConflictException.class,
                () -> cluster.writeVolume("pve1", "tmpl", "snippets", "u.yaml", new byte[1]));
        assertEquals("storage 'tmpl' does not support 'snippets' content", e.getMessage());
        assertThrows(ParameterRejectedException.class, () -> cluster.writeVolume("pve1", "local", "iso", "a.txt", new byte[1]));
        assertThrows(NotFoundException.class, () -> cluster.writeVolume("pve1", "nope", "iso", "a.iso", new byte[1]));
        assertThrows(NotFoundException.class, () -> cluster.writeVolume("pve9", "local", "iso", "a.iso", new byte[1]));
    }

    @Test
    void anUploadIsAnImgcopyTaskAndTheFileAppearsWhenItEnds() {
        Upid upid = cluster.uploadVolume("pve1", "local", "iso", "my seed.iso", new byte[] {9});
        assertEquals("imgcopy", upid.type());
        assertEquals("", upid.id());
        assertEquals(List.of(), cluster.fileVolumes("pve1", "local", "iso"), "not yet in place");
        assertEquals("OK", finish(upid).exitStatus());
        // pve-storage normalize_content_filename: the space became '_'
        assertArrayEquals(new byte[] {9}, cluster.volumeContent("pve1", "local:iso/my_seed.iso").orElseThrow());
        assertTrue(cluster.taskLog(upid).stream().anyMatch(l -> l.equals("target file: /var/lib/vz/template/iso/my_seed.iso")));
    }

    @Test
    void uploadsAreRefusedInStatusPmsOrder() {
        HypervisorException block = assertThrows(HypervisorException.class,
                () -> cluster.uploadVolume("pve1", "local-lvm", "iso", "x.txt", new byte[1]));
        assertEquals("can't upload to storage type 'lvmthin'", block.getMessage());
        ParameterRejectedException ext = assertThrows(ParameterRejectedException.class,
                () -> cluster.uploadVolume("pve1", "local", "iso", "x.txt", new byte[1]));
        assertEquals(Map.of("filename", "wrong file extension"), ext.errors());
        ParameterRejectedException snippets = assertThrows(ParameterRejectedException.class,
                () -> cluster.uploadVolume("pve1", "local", "snippets", "x.yaml", new byte[1]));
        assertEquals(Map.of("content", "upload content type 'snippets' not allowed"), snippets.errors());
        HypervisorException content = assertThrows(HypervisorException.class,
                () -> cluster.uploadVolume("pve1", "tmpl", "iso", "x.iso", new byte[1]));
        assertEquals("storage 'tmpl' does not support 'iso' content", content.getMessage());
    }

    @Test
    void deletingRemovesTheFileAndAMissingOneOnlyWarns() {
        cluster.writeVolume("pve1", "local", "snippets", "u.yaml", new byte[] {1});
        Upid del = cluster.deleteVolume("pve1", "local:snippets/u.yaml");
        assertEquals("imgdel", del.type());
        assertEquals("local", del.id());
        assertEquals("OK", finish(del).exitStatus());
        assertEquals(Optional.empty(), cluster.volumeContent("pve1", "local:snippets/u.yaml"));
        Upid again = cluster.deleteVolume("pve1", "local:snippets/u.yaml");
        assertEquals("WARNINGS: 1", finish(again).exitStatus());
        assertTrue(cluster.taskLog(again).contains("WARN: disk image '/var/lib/vz/snippets/u.yaml' does not exist"));
        assertThrows(NotFoundException.class, () -> cluster.deleteVolume("pve1", "nope:snippets/u.yaml"));
    }

    @Test
    void aShellWritesByPathIntoTheStorageThatOwnsTheDirectory() {
        assertEquals("local:snippets/u.yaml", cluster.writeFile("pve1", "/var/lib/vz/snippets/u.yaml", bytes("a")));
        assertEquals("local:iso/s.iso", cluster.writeFile("pve1", "/var/lib/vz/template/iso/s.iso", bytes("b")));
        assertEquals("nas:snippets/n.yaml", cluster.writeFile("pve2", "/mnt/pve/nas/snippets/n.yaml", bytes("c")));
        assertEquals("tmpl:vztmpl/ct.tar.gz", cluster.writeFile("pve1", "/srv/tmpl/template/cache/ct.tar.gz", bytes("d")));
        assertArrayEquals(bytes("b"), cluster.volumeContent("pve1", "local:iso/s.iso").orElseThrow());
        assertEquals(Optional.of("/srv/tmpl/template/cache/ct.tar.gz"), cluster.filePath("tmpl:vztmpl/ct.tar.gz"));
        NotFoundException elsewhere = assertThrows(NotFoundException.class,
                () -> cluster.writeFile("pve1", "/etc/pve/storage.cfg", bytes("x")));
        assertTrue(elsewhere.getMessage().endsWith("No such file or directory"));
        assertThrows(NotFoundException.class, () -> cluster.writeFile("pve1", "/var/lib/vz/snippets/sub/x", bytes("x")));
    }

    @Test
    void startingNeedsTheCicustomSnippetsOfACloudInitVm() {
        Upid create = cluster.createVm("pve1", 100, Map.of("memory", "512", "ide2", "local-lvm:cloudinit",
                "cicustom", "user=local:snippets/u.yaml"));
        finish(create);
        TaskStatus missing = finish(cluster.vmStart("pve1", 100));
        assertEquals("can't find file 'local:snippets/u.yaml'", missing.exitStatus());
        // Cloudinit.pm get_custom_cloudinit_files reads network, user, meta, vendor in that order
        cluster.updateVm("pve1", 100, Map.of("cicustom", "user=local:snippets/u.yaml,network=local:iso/n.iso"));
        TaskStatus notSnippet = finish(cluster.vmStart("pve1", 100));
        assertEquals("local:iso/n.iso is not in the snippets directory", notSnippet.exitStatus());
        cluster.writeVolume("pve1", "local", "snippets", "u.yaml", bytes("#cloud-config\n"));
        cluster.updateVm("pve1", 100, Map.of("cicustom", "user=local:snippets/u.yaml"));
        assertEquals("OK", finish(cluster.vmStart("pve1", 100)).exitStatus());
    }

    @Test
    void storageConfigNamesThePath() {
        assertEquals("/var/lib/vz", cluster.storageConfig("local").path());
        assertEquals("/mnt/pve/nas", cluster.storageConfig("nas").path());
        assertEquals(null, cluster.storageConfig("local-lvm").path());
        assertEquals("storage 'x' does not exist", assertThrows(NotFoundException.class, () -> cluster.storageConfig("x")).getMessage());
    }
}
