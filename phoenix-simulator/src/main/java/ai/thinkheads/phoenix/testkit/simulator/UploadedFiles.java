package ai.thinkheads.phoenix.testkit.simulator;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * pveproxy's temporary upload files ({@code /var/tmp/pveupload-<md5 hex>}, pve-http-server
 * {@code PVE/APIServer/AnyEvent.pm} {@code get_upload_filename}): the HTTP face stores a
 * multipart upload's file part here and hands the upload handler its name as the
 * {@code tmpfilename} parameter, as pveproxy does; the handler takes the bytes out. One store per
 * {@link ApiRouter}.
 */
public final class UploadedFiles {

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();

    /** Stores {@code data} and returns its temporary file name. */
    public String store(byte[] data) {
        String name = "/var/tmp/pveupload-" + md5Hex(seq.incrementAndGet() + ":" + System.nanoTime());
        files.put(name, data.clone());
        return name;
    }

    /** Removes and returns the file {@code name} (pveproxy unlinks it after the request). */
    public Optional<byte[]> take(String name) {
        return Optional.ofNullable(name == null ? null : files.remove(name));
    }

    /** Temporary files not yet taken (a test's leak check). */
    public int pending() {
        return files.size();
    }

    private static String md5Hex(String seed) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }
}
