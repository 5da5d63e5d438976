package ai.thinkheads.phoenix.cloudinit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cloud-init NoCloud seed image: an ISO 9660 file system labelled {@value #VOLUME_ID} holding
 * {@code user-data}, {@code meta-data} and optionally {@code network-config} and
 * {@code vendor-data}, the drive cloud-init's NoCloud datasource looks for (cloud-init
 * {@code cloudinit/sources/DataSourceNoCloud.py}: a file system labelled {@code cidata}, with
 * {@code user-data} and {@code meta-data} in its root). Phoenix uploads it as ISO content and
 * attaches it as a CD-ROM where a backend cannot write snippets.
 *
 * <pre>{@code
 * byte[] iso = NoCloudIso.builder()
 *         .userData("#cloud-config\nhostname: web01\n")
 *         .metaData("instance-id: web01\n")
 *         .networkConfig("version: 2\n")
 *         .build().bytes();
 * }</pre>
 *
 * <h2>The image</h2>
 * ECMA-119 (ISO 9660) with a Joliet supplementary volume descriptor, written by hand (no
 * maintained ISO-writing library is on Maven Central). 2048-byte sectors:
 * <ol start="0">
 *   <li>0–15: system area, zeros;</li>
 *   <li>16: primary volume descriptor (volume id {@code cidata}, interchange level 1 names:
 *       {@code USER_DAT.;1}, {@code META_DAT.;1}, {@code NETWORK_.;1}, {@code VENDOR_D.;1});</li>
 *   <li>17: Joliet supplementary descriptor (escape sequence {@code %/E}, UCS-2 level 3) with the
 *       real names {@code user-data}, {@code meta-data}, ... — what Linux and libblkid show when
 *       Joliet is present, so the label is {@code cidata} and the names are cloud-init's;</li>
 *   <li>18: volume descriptor set terminator;</li>
 *   <li>19–22: the type L and type M path tables of each tree (one entry: the root);</li>
 *   <li>23, 24: the root directory of each tree;</li>
 *   <li>25…: the files, each from a sector boundary, shared by both trees.</li>
 * </ol>
 * The output is deterministic: every timestamp is {@value #TIMESTAMP_TEXT} UTC, so equal input
 * gives equal bytes and {@link #sha256()} can name the image.
 *
 * <p>Immutable; {@link #bytes()} returns a copy.
 */
public final class NoCloudIso {

    /** The volume label cloud-init's NoCloud datasource looks for. */
    public static final String VOLUME_ID = "cidata";

    /** The fixed time every timestamp in the image carries. */
    public static final String TIMESTAMP_TEXT = "2000-01-01T00:00:00";

    static final int SECTOR = 2048;
    private static final int PVD_SECTOR = 16;
    private static final int SVD_SECTOR = 17;
    private static final int TERMINATOR_SECTOR = 18;
    private static final int PATH_L = 19;
    private static final int PATH_M = 20;
    private static final int JOLIET_PATH_L = 21;
    private static final int JOLIET_PATH_M = 22;
    private static final int ROOT = 23;
    private static final int JOLIET_ROOT = 24;
    private static final int FIRST_FILE = 25;
    private static final int PATH_TABLE_SIZE = 10;

    /** File name → its 8.3 (level 1) primary name without the version. */
    private static final Map<String, String> PRIMARY_NAMES = Map.of(
            "meta-data", "META_DAT.",
            "network-config", "NETWORK_.",
            "user-data", "USER_DAT.",
            "vendor-data", "VENDOR_D.");

    private final Map<String, byte[]> files;
    private final byte[] image;

    private NoCloudIso(Map<String, byte[]> files) {
        this.files = files;
        this.image = write(files);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The image, a copy. */
    public byte[] bytes() {
        return image.clone();
    }

    /** The image's size in bytes (a multiple of 2048). */
    public int size() {
        return image.length;
    }

    /** The SHA-256 of {@link #bytes()}, lower-case hex: a name for the image that changes with its content. */
    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The files in the image, name → content (copies), in name order. */
    public Map<String, byte[]> files() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        files.forEach((k, v) -> out.put(k, v.clone()));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        // the documents may hold secrets (passwords, keys): names and sizes only
        StringBuilder sb = new StringBuilder("NoCloudIso[");
        files.forEach((k, v) -> sb.append(k).append('=').append(v.length).append("B "));
        return sb.append("→ ").append(image.length).append("B]").toString();
    }

    /**
     * The documents of a {@link NoCloudIso}. {@code user-data} and {@code meta-data} are always
     * written (empty when not set: NoCloud needs both files); {@code network-config} and
     * {@code vendor-data} only when set.
     */
    public static final class Builder {
        private byte[] userData = new byte[0];
        private byte[] metaData = new byte[0];
        private byte[] networkConfig;
        private byte[] vendorData;

        private Builder() {
        }

        /** The {@code user-data} document (e.g. {@code #cloud-config ...}), written as UTF-8. */
        public Builder userData(String document) {
            this.userData = utf8(document, "userData");
            return this;
        }

        /** The {@code meta-data} document ({@code instance-id: ...}), written as UTF-8. */
        public Builder metaData(String document) {
            this.metaData = utf8(document, "metaData");
            return this;
        }

        /** The {@code network-config} document (network config version 1 or 2), written as UTF-8. */
        public Builder networkConfig(String document) {
            this.networkConfig = utf8(document, "networkConfig");
            return this;
        }

        /** The {@code vendor-data} document, written as UTF-8. */
        public Builder vendorData(String document) {
            this.vendorData = utf8(document, "vendorData");
            return this;
        }

        public NoCloudIso build() {
            Map<String, byte[]> files = new LinkedHashMap<>();
            // name order, which is also the primary names' order
            files.put("meta-data", metaData);
            if (networkConfig != null) {
                files.put("network-config", networkConfig);
            }
            files.put("user-data", userData);
            if (vendorData != null) {
                files.put("vendor-data", vendorData);
            }
            return new NoCloudIso(files);
        }

        private static byte[] utf8(String document, String what) {
            return Objects.requireNonNull(document, what).getBytes(StandardCharsets.UTF_8);
        }
    }

    // ---- writing ---------------------------------------------------------------------------

    private record Placed(String name, byte[] data, int sector) {
    }

    private static byte[] write(Map<String, byte[]> files) {
        List<Placed> placed = new ArrayList<>();
        int next = FIRST_FILE;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            int sectors = sectorsFor(f.getValue().length);
            // an empty file has no extent; it points at sector 0 with length 0, as mkisofs does
            placed.add(new Placed(f.getKey(), f.getValue(), sectors == 0 ? 0 : next));
            next += sectors;
        }
        int total = next;
        ByteBuffer img = ByteBuffer.allocate(total * SECTOR);

        byte[] root = directory(placed, ROOT, false);
        byte[] jolietRoot = directory(placed, JOLIET_ROOT, true);
        put(img, PVD_SECTOR, volumeDescriptor(false, total, root.length));
        put(img, SVD_SECTOR, volumeDescriptor(true, total, jolietRoot.length));
        byte[] terminator = new byte[SECTOR];
        terminator[0] = (byte) 255;
        System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, terminator, 1, 5);
        terminator[6] = 1;
        put(img, TERMINATOR_SECTOR, terminator);
        put(img, PATH_L, pathTable(ROOT, ByteOrder.LITTLE_ENDIAN));
        put(img, PATH_M, pathTable(ROOT, ByteOrder.BIG_ENDIAN));
        put(img, JOLIET_PATH_L, pathTable(JOLIET_ROOT, ByteOrder.LITTLE_ENDIAN));
        put(img, JOLIET_PATH_M, pathTable(JOLIET_ROOT, ByteOrder.BIG_ENDIAN));
        put(img, ROOT, root);
        put(img, JOLIET_ROOT, jolietRoot);
        for (Placed p : placed) {
            if (p.data.length > 0) {
                put(img, p.sector, p.data);
            }
        }
        return img.array();
    }

    private static int sectorsFor(long length) {
        return (int) ((length + SECTOR - 1) / SECTOR);
    }

    private static void put(ByteBuffer img, int sector, byte[] data) {
        img.position(sector * SECTOR);
        img.put(data);
    }

    /** ECMA-119 8.4 (primary) / 8.5 (supplementary, Joliet). */
    private static byte[] volumeDescriptor(boolean joliet, int totalSectors, int rootLength) {
        ByteBuffer b = ByteBuffer.allocate(SECTOR);
        b.put(0, (byte) (joliet ? 2 : 1));
        b.put(1, "CD001".getBytes(StandardCharsets.US_ASCII));
        b.put(6, (byte) 1);
        b.put(8, text("", 32, joliet));                 // system identifier
        b.put(40, text(VOLUME_ID, 32, joliet));         // volume identifier
        bothEndian32(b, 80, totalSectors);              // volume space size
        if (joliet) {
            b.put(88, "%/E".getBytes(StandardCharsets.US_ASCII)); // UCS-2 level 3
        }
        bothEndian16(b, 120, 1);                        // volume set size
        bothEndian16(b, 124, 1);                        // volume sequence number
        bothEndian16(b, 128, SECTOR);                   // logical block size
        bothEndian32(b, 132, PATH_TABLE_SIZE);
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(140, joliet ? JOLIET_PATH_L : PATH_L);
        b.order(ByteOrder.BIG_ENDIAN).putInt(148, joliet ? JOLIET_PATH_M : PATH_M);
        b.put(156, directoryRecord(new byte[] {0}, joliet ? JOLIET_ROOT : ROOT, rootLength, true));
        b.put(190, text("", 128, joliet));              // volume set identifier
        b.put(318, text("", 128, joliet));              // publisher
        b.put(446, text("", 128, joliet));              // data preparer
        b.put(574, text("PHOENIX", 128, joliet));       // application
        b.put(702, text("", 37, joliet));               // copyright file
        b.put(739, text("", 37, joliet));               // abstract file
        b.put(776, text("", 37, joliet));               // bibliographic file
        byte[] stamp = "2000010100000000".getBytes(StandardCharsets.US_ASCII);
        b.put(813, stamp);                              // creation, GMT offset 0
        b.put(830, stamp);                              // modification
        b.put(847, "0000000000000000".getBytes(StandardCharsets.US_ASCII)); // expiration: none
        b.put(864, stamp);                              // effective
        b.put(881, (byte) 1);                           // file structure version
        return b.array();
    }

    /** A d-/a-character field padded with spaces; in Joliet, UCS-2 big-endian. */
    private static byte[] text(String value, int length, boolean joliet) {
        byte[] out = new byte[length];
        if (joliet) {
            for (int i = 0; i + 1 < length; i += 2) {
                int c = i / 2 < value.length() ? value.charAt(i / 2) : ' ';
                out[i] = (byte) (c >> 8);
                out[i + 1] = (byte) c;
            }
            if (length % 2 == 1) {
                out[length - 1] = 0;
            }
        } else {
            byte[] v = value.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < length; i++) {
                out[i] = i < v.length ? v[i] : (byte) ' ';
            }
        }
        return out;
    }

    /** ECMA-119 9.4: the root's one entry. */
    private static byte[] pathTable(int rootSector, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(PATH_TABLE_SIZE).order(order);
        b.put(0, (byte) 1);                             // identifier length
        b.put(1, (byte) 0);                             // extended attribute record length
        b.putInt(2, rootSector);
        b.putShort(6, (short) 1);                       // parent: itself
        b.put(8, (byte) 0);                             // identifier: the root
        return b.array();
    }

    /** ECMA-119 6.8.2: ".", "..", then the files in identifier order, in one sector. */
    private static byte[] directory(List<Placed> files, int sector, boolean joliet) {
        ByteBuffer b = ByteBuffer.allocate(SECTOR);
        b.put(directoryRecord(new byte[] {0}, sector, SECTOR, true));
        b.put(directoryRecord(new byte[] {1}, sector, SECTOR, true));
        for (Placed f : files) {
            String id = (joliet ? f.name : PRIMARY_NAMES.get(f.name)) + ";1";
            byte[] idBytes = joliet ? id.getBytes(StandardCharsets.UTF_16BE) : id.getBytes(StandardCharsets.US_ASCII);
            b.put(directoryRecord(idBytes, f.sector, f.data.length, false));
        }
        return b.array();
    }

    /** ECMA-119 9.1. */
    private static byte[] directoryRecord(byte[] identifier, int sector, int length, boolean directory) {
        int size = 33 + identifier.length + (identifier.length % 2 == 0 ? 1 : 0);
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(0, (byte) size);
        b.put(1, (byte) 0);
        bothEndian32(b, 2, sector);
        bothEndian32(b, 10, length);
        // recording date: years since 1900, month, day, hour, minute, second, GMT offset
        b.put(18, new byte[] {100, 1, 1, 0, 0, 0, 0});
        b.put(25, (byte) (directory ? 2 : 0));
        bothEndian16(b, 28, 1);                         // volume sequence number
        b.put(32, (byte) identifier.length);
        b.put(33, identifier);
        return b.array();
    }

    private static void bothEndian32(ByteBuffer b, int at, int value) {
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        b.order(ByteOrder.BIG_ENDIAN).putInt(at + 4, value);
    }

    private static void bothEndian16(ByteBuffer b, int at, int value) {
        b.order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
        b.order(ByteOrder.BIG_ENDIAN).putShort(at + 2, (short) value);
    }
}
