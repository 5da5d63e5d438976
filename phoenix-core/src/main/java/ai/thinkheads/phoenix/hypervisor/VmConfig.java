package ai.thinkheads.phoenix.hypervisor;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A VM's current configuration as Proxmox returns it ({@code GET .../config}): option key → value
 * string, plus the digest to send back with an update for optimistic concurrency.
 *
 * <p>Values are the strings Proxmox stores ({@code memory} is {@code "2048"} even where the API
 * returns a JSON string or number); the {@code digest} key itself is not among them. Typed views
 * over the values are in {@link ai.thinkheads.phoenix.config}.
 */
public record VmConfig(VmRef vm, Map<String, String> values, String digest) {

    public VmConfig {
        Objects.requireNonNull(vm, "vm");
        values = Collections.unmodifiableMap(new TreeMap<>(values));
        if (values.containsKey("digest")) {
            throw new IllegalArgumentException("digest is not a config value");
        }
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public boolean isTemplate() {
        return "1".equals(values.get("template"));
    }

    public Optional<String> lock() {
        return get("lock");
    }
}
