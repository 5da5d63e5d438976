package ai.thinkheads.phoenix.testkit.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.Set;

/**
 * Writes a VM config the way qemu-server's {@code PVE::QemuServer::write_vm_config} does, so that
 * its digest is what {@code parse_vm_config} computes: the SHA-1 (hex) of the file text.
 *
 * <p>Layout: the description as leading {@code #} comment lines ({@code PVE::Tools::encode_text}),
 * then {@code key: value} lines sorted by key; a {@code [PENDING]} section (with {@code delete:})
 * when changes are pending; then one {@code [name]} section per snapshot, sorted by name.
 */
final class ConfigFile {

    private ConfigFile() {
    }

    static String render(SortedMap<String, String> conf, SortedMap<String, String> pending, Set<String> pendingDelete,
                         SortedMap<String, ? extends Map<String, String>> snapshots) {
        StringBuilder raw = new StringBuilder();
        section(raw, conf, false);
        if (!pending.isEmpty() || !pendingDelete.isEmpty()) {
            raw.append("\n[PENDING]\n");
            java.util.TreeMap<String, String> p = new java.util.TreeMap<>(pending);
            if (!pendingDelete.isEmpty()) {
                p.put("delete", String.join(",", pendingDelete));
            }
            section(raw, p, true);
        }
        snapshots.forEach((name, snap) -> {
            raw.append("\n[").append(name).append("]\n");
            section(raw, new java.util.TreeMap<>(snap), false);
        });
        return raw.toString();
    }

    private static void section(StringBuilder raw, SortedMap<String, String> conf, boolean pending) {
        String description = conf.get("description");
        if (description != null) {
            if (!description.isEmpty()) {
                for (String line : description.split("\n")) {
                    raw.append('#').append(encodeText(line)).append('\n');
                }
            } else if (pending) {
                raw.append("#\n");
            }
        }
        conf.forEach((k, v) -> {
            if (!k.equals("description")) {
                raw.append(k).append(": ").append(v).append('\n');
            }
        });
    }

    /** pve-common {@code PVE::Tools::encode_text}: control characters, non-ASCII, {@code :} and {@code %} as {@code %XX}. */
    static String encodeText(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c < 0x20 || c >= 0x7F || c == ':' || c == '%') {
                sb.append('%').append(String.format("%02X", c));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
