package ai.thinkheads.phoenix.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Proxmox property string: the comma-separated {@code key=value} lists that most VM options are
 * written in ({@code virtio,bridge=vmbr0,tag=10}, {@code local-lvm:32,discard=on},
 * {@code order=scsi0;ide2}).
 *
 * <p>The rules are pve-common's {@code PVE::JSONSchema::parse_property_string} and
 * {@code print_property_string}:
 * <ul>
 *   <li>the text is split on every comma — there is no quoting, so a value can never contain one;</li>
 *   <li>empty parts are skipped; a part without {@code =} is the value of the format's
 *       <em>default key</em> (e.g. {@code file} for disks, {@code model} for NICs), allowed once;</li>
 *   <li>a key may appear only once; a part starting with {@code =} has no key;</li>
 *   <li>printing puts the default key first (value only), then the other keys in sorted order.</li>
 * </ul>
 * This class is format-agnostic: which keys exist and what they may hold is for the typed views
 * in this package to check.
 *
 * @param defaultKey the format's default key, or null if it has none
 * @param values key → value, in the order they appeared
 */
public record PropertyString(String defaultKey, Map<String, String> values) {

    public PropertyString {
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            checkKey(k);
            copy.put(k, checkValue(k, v));
        });
        if (defaultKey != null && copy.containsKey(defaultKey)) {
            String bare = copy.get(defaultKey);
            // printed bare, so it must read back as a bare value: no '=' and not blank
            // (parse_property_string skips blank parts and reads "a=b" as key a)
            if (bare.indexOf('=') >= 0 || bare.isBlank()) {
                throw new PropertyStringException("illegal value for default key " + defaultKey + ": '" + bare + "'");
            }
        }
        values = Collections.unmodifiableMap(copy);
    }

    /** Parses {@code text}; a bare value goes to {@code defaultKey} (null: the format has none). */
    public static PropertyString parse(String text, String defaultKey) {
        Objects.requireNonNull(text, "text");
        LinkedHashMap<String, String> values = new LinkedHashMap<>();
        boolean sawDefault = false;
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq > 0 && eq < part.length() - 1) {
                String key = part.substring(0, eq);
                if (values.containsKey(key)) {
                    throw new PropertyStringException("duplicate key in comma-separated list property: " + key);
                }
                values.put(key, part.substring(eq + 1));
            } else if (eq < 0) {
                if (defaultKey == null) {
                    throw new PropertyStringException("value without key, but schema does not define a default key");
                }
                if (sawDefault || values.containsKey(defaultKey)) {
                    throw new PropertyStringException("duplicate key in comma-separated list property: " + defaultKey);
                }
                sawDefault = true;
                values.put(defaultKey, part);
            } else {
                throw new PropertyStringException("missing key in comma-separated list property");
            }
        }
        return new PropertyString(defaultKey, values);
    }

    /** A property string with no default key. */
    public static PropertyString parse(String text) {
        return parse(text, null);
    }

    public static PropertyString of(String defaultKey, Map<String, String> values) {
        return new PropertyString(defaultKey, values);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** A copy with {@code key} set (null removes it). */
    public PropertyString with(String key, String value) {
        LinkedHashMap<String, String> copy = new LinkedHashMap<>(values);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new PropertyString(defaultKey, copy);
    }

    /**
     * The canonical text: the default key's value first (bare), then every other key sorted, as
     * {@code print_property_string} does.
     */
    public String format() {
        StringBuilder sb = new StringBuilder();
        if (defaultKey != null && values.containsKey(defaultKey)) {
            sb.append(values.get(defaultKey));
        }
        new TreeMap<>(values).forEach((k, v) -> {
            if (!k.equals(defaultKey)) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(k).append('=').append(v);
            }
        });
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.contains(",") || key.contains("=")) {
            throw new PropertyStringException("invalid key in comma-separated list property: '" + key + "'");
        }
    }

    private static String checkValue(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new PropertyStringException("empty value for " + key);
        }
        if (value.contains(",")) {
            // pve-common print_property_string: "illegal value with commas for $key"
            throw new PropertyStringException("illegal value with commas for " + key);
        }
        return value;
    }
}
