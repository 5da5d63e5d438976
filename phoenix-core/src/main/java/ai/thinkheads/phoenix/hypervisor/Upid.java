package ai.thinkheads.phoenix.hypervisor;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Proxmox task identifier:
 * {@code UPID:<node>:<pid 8 hex>:<pstart 8-9 hex>:<starttime 8 hex>:<type>:<id>:<user>:}.
 *
 * <p>The grammar is pve-common's {@code PVE::UPID::decode}; {@link #toString()} is its
 * {@code encode} (upper-case hex, zero padded to 8). The trailing colon is mandatory and {@code id}
 * may be empty.
 */
public record Upid(String node, long pid, long pstart, long startTime, String type, String id, String user) {

    private static final Pattern GRAMMAR = Pattern.compile(
            "^UPID:([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):"
                    + "([0-9A-Fa-f]{8}):([^:\\s/]+):([^:\\s/]*):([^:\\s/]+):$");

    public Upid {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(user, "user");
        if (pid < 0 || pid > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("pid out of range: " + pid);
        }
        if (pstart < 0 || pstart > 0xFFFFFFFFFL) {
            throw new IllegalArgumentException("pstart out of range: " + pstart);
        }
        if (startTime < 0 || startTime > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("startTime out of range: " + startTime);
        }
        // The encoded form must parse back: check the free-text fields against the grammar.
        if (!GRAMMAR.matcher(encode(node, pid, pstart, startTime, type, id, user)).matches()) {
            throw new IllegalArgumentException("not a valid UPID: " + encode(node, pid, pstart, startTime, type, id, user));
        }
    }

    /** Parses a UPID; throws {@link IllegalArgumentException} naming the text when it does not match. */
    public static Upid parse(String text) {
        Matcher m = GRAMMAR.matcher(Objects.requireNonNull(text, "upid"));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a valid UPID: '" + text + "'");
        }
        return new Upid(m.group(1), Long.parseLong(m.group(3), 16), Long.parseLong(m.group(4), 16),
                Long.parseLong(m.group(5), 16), m.group(6), m.group(7), m.group(8));
    }

    /** True when {@code text} is a well-formed UPID. */
    public static boolean isValid(String text) {
        return text != null && GRAMMAR.matcher(text).matches();
    }

    /** When the task started (second precision). */
    public Instant started() {
        return Instant.ofEpochSecond(startTime);
    }

    @Override
    public String toString() {
        return encode(node, pid, pstart, startTime, type, id, user);
    }

    private static String encode(String node, long pid, long pstart, long startTime, String type, String id, String user) {
        return String.format(Locale.ROOT, "UPID:%s:%08X:%08X:%08X:%s:%s:%s:", node, pid, pstart, startTime, type, id, user);
    }
}
