package ai.thinkheads.phoenix.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One VM option key as Phoenix knows it: its JSON type, range, enum, and — for indexed keys such as
 * {@code net[n]} — the index range; for property-string options, the sub-keys Phoenix reads or
 * writes. Entries live in {@link ConfigKeys}.
 *
 * @param name the schema name, e.g. {@code cores} or {@code net[n]}
 * @param type the JSON schema type
 * @param minimum inclusive lower bound of an integer/number option, or null
 * @param maximum inclusive upper bound, or null ("N" in the schema's typetext)
 * @param enumValues the allowed values of an enum option (empty if none)
 * @param maxIndex for an indexed key the highest index ({@code n}), otherwise -1
 * @param namedFormat the schema's named format ({@code dns-name}, {@code pve-qm-ipconfig}), or null
 * @param defaultKey for a property-string option, the sub-key a bare value belongs to ({@code file}, {@code model}), or null
 * @param subKeys for a property-string option: sub-key → its constraints (empty if not one)
 */
public record ConfigKey(String name, Type type, Long minimum, Long maximum, List<String> enumValues, int maxIndex,
                        String namedFormat, String defaultKey, Map<String, SubKey> subKeys) {

    private static final Pattern INDEXED = Pattern.compile("^([a-z]+)(\\d{1,4})$");

    /** JSON schema types of VM options. */
    public enum Type { STRING, INTEGER, NUMBER, BOOLEAN;

        /** The schema's spelling. */
        public String schemaName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One sub-key of a property-string option.
     *
     * @param type the sub-key's JSON type
     * @param minimum inclusive lower bound, or null
     * @param maximum inclusive upper bound, or null
     * @param enumValues allowed values (empty if none)
     */
    public record SubKey(Type type, Long minimum, Long maximum, List<String> enumValues) {
        public SubKey {
            Objects.requireNonNull(type, "type");
            enumValues = List.copyOf(enumValues);
        }
    }

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        enumValues = List.copyOf(enumValues);
        subKeys = Map.copyOf(subKeys);
        if (defaultKey != null && !subKeys.containsKey(defaultKey)) {
            throw new IllegalArgumentException(name + ": default key " + defaultKey + " is not a sub-key");
        }
        if (name.endsWith("[n]") != (maxIndex >= 0)) {
            throw new IllegalArgumentException(name + ": maxIndex must be set exactly for indexed keys");
        }
    }

    /** An entry without a default key. */
    public ConfigKey(String name, Type type, Long minimum, Long maximum, List<String> enumValues, int maxIndex,
                     String namedFormat, Map<String, SubKey> subKeys) {
        this(name, type, minimum, maximum, enumValues, maxIndex, namedFormat, null, subKeys);
    }

    /** Whether values of this option are property strings ({@code key=value,...}). */
    public boolean isPropertyString() {
        return !subKeys.isEmpty();
    }

    public boolean isIndexed() {
        return maxIndex >= 0;
    }

    /** For {@code net[n]}: {@code net}; otherwise the name. */
    public String prefix() {
        return isIndexed() ? name.substring(0, name.length() - 3) : name;
    }

    /** Whether the concrete config key ({@code net3}, {@code cores}) is this entry. */
    public boolean matches(String configKey) {
        if (!isIndexed()) {
            return name.equals(configKey);
        }
        OptionalInt index = indexOf(configKey);
        return index.isPresent() && index.getAsInt() <= maxIndex;
    }

    /** The index of {@code net3} under {@code net[n]}, if the key has this entry's prefix. */
    public OptionalInt indexOf(String configKey) {
        Matcher m = INDEXED.matcher(configKey);
        if (!isIndexed() || !m.matches() || !m.group(1).equals(prefix())
                || (m.group(2).length() > 1 && m.group(2).startsWith("0"))) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(m.group(2)));
    }

    public Optional<SubKey> subKey(String key) {
        return Optional.ofNullable(subKeys.get(key));
    }
}
