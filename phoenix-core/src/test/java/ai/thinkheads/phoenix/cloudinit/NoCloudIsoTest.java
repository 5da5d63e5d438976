package ai.thinkheads.phoenix.cloudinit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.stephenc.javaisotools.loopfs.iso9660.Iso9660FileEntry;
import com.github.stephenc.javaisotools.loopfs.iso9660.Iso9660FileSystem;
import com.github.stephenc.javaisotools.loopfs.iso9660.Iso9660VolumeDescriptorSet;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the images {@link NoCloudIso} writes back with an independent reader
 * (java-iso-tools' {@code loop-fs-iso-impl}) and, when installed, {@code isoinfo}/{@code xorriso}.
 */
class NoCloudIsoTest {

    @TempDir
    Path dir;

    @Test
    void theJolietViewHasCloudInitsNamesAndContents() throws IOException {
        NoCloudIso iso = NoCloudIso.builder().userData("#cloud-config\nhostname: web01\n")
                .metaData("instance-id: web01\n").networkConfig("version: 2\n").vendorData("#cloud-config\n{}\n").build();
        Read read = read(iso.bytes());
        assertTrue(read.joliet, "the reader uses the Joliet descriptor");
        assertEquals(NoCloudIso.VOLUME_ID, read.volumeId);
        assertEquals(Map.of("user-data", "#cloud-config\nhostname: web01\n", "meta-data", "instance-id: web01\n",
                "network-config", "version: 2\n", "vendor-data", "#cloud-config\n{}\n"), strings(read.files));
    }

    @Test
    void thePrimaryViewHasLevelOneNamesAndTheSameContents() throws IOException {
        byte[] image = NoCloudIso.builder().userData("u").metaData("m").networkConfig("n").build().bytes();
        // spoil the Joliet escape sequence: the reader then ignores the supplementary descriptor
        image[17 * 2048 + 88] = 'X';
        Read read = read(image);
        assertFalse(read.joliet);
        assertEquals("cidata", read.volumeId);
        assertEquals(Map.of("USER_DAT.", "u", "META_DAT.", "m", "NETWORK_."  , "n"), strings(read.files));
    }

    @Test
    void userDataAndMetaDataAreAlwaysThereTheOthersOnlyWhenSet() throws IOException {
        Read read = read(NoCloudIso.builder().build().bytes());
        assertEquals(Map.of("user-data", "", "meta-data", ""), strings(read.files));
    }

    @Test
    void theSameInputGivesTheSameBytesAndOtherInputOtherBytes() {
        NoCloudIso a = NoCloudIso.builder().userData("x").metaData("instance-id: a\n").build();
        NoCloudIso b = NoCloudIso.builder().userData("x").metaData("instance-id: a\n").build();
        NoCloudIso c = NoCloudIso.builder().userData("y").metaData("instance-id: a\n").build();
        assertArrayEquals(a.bytes(), b.bytes());
        assertEquals(a.sha256(), b.sha256());
        assertNotEquals(a.sha256(), c.sha256());
        assertEquals(0, a.size() % 2048);
    }

    @Test
    void theLabelIsCidataInBothDescriptors() {
        byte[] image = NoCloudIso.builder().build().bytes();
        assertEquals("cidata" + " ".repeat(26), new String(image, 16 * 2048 + 40, 32, StandardCharsets.US_ASCII));
        assertEquals("cidata" + " ".repeat(10), new String(image, 17 * 2048 + 40, 32, StandardCharsets.UTF_16BE));
        assertEquals("CD001", new String(image, 16 * 2048 + 1, 5, StandardCharsets.US_ASCII));
        assertEquals((byte) 255, image[18 * 2048]);
    }

    @Test
    void toStringShowsSizesNotDocuments() {
        String shown = NoCloudIso.builder().userData("#cloud-config\npassword: hunter2\n").build().toString();
        assertFalse(shown.contains("hunter2"), shown);
        assertTrue(shown.contains("user-data="), shown);
    }

    @Property(tries = 60)
    void anyContentReadsBackByteIdentical(@ForAll @StringLength(max = 9000) String user,
                                          @ForAll @StringLength(max = 3000) String meta,
                                          @ForAll @StringLength(max = 5000) String network) throws IOException {
        // jqwik's strings include non-ASCII (and unpaired surrogates, which UTF-8 writes as '?')
        NoCloudIso iso = NoCloudIso.builder().userData(user).metaData(meta).networkConfig(network).build();
        Map<String, byte[]> expected = iso.files();
        Map<String, byte[]> got = read(iso.bytes()).files;
        assertEquals(expected.keySet(), got.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, got.get(k), k));
        assertArrayEquals(user.getBytes(StandardCharsets.UTF_8), got.get("user-data"));
    }

    @Test
    void largeFilesSpanManySectors() throws IOException {
        String big = "é".repeat(700_000) + "end";
        Read read = read(NoCloudIso.builder().userData(big).build().bytes());
        assertEquals(big, new String(read.files.get("user-data"), StandardCharsets.UTF_8));
    }

    @Test
    void isoinfoListsTheJolietNamesWhenInstalled() throws Exception {
        assumeTrue(onPath("isoinfo"), "isoinfo is not installed");
        Path file = dir.resolve("seed.iso");
        Files.write(file, NoCloudIso.builder().userData("u").metaData("m").networkConfig("n").build().bytes());
        String listing = run(List.of("isoinfo", "-J", "-f", "-i", file.toString()));
        assertTrue(listing.contains("/user-data") && listing.contains("/meta-data") && listing.contains("/network-config"),
                listing);
        String header = run(List.of("isoinfo", "-d", "-i", file.toString()));
        assertTrue(header.contains("Volume id: cidata"), header);
    }

    @Test
    void xorrisoExtractsTheFilesWhenInstalled() throws Exception {
        assumeTrue(onPath("xorriso"), "xorriso is not installed");
        Path file = dir.resolve("seed.iso");
        Files.write(file, NoCloudIso.builder().userData("#cloud-config\n").metaData("m").build().bytes());
        Path out = dir.resolve("out");
        run(List.of("xorriso", "-osirrox", "on", "-indev", file.toString(), "-extract", "/", out.toString()));
        assertEquals("#cloud-config\n", Files.readString(out.resolve("user-data")));
    }

    // ---- reading -------------------------------------------------------------------------

    private record Read(String volumeId, boolean joliet, Map<String, byte[]> files) {
    }

    /** Reads {@code image} from a temporary file (jqwik properties get no {@code @TempDir}). */
    private static Read read(byte[] image) throws IOException {
        Path path = Files.write(Files.createTempFile("phoenix-nocloud", ".iso"), image);
        try {
            return readFile(path.toFile());
        } finally {
            Files.delete(path);
        }
    }

    private static Read readFile(File file) throws IOException {
        try (Reader fs = new Reader(file)) {
            Map<String, byte[]> files = new TreeMap<>();
            for (Iso9660FileEntry e : fs) {
                if (!e.isDirectory()) {
                    try (InputStream in = fs.getInputStream(e)) {
                        files.put(e.getName(), in.readAllBytes());
                    }
                }
            }
            Iso9660VolumeDescriptorSet vds = fs.descriptors();
            return new Read(vds.getVolumeIdentifier().strip(), vds.hasSupplementary(), files);
        }
    }

    /** The library's file system, with its descriptors (loaded by the first iteration) in view. */
    private static final class Reader extends Iso9660FileSystem {
        Reader(File file) throws IOException {
            super(file, true);
        }

        Iso9660VolumeDescriptorSet descriptors() {
            return (Iso9660VolumeDescriptorSet) getVolumeDescriptorSet();
        }
    }

    private static Map<String, String> strings(Map<String, byte[]> files) {
        Map<String, String> out = new TreeMap<>();
        files.forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
        return out;
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
