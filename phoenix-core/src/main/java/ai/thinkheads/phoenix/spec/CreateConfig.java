package ai.thinkheads.phoenix.spec;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@link ProxmoxConfigMapping#forCreate(VmSpec)} produces: the desired Proxmox config
 * (option key → value) and, kept apart because they are not config keys, the create parameters
 * {@code pool} and {@code start}, plus the snippet files the config refers to.
 *
 * @param config option key → value string, sorted by key
 * @param pool pool to add the VM to on create, or null
 * @param start start the VM after create
 * @param snippets snippet volume id ({@code local:snippets/web01-user-data.yaml}) → content to
 *        upload before the VM first boots
 */
public record CreateConfig(Map<String, String> config, String pool, boolean start, Map<String, String> snippets) {

    public CreateConfig {
        config = Collections.unmodifiableMap(new TreeMap<>(config));
        snippets = Collections.unmodifiableMap(new TreeMap<>(snippets));
    }

    public Optional<String> poolIfAny() {
        return Optional.ofNullable(pool);
    }

    /** The config with {@code cipassword} shown as {@code <redacted>}. */
    @Override
    public String toString() {
        TreeMap<String, String> shown = new TreeMap<>(config);
        shown.computeIfPresent("cipassword", (k, v) -> "<redacted>");
        return "CreateConfig{config=" + shown + (pool == null ? "" : ", pool=" + pool) + ", start=" + start
                + (snippets.isEmpty() ? "" : ", snippets=" + snippets.keySet()) + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CreateConfig && ((CreateConfig) o).config.equals(config)
                && Objects.equals(((CreateConfig) o).pool, pool) && ((CreateConfig) o).start == start
                && ((CreateConfig) o).snippets.equals(snippets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(config, pool, start, snippets);
    }
}
