package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.config.PropertyStringException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The VM config options a {@link PveCluster} accepts, with the checks pve-common's
 * {@code PVE::JSONSchema::validate} makes for them and Proxmox's messages for each failure.
 *
 * <p>It follows the {@code POST /nodes/{node}/qemu} parameter list of PVE 8.4 (key names, indexed
 * ranges, types, enumerations and integer bounds); property-string options are checked for the
 * keys Phoenix uses (disks, NICs, ipconfig, agent, memory) and otherwise accepted as given.
 */
final class ConfigSchema {

    private ConfigSchema() {
    }

    enum Kind { BOOLEAN, INTEGER, NUMBER, STRING, ENUM, DRIVE, NET, IPCONFIG, AGENT, MEMORY, DNS_NAME, PROPERTY }

    record Option(Kind kind, long min, long max, List<String> values) {
        static Option of(Kind kind) {
            return new Option(kind, Long.MIN_VALUE, Long.MAX_VALUE, List.of());
        }

        static Option integer(long min, long max) {
            return new Option(Kind.INTEGER, min, max, List.of());
        }

        static Option oneOf(String... values) {
            return new Option(Kind.ENUM, 0, 0, List.of(values));
        }
    }

    /** Indexed option families: prefix → highest index (qemu-server's MAX_* constants). */
    static final Map<String, Integer> INDEXED = Map.ofEntries(
            Map.entry("ide", 3), Map.entry("sata", 5), Map.entry("scsi", 30), Map.entry("virtio", 15),
            Map.entry("net", 31), Map.entry("ipconfig", 31), Map.entry("unused", 255), Map.entry("serial", 3),
            Map.entry("parallel", 2), Map.entry("usb", 29), Map.entry("hostpci", 15), Map.entry("numa", 7),
            Map.entry("virtiofs", 9));

    static final Set<String> DISK_BUSES = Set.of("ide", "sata", "scsi", "virtio");

    static final List<String> NIC_MODELS = List.of("e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em",
            "e1000e", "i82551", "i82557b", "i82559er", "ne2k_isa", "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3");

    private static final Set<String> DRIVE_KEYS = Set.of("file", "aio", "backup", "bps", "bps_max_length", "bps_rd",
            "bps_rd_max_length", "bps_wr", "bps_wr_max_length", "cache", "cyls", "detect_zeroes", "discard", "format",
            "heads", "import-from", "iops", "iops_max", "iops_max_length", "iops_rd", "iops_rd_max", "iops_rd_max_length",
            "iops_wr", "iops_wr_max", "iops_wr_max_length", "iothread", "mbps", "mbps_max", "mbps_rd", "mbps_rd_max",
            "mbps_wr", "mbps_wr_max", "media", "model", "product", "queues", "replicate", "rerror", "ro", "scsiblock",
            "secs", "serial", "shared", "size", "snapshot", "ssd", "trans", "vendor", "werror", "wwn", "efitype",
            "pre-enrolled-keys", "ms-cert", "version");

    private static final Set<String> NET_KEYS = Set.of("model", "macaddr", "bridge", "firewall", "link_down", "mtu",
            "queues", "rate", "tag", "trunks");

    private static final Map<String, Option> OPTIONS = options();

