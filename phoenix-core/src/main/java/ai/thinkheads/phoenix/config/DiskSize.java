package ai.thinkheads.phoenix.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A disk size, in bytes, written the way Proxmox writes it: {@code 32G}, {@code 512M},
 * {@code 1T}, or a plain byte count. Formatting follows pve-common {@code
 * PVE::JSONSchema::format_size}: the largest unit that divides the size exactly.
 */
public record DiskSize(long bytes) implements Comparable<DiskSize> {

    private static final Pattern SYNTAX = Pattern.compile("^(\\d+(?:\\.\\d+)?)(?:([KMGT])(?:iB)?)?$");
    private static final String UNITS = "KMGT";

    public DiskSize {
        if (bytes <= 0) {
            throw new IllegalArgumentException("disk size must be positive, got " + bytes + " bytes");
        }
    }

    public static DiskSize ofGiB(long gib) {
        return new DiskSize(Math.multiplyExact(gib, 1L << 30));
    }

    public static DiskSize ofMiB(long mib) {
        return new DiskSize(Math.multiplyExact(mib, 1L << 20));
    }

    /**
     * Parses {@code 32G}, {@code 32GiB}, {@code 1.5T}, {@code 4096} (bytes). The unit letters are binary (K = 1024),
     * as in pve-common {@code PVE::JSONSchema::parse_size}.
     */
    public static DiskSize parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a disk size: '" + text + "' (expected e.g. 32G, 512M, 1T)");
        }
        int shift = m.group(2) == null ? 0 : 10 * (UNITS.indexOf(m.group(2)) + 1);
        // exact decimal arithmetic, truncated like parse_size's int(); a double would lose bytes above 2^53
        BigInteger bytes = new BigDecimal(m.group(1)).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(shift))).toBigInteger();
        if (bytes.bitLength() > 63) {
            throw new IllegalArgumentException("disk size too large: '" + text + "'");
        }
        return new DiskSize(bytes.longValue());
    }

    /** Whole GiB, rounding up. */
    public long gibRoundedUp() {
        return (bytes + (1L << 30) - 1) >> 30;
    }

    public boolean isWholeGiB() {
        return bytes % (1L << 30) == 0;
    }

    /** The Proxmox spelling: largest exact unit, e.g. {@code 32G}; plain bytes when none divides. */
    @Override
    public String toString() {
        for (int i = UNITS.length() - 1; i >= 0; i--) {
            long unit = 1L << (10 * (i + 1));
            if (bytes % unit == 0) {
                return (bytes / unit) + String.valueOf(UNITS.charAt(i));
            }
        }
        return Long.toString(bytes);
    }

    @Override
    public int compareTo(DiskSize other) {
        return Long.compare(bytes, other.bytes);
    }

    /** For messages: {@code 32 GiB}, {@code 4097 B}. */
    public String human() {
        String s = toString();
        char unit = s.charAt(s.length() - 1);
        return Character.isDigit(unit) ? s + " B" : s.substring(0, s.length() - 1) + " " + unit + "iB";
    }
}
