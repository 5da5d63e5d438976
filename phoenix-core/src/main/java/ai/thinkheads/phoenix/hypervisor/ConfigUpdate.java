package ai.thinkheads.phoenix.hypervisor;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One change to a VM's config ({@code POST .../config} / {@code qm set}): keys to set, keys to
 * delete, and optionally the digest the change was computed against, so that a concurrent edit
 * fails with {@link ConfigModifiedException} instead of being overwritten.
 */
public record ConfigUpdate(Map<String, String> set, Set<String> delete, String digest) {

    public ConfigUpdate {
        set = Collections.unmodifiableMap(new TreeMap<>(set));
        delete = Collections.unmodifiableSet(new TreeSet<>(delete));
        for (String key : delete) {
            if (set.containsKey(key)) {
                throw new IllegalArgumentException("key '" + key + "' is both set and deleted");
            }
        }
        if (set.isEmpty() && delete.isEmpty()) {
            throw new IllegalArgumentException("a config update must set or delete something");
        }
    }

    public static ConfigUpdate set(Map<String, String> values) {
        return new ConfigUpdate(values, Set.of(), null);
    }

    public static ConfigUpdate set(String key, String value) {
        return set(Map.of(key, value));
    }

    public static ConfigUpdate delete(String... keys) {
        return new ConfigUpdate(Map.of(), Set.of(keys), null);
    }

    /** The same change, guarded by {@code expectedDigest}. */
    public ConfigUpdate ifDigest(String expectedDigest) {
        return new ConfigUpdate(set, delete, Objects.requireNonNull(expectedDigest, "digest"));
    }

    public Optional<String> digestIfAny() {
        return Optional.ofNullable(digest);
    }

    /** As the record's, but with secret values (the cloud-init password) masked: this text ends up in logs. */
    @Override
    public String toString() {
        return "ConfigUpdate[set=" + SensitiveValues.masked(set) + ", delete=" + delete + ", digest=" + digest + "]";
    }
}