    private static Map<String, Option> options() {
        Map<String, Option> o = new TreeMap<>();
        for (String b : List.of("acpi", "autostart", "ciupgrade", "freeze", "keephugepages", "kvm", "localtime",
                "numa", "onboot", "protection", "reboot", "tablet", "tdf", "template")) {
            o.put(b, Option.of(Kind.BOOLEAN));
        }
        o.put("balloon", Option.integer(0, Long.MAX_VALUE));
        o.put("cores", Option.integer(1, Long.MAX_VALUE));
        o.put("sockets", Option.integer(1, Long.MAX_VALUE));
        o.put("vcpus", Option.integer(1, Long.MAX_VALUE));
        o.put("smp", Option.integer(1, Long.MAX_VALUE));
        o.put("cpuunits", Option.integer(1, 262144));
        o.put("shares", Option.integer(0, 50000));
        o.put("migrate_speed", Option.integer(0, Long.MAX_VALUE));
        o.put("cpulimit", Option.of(Kind.NUMBER));
        o.put("migrate_downtime", Option.of(Kind.NUMBER));
        o.put("arch", Option.oneOf("x86_64", "aarch64"));
        o.put("bios", Option.oneOf("seabios", "ovmf"));
        o.put("citype", Option.oneOf("configdrive2", "nocloud", "opennebula"));
        o.put("hugepages", Option.oneOf("any", "2", "1024"));
        o.put("ostype", Option.oneOf("other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8", "win10",
                "win11", "l24", "l26", "solaris"));
        o.put("scsihw", Option.oneOf("lsi", "lsi53c810", "virtio-scsi-pci", "virtio-scsi-single", "megasas", "pvscsi"));
        o.put("keyboard", Option.oneOf("de", "de-ch", "da", "en-gb", "en-us", "es", "fi", "fr", "fr-be", "fr-ca",
                "fr-ch", "hu", "is", "it", "ja", "lt", "mk", "nl", "no", "pl", "pt", "pt-br", "sv", "sl", "tr"));
        o.put("lock", Option.oneOf("backup", "clone", "create", "migrate", "rollback", "snapshot", "snapshot-delete",
                "suspending", "suspended"));
        for (String s : List.of("affinity", "args", "bootdisk", "cipassword", "ciuser", "description", "hookscript",
                "hotplug", "nameserver", "searchdomain", "sshkeys", "startdate", "tags", "vmgenid", "vmstatestorage",
                "parent", "meta", "runningmachine", "runningcpu")) {
            o.put(s, Option.of(Kind.STRING));
        }
        for (String p : List.of("amd-sev", "audio0", "boot", "cicustom", "cpu", "ivshmem", "machine", "rng0",
                "smbios1", "spice_enhancements", "startup", "vga", "watchdog", "tpmstate0")) {
            o.put(p, Option.of(Kind.PROPERTY));
        }
        o.put("efidisk0", Option.of(Kind.DRIVE));
        o.put("name", Option.of(Kind.DNS_NAME));
        o.put("agent", Option.of(Kind.AGENT));
        o.put("memory", Option.of(Kind.MEMORY));
        return o;
    }

    private static final Pattern INDEXED_KEY = Pattern.compile("^([a-z]+)(\\d+)$");

    /** The option {@code key} names, or empty when the schema does not define it. */
    static Optional<Option> option(String key) {
        Option direct = OPTIONS.get(key);
        if (direct != null) {
            return Optional.of(direct);
        }
        Matcher m = INDEXED_KEY.matcher(key);
        if (m.matches() && INDEXED.containsKey(m.group(1)) && !(m.group(2).length() > 1 && m.group(2).startsWith("0"))
                && Integer.parseInt(m.group(2)) <= INDEXED.get(m.group(1))) {
            String family = m.group(1);
            if (DISK_BUSES.contains(family) || family.equals("unused")) {
                return Optional.of(Option.of(Kind.DRIVE));
            }
            return Optional.of(switch (family) {
                case "net" -> Option.of(Kind.NET);
                case "ipconfig" -> Option.of(Kind.IPCONFIG);
                case "serial", "parallel" -> Option.of(Kind.STRING);
                default -> Option.of(Kind.PROPERTY);
            });
        }
        return Optional.empty();
    }

    /** pve-common {@code split_list}: core's one implementation ({@link ai.thinkheads.phoenix.config.TagList#splitList}). */
    static List<String> splitList(String s) {
        return ai.thinkheads.phoenix.config.TagList.splitList(s);
    }

    /**
     * pve-guest-common {@code PVE::GuestHelpers::get_unique_tags} under the default datacenter
     * {@code tag-style} (no {@code case-sensitive}, no {@code ordering=config}): the tags lower-cased,
     * sorted, each once, joined with {@code ;}. qemu-server's update_vm applies it to {@code tags}, and
     * create_vm too since qemu-server commit 492347ae ("fix #7480: api: apply tag case-sensitivity
     * setting on VM creation", PVE/API2/Qemu.pm); before that create stored the value as given.
     */
    static String uniqueTags(String tags) {
        return String.join(";", new TreeSet<>(splitList(tags).stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList()));
    }

    static boolean isDrive(String key) {
        return option(key).map(o -> o.kind() == Kind.DRIVE).orElse(false) && !key.startsWith("unused");
    }

    /**
     * Checks every {@code key → value}; returns the per-parameter errors in Proxmox's words (empty
     * when all is well). Keys in {@code extraAllowed} are the handler's own parameters.
     */
    static Map<String, String> validate(Map<String, String> params, Set<String> extraAllowed) {
        Map<String, String> errors = new LinkedHashMap<>();
        params.forEach((key, value) -> {
            if (extraAllowed.contains(key)) {
                return;
            }
            Optional<Option> option = option(key);
            if (option.isEmpty()) {
                // pve-common PVE::JSONSchema::check_object
                errors.put(key, "property is not defined in schema and the schema does not allow additional properties");
                return;
            }
            String error = check(key, option.get(), value == null ? "" : value);
            if (error != null) {
                errors.put(key, error);
            }
        });
        return errors;
    }

