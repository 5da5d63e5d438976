package ai.thinkheads.phoenix.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value of {@code agent}: {@code 1} or {@code enabled=1,fstrim_cloned_disks=1}
 * ({@code QemuServer/Agent.pm $agent_fmt}; {@code enabled} is the default key). Printed as
 * {@code print_property_string} does: {@code 1,fstrim_cloned_disks=1}.
 *
 * @param enabled whether the QEMU guest agent device is present
 * @param fstrimClonedDisks run fstrim after moving a disk or migrating, or null for the default
 */
public record AgentConfig(boolean enabled, Boolean fstrimClonedDisks) {

    public static AgentConfig on() {
        return new AgentConfig(true, null);
    }

    public static AgentConfig parse(String text) {
        PropertyString ps = PropertyString.parse(text, "enabled");
        Boolean enabled = null;
        Boolean fstrim = null;
        for (Map.Entry<String, String> e : ps.values().entrySet()) {
            switch (e.getKey()) {
                case "enabled": enabled = ProxmoxBoolean.parse("enabled", e.getValue()); break;
                case "fstrim_cloned_disks": fstrim = ProxmoxBoolean.parse(e.getKey(), e.getValue()); break;
                default: throw new PropertyStringException("invalid key in comma-separated list property: " + e.getKey());
            }
        }
        if (enabled == null) {
            throw new PropertyStringException("enabled: property is missing and it is not optional");
        }
        return new AgentConfig(enabled, fstrim);
    }

    public String format() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("enabled", ProxmoxBoolean.format(enabled));
        if (fstrimClonedDisks != null) {
            values.put("fstrim_cloned_disks", ProxmoxBoolean.format(fstrimClonedDisks));
        }
        return PropertyString.of("enabled", values).format();
    }

    @Override
    public String toString() {
        return format();
    }
}
