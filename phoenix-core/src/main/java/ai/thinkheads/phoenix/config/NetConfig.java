package ai.thinkheads.phoenix.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The value of a {@code net[n]} option: {@code virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=10,firewall=1}.
 *
 * <p>{@code QemuServer/Network.pm $net_fmt} makes {@code model} the default key and every model
 * name a {@code keyAlias} for {@code model} with {@code alias => 'macaddr'}: {@code virtio=MAC}
 * means {@code model=virtio,macaddr=MAC}. Both spellings parse; {@link #format()} prints the short
 * one, as {@code print_net} does ({@code virtio=MAC} or bare {@code virtio} first, then the other
 * options sorted). A missing MAC stays missing: Proxmox generates one on create.
 *
 * @param model the NIC model ({@link ConfigKeys#NIC_MODELS})
 * @param macaddr the unicast MAC, or null
 * @param options the other options (bridge, tag, firewall, mtu, ...), sorted; booleans as 0/1
 */
public record NetConfig(String model, String macaddr, Map<String, String> options) {

    // pve-common pve_verify_mac_addr: unicast (I/G bit clear)
    private static final Pattern MAC = Pattern.compile("^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$", Pattern.CASE_INSENSITIVE);

    public NetConfig {
        if (model == null || !ConfigKeys.NIC_MODELS.contains(model)) {
            throw new PropertyStringException("model: value '" + model + "' does not have a value in the enumeration '"
                    + String.join(", ", ConfigKeys.NIC_MODELS) + "'");
        }
        if (macaddr != null && !MAC.matcher(macaddr).matches()) {
            throw new PropertyStringException("macaddr: value does not look like a valid unicast MAC address: " + macaddr);
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        options.forEach((k, v) -> sorted.put(k, check(k, v)));
        options = Collections.unmodifiableMap(sorted);
        new PropertyString("model", merged(model, macaddr, options)); // key/value syntax
    }

    /** A NIC of {@code model} on {@code bridge}, without a MAC. */
    public static NetConfig of(String model, String bridge) {
        return new NetConfig(model, null, Map.of("bridge", bridge));
    }

    /** Parses either spelling: {@code virtio=MAC,...} or {@code model=virtio,macaddr=MAC,...}. */
    public static NetConfig parse(String text) {
        PropertyString ps = PropertyString.parse(text, "model");
        LinkedHashMap<String, String> options = new LinkedHashMap<>(ps.values());
        String model = options.remove("model");
        String mac = options.remove("macaddr");
        for (String candidate : ConfigKeys.NIC_MODELS) {
            if (options.containsKey(candidate)) {
                if (model != null) {
                    throw new PropertyStringException("key alias 'model' is already defined");
                }
                if (mac != null) {
                    throw new PropertyStringException("key 'macaddr' is already defined (via alias)");
                }
                model = candidate;
                mac = options.remove(candidate);
            }
        }
        if (model == null) {
            throw new PropertyStringException("model: property is missing and it is not optional");
        }
        return new NetConfig(model, mac, options);
    }

    /** This NIC with option {@code key} set to {@code value} (null removes it). */
    public NetConfig with(String key, String value) {
        TreeMap<String, String> copy = new TreeMap<>(options);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new NetConfig(model, macaddr, copy);
    }

    public NetConfig withMac(String mac) {
        return new NetConfig(model, mac, options);
    }

    public Optional<String> mac() {
        return Optional.ofNullable(macaddr);
    }

    public Optional<String> bridge() {
        return Optional.ofNullable(options.get("bridge"));
    }

    public Optional<Integer> tag() {
        return Optional.ofNullable(options.get("tag")).map(Integer::valueOf);
    }

    public Optional<Integer> mtu() {
        return Optional.ofNullable(options.get("mtu")).map(Integer::valueOf);
    }

    public boolean firewall() {
        return "1".equals(options.get("firewall"));
    }

    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    /** The canonical text: {@code model=MAC} (or bare model) first, then options sorted. */
    public String format() {
        StringBuilder sb = new StringBuilder(model);
        if (macaddr != null) {
            sb.append('=').append(macaddr);
        }
        options.forEach((k, v) -> sb.append(',').append(k).append('=').append(v));
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }

    private static Map<String, String> merged(String model, String mac, Map<String, String> options) {
        LinkedHashMap<String, String> all = new LinkedHashMap<>();
        all.put("model", model);
        if (mac != null) {
            all.put("macaddr", mac);
        }
        all.putAll(options);
        return all;
    }

    private static String check(String key, String value) {
        if (value == null) {
            throw new PropertyStringException("empty value for " + key);
        }
        if (key.equals("model") || key.equals("macaddr") || ConfigKeys.NIC_MODELS.contains(key)) {
            throw new PropertyStringException(key + ": not an option (use the model/macaddr components)");
        }
        switch (key) {
            case "firewall":
            case "link_down":
                return ProxmoxBoolean.normalise(key, value);
            case "tag":
                return checkInt(key, value, 1, 4094);
            case "mtu":
                return checkInt(key, value, 1, 65520);
            case "queues":
                return checkInt(key, value, 0, 64);
            case "rate":
                if (!value.matches("\\d+(\\.\\d+)?")) {
                    throw new PropertyStringException("rate: type check ('number') failed - got '" + value + "'");
                }
                return value;
            default:
                return value;
        }
    }

    private static String checkInt(String key, String value, int min, int max) {
        if (!value.matches("-?\\d{1,10}")) {
            throw new PropertyStringException(key + ": type check ('integer') failed - got '" + value + "'");
        }
        long n = Long.parseLong(value);
        if (n < min || n > max) {
            throw new PropertyStringException(key + ": " + value + " is outside " + min + ".." + max);
        }
        return Long.toString(n);
    }
}