    /** One value's error message, or null. The texts are pve-common {@code PVE::JSONSchema::check_type/check_prop}'s. */
    static String check(String key, Option option, String value) {
        switch (option.kind()) {
            case BOOLEAN:
                return value.equals("0") || value.equals("1") ? null : "type check ('boolean') failed - got '" + value + "'";
            case INTEGER:
                if (!value.matches("[+-]?\\d+") || value.length() > 18) {
                    return "type check ('integer') failed - got '" + value + "'";
                }
                long n = Long.parseLong(value);
                if (n < option.min()) {
                    return "value must have a minimum value of " + option.min();
                }
                return n > option.max() ? "value must have a maximum value of " + option.max() : null;
            case NUMBER:
                return value.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?") ? null
                        : "type check ('number') failed - got '" + value + "'";
            case ENUM:
                return option.values().contains(value) ? null
                        : "value '" + value + "' does not have a value in the enumeration '" + String.join(", ", option.values()) + "'";
            case DNS_NAME:
                // pve-common PVE::JSONSchema::pve_verify_dns_name
                return value.matches("(([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)\\.)*([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)")
                        ? null : "invalid format - value does not look like a valid DNS name\n";
            case MEMORY:
                return checkMemory(value);
            case AGENT:
                return checkProperty(value, "enabled", Set.of("enabled", "freeze-fs-on-backup", "fstrim_cloned_disks", "type"),
                        Map.of("enabled", Set.of("0", "1"), "freeze-fs-on-backup", Set.of("0", "1"),
                                "fstrim_cloned_disks", Set.of("0", "1"), "type", Set.of("virtio", "isa")));
            case IPCONFIG:
                return checkIpconfig(value);
            case NET:
                return checkNet(value);
            case DRIVE:
                return checkDrive(key, value);
            case PROPERTY:
                try {
                    PropertyString.parse(value, "x-default");
                    return null;
                } catch (PropertyStringException e) {
                    return "invalid format - " + e.getMessage() + "\n";
                }
            default:
                return value.indexOf('\n') >= 0 && !key.equals("description") ? "value must not contain newlines" : null;
        }
    }

    private static String checkMemory(String value) {
        try {
            PropertyString ps = PropertyString.parse(value, "current");
            for (String k : ps.values().keySet()) {
                if (!k.equals("current")) {
                    return "invalid format - format error\n" + k + ": property is not defined in schema and the schema does not allow additional properties\n";
                }
            }
            String current = ps.get("current").orElse("");
            if (!current.matches("\\d{1,12}")) {
                return "invalid format - format error\ncurrent: type check ('integer') failed - got '" + current + "'\n";
            }
            if (Long.parseLong(current) < 16) {
                return "invalid format - format error\ncurrent: value must have a minimum value of 16\n";
            }
            return null;
        } catch (PropertyStringException e) {
            return "invalid format - " + e.getMessage() + "\n";
        }
    }

    private static String checkProperty(String value, String defaultKey, Set<String> keys, Map<String, Set<String>> enums) {
        try {
            PropertyString ps = PropertyString.parse(value, defaultKey);
            for (Map.Entry<String, String> e : ps.values().entrySet()) {
                if (!keys.contains(e.getKey())) {
                    return "invalid format - format error\n" + e.getKey()
                            + ": property is not defined in schema and the schema does not allow additional properties\n";
                }
                Set<String> allowed = enums.get(e.getKey());
                if (allowed != null && !allowed.contains(e.getValue())) {
                    return "invalid format - format error\n" + e.getKey() + ": value '" + e.getValue()
                            + "' does not have a value in the enumeration '" + String.join(", ", new java.util.TreeSet<>(allowed)) + "'\n";
                }
            }
            return null;
        } catch (PropertyStringException e) {
            return "invalid format - " + e.getMessage() + "\n";
        }
    }

