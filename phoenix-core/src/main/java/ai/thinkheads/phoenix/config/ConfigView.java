package ai.thinkheads.phoenix.config;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Typed, read-only views over a raw VM config map (option key → value string, as
 * {@code GET .../config} returns it or as {@code VmSpec} maps to). Each accessor parses lazily and
 * throws {@link PropertyStringException} for a value that does not parse; keys that are absent
 * give an empty result.
 *
 * <pre>{@code
 * ConfigView view = ConfigView.of(vmConfig.values());
 * view.nets().get(0).bridge();        // Optional[vmbr0]
 * view.drives().get("scsi0").size();  // Optional[32G]
 * }</pre>
 */
public final class ConfigView {

    private final Map<String, String> values;

    private ConfigView(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public static ConfigView of(Map<String, String> values) {
        return new ConfigView(values);
    }

    public Map<String, String> values() {
        return values;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Drive keys ({@code ide0}..{@code virtio15}) → their parsed values, sorted by key. */
    public SortedMap<String, DriveConfig> drives() {
        TreeMap<String, DriveConfig> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (DriveBus.ofKey(k).isPresent()) {
                out.put(k, DriveConfig.parse(v));
            }
        });
        return out;
    }

    /** NIC index → {@code net[n]}. */
    public SortedMap<Integer, NetConfig> nets() {
        return indexed("net[n]", NetConfig::parse);
    }

    /** NIC index → {@code ipconfig[n]}. */
    public SortedMap<Integer, IpConfig> ipConfigs() {
        return indexed("ipconfig[n]", IpConfig::parse);
    }

    /** Index → {@code hostpci[n]}. */
    public SortedMap<Integer, HostPciConfig> hostPci() {
        return indexed("hostpci[n]", HostPciConfig::parse);
    }

    public Optional<BootOrder> boot() {
        return get("boot").map(BootOrder::parse);
    }

    public Optional<StartupOrder> startup() {
        return get("startup").map(StartupOrder::parse);
    }

    public Optional<AgentConfig> agent() {
        return get("agent").map(AgentConfig::parse);
    }

    public Optional<TagList> tags() {
        return get("tags").map(TagList::parse);
    }

    public Optional<SshKeys> sshKeys() {
        return get("sshkeys").map(SshKeys::parse);
    }

    public Optional<NameserverList> nameservers() {
        return get("nameserver").map(NameserverList::parse);
    }

    /** {@code memory} in MiB: the plain number or the {@code current=} of its property string. */
    public Optional<Integer> memoryMiB() {
        return get("memory").map(v -> Integer.valueOf(PropertyString.parse(v, "current").get("current")
                .orElseThrow(() -> new PropertyStringException("memory: current is missing"))));
    }

    private <T> SortedMap<Integer, T> indexed(String schemaName, Function<String, T> parser) {
        ConfigKey key = ConfigKeys.entry(schemaName).orElseThrow();
        TreeMap<Integer, T> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (key.matches(k)) {
                out.put(key.indexOf(k).getAsInt(), parser.apply(v));
            }
        });
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigView && ((ConfigView) o).values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        TreeMap<String, String> shown = new TreeMap<>(values);
        shown.computeIfPresent("cipassword", (k, v) -> "<redacted>");
        return "ConfigView" + shown;
    }
}
