package ai.thinkheads.phoenix.spec;

import java.util.regex.Pattern;

/** The field checks spec components share; each throws {@link InvalidValueException} naming the field. */
final class SpecChecks {

    // pve-common pve_verify_dns_name
    private static final String LABEL = "[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?";
    private static final Pattern DNS_NAME = Pattern.compile("^(" + LABEL + "\\.)*" + LABEL + "$");
    // pve-common parse_id (pve-storage-id)
    private static final Pattern STORAGE_ID = Pattern.compile("^[a-z][a-z0-9\\-_.]*[a-z0-9]$", Pattern.CASE_INSENSITIVE);
    // pve-common parse_bridge_id
    private static final Pattern BRIDGE_ID = Pattern.compile("^[-_.\\w]+$");

    private SpecChecks() {
    }

    static String dnsName(String path, String value) {
        if (value == null || value.length() > 253 || !DNS_NAME.matcher(value).matches()) {
            throw new InvalidValueException(path, "'" + value + "' does not look like a valid DNS name");
        }
        return value;
    }

    static String storage(String path, String value) {
        if (value == null || value.length() < 2 || !STORAGE_ID.matcher(value).matches()) {
            throw new InvalidValueException(path, "'" + value + "' is not a valid storage ID");
        }
        return value;
    }

    static String bridge(String path, String value) {
        if (value == null || !BRIDGE_ID.matcher(value).matches()) {
            throw new InvalidValueException(path, "'" + value + "' is not a valid bridge ID");
        }
        return value;
    }

    static int range(String path, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidValueException(path, value + " is outside " + min + ".." + max);
        }
        return value;
    }

    static int atLeast(String path, int value, int min) {
        if (value < min) {
            throw new InvalidValueException(path, value + " is less than " + min);
        }
        return value;
    }

    static <T> T notNull(String path, T value) {
        if (value == null) {
            throw new InvalidValueException(path, "must not be null");
        }
        return value;
    }

    /** Text that goes into a property string or a plain config value: no control characters. */
    static String singleLine(String path, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidValueException(path, "must not be blank");
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidValueException(path, "must not contain control characters");
        }
        return value;
    }
}