    private static final Pattern IPV4_CIDR = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)/(3[0-2]|[12]?\\d)");
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");

    private static String checkIpconfig(String value) {
        try {
            PropertyString ps = PropertyString.parse(value);
            for (Map.Entry<String, String> e : ps.values().entrySet()) {
                String k = e.getKey();
                String v = e.getValue();
                boolean ok = switch (k) {
                    case "ip" -> v.equals("dhcp") || IPV4_CIDR.matcher(v).matches();
                    case "gw" -> IPV4.matcher(v).matches();
                    case "ip6" -> v.equals("dhcp") || v.equals("auto") || v.matches("[0-9a-fA-F:]+/\\d{1,3}");
                    case "gw6" -> v.matches("[0-9a-fA-F:]+");
                    default -> false;
                };
                if (!ok) {
                    return k.matches("ip|gw|ip6|gw6")
                            ? "invalid format - format error\n" + k + ": invalid format - value does not look like a valid address: " + v + "\n"
                            : "invalid format - format error\n" + k + ": property is not defined in schema and the schema does not allow additional properties\n";
                }
            }
            return null;
        } catch (PropertyStringException e) {
            return "invalid format - " + e.getMessage() + "\n";
        }
    }

    /** Parses a NIC, turning the {@code virtio=BC:24:11:..} shorthand into {@code model} and {@code macaddr}. */
    static PropertyString parseNet(String value) {
        LinkedHashMap<String, String> values = new LinkedHashMap<>();
        for (String part : value.split(",", -1)) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = eq < 0 ? "model" : part.substring(0, eq);
            String v = eq < 0 ? part : part.substring(eq + 1);
            if (NIC_MODELS.contains(k)) {
                putOnce(values, "model", k);
                putOnce(values, "macaddr", v);
            } else {
                putOnce(values, k, v);
            }
        }
        return PropertyString.of("model", values);
    }

    private static void putOnce(Map<String, String> values, String k, String v) {
        if (values.put(k, v) != null) {
            throw new PropertyStringException("duplicate key in comma-separated list property: " + k);
        }
    }

    /** Prints a NIC as qemu-server's {@code print_net}: {@code model=MAC} first, then the rest sorted. */
    static String printNet(PropertyString net) {
        StringBuilder sb = new StringBuilder(net.get("model").orElse("virtio"));
        net.get("macaddr").ifPresent(mac -> sb.append('=').append(mac));
        new TreeMap<>(net.values()).forEach((k, v) -> {
            if (!k.equals("model") && !k.equals("macaddr")) {
                sb.append(',').append(k).append('=').append(v);
            }
        });
        return sb.toString();
    }

    private static String checkNet(String value) {
        try {
            PropertyString net = parseNet(value);
            for (Map.Entry<String, String> e : net.values().entrySet()) {
                if (!NET_KEYS.contains(e.getKey())) {
                    return "invalid format - format error\n" + e.getKey()
                            + ": property is not defined in schema and the schema does not allow additional properties\n";
                }
            }
            String model = net.get("model").orElse("");
            if (!NIC_MODELS.contains(model)) {
                return "invalid format - format error\nmodel: value '" + model + "' does not have a value in the enumeration '"
                        + String.join(", ", NIC_MODELS) + "'\n";
            }
            Optional<String> mac = net.get("macaddr");
            if (mac.isPresent() && !mac.get().matches("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
                return "invalid format - format error\nmacaddr: value does not match the regex pattern\n";
            }
            Optional<String> tag = net.get("tag");
            if (tag.isPresent() && (!tag.get().matches("\\d{1,4}") || Integer.parseInt(tag.get()) < 1 || Integer.parseInt(tag.get()) > 4094)) {
                return "invalid format - format error\ntag: value must have a minimum value of 1 and a maximum of 4094\n";
            }
            return null;
        } catch (PropertyStringException e) {
            return "invalid format - " + e.getMessage() + "\n";
        }
    }

    private static String checkDrive(String key, String value) {
        try {
            PropertyString drive = PropertyString.parse(value, "file");
            for (String k : drive.values().keySet()) {
                if (!DRIVE_KEYS.contains(k)) {
                    return "invalid format - format error\n" + k
                            + ": property is not defined in schema and the schema does not allow additional properties\n";
                }
            }
            if (!drive.has("file")) {
                return "invalid format - format error\nfile: property is missing and it is not optional\n";
            }
            Optional<String> media = drive.get("media");
            if (media.isPresent() && !media.get().equals("cdrom") && !media.get().equals("disk")) {
                return "invalid format - format error\nmedia: value '" + media.get()
                        + "' does not have a value in the enumeration 'cdrom, disk'\n";
            }
            Optional<String> size = drive.get("size");
            if (size.isPresent() && !size.get().matches("\\d+(\\.\\d+)?[KMGT]?")) {
                return "invalid format - format error\nsize: unable to parse size '" + size.get() + "'\n";
            }
            return null;
        } catch (PropertyStringException e) {
            return "invalid format - " + e.getMessage() + "\n";
        }
    }
}
