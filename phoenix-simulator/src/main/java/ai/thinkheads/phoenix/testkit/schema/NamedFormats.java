package ai.thinkheads.phoenix.testkit.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The named formats ({@code "format": "pve-qm-ipconfig"}) that the parameters Phoenix sends carry,
 * as Proxmox verifies them. A name stands for one of two kinds of format, as in pve-common
 * {@code PVE::JSONSchema::register_format}:
 * <ul>
 *   <li>a code verifier ({@link #verifier}): a function that returns PVE's {@code die} text for a
 *       bad value, or nothing;</li>
 *   <li>a property-string format ({@link #propertyString}): a hash of sub-keys, which the schema
 *       files only name (the API dump does not inline it), written out here from qemu-server's
 *       source, with an optional whole-value validator ({@link #validator}) as the third argument
 *       of {@code register_format} gives one.</li>
 * </ul>
 * A {@code -list} suffix splits the value as {@code PVE::ParseUtils::split_list} does and checks
 * each item; {@code -opt} allows the empty value ({@code check_format}).
 *
 * <p>Names not here are not checked: {@link PveApiSchema#check} names each one it meets, and
 * {@link SchemaAudit} keeps them, so a suite can insist that every format it sent was checked.
 */
final class NamedFormats {

    private NamedFormats() {
    }

    // pve-common src/PVE/ParseUtils.pm: $IPV4OCTET, $IPV4RE, $IPV6H16, $IPV6LS32, $IPV6RE
    private static final String IPV4OCTET = "(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])";
    private static final String IPV4RE = "(?:(?:" + IPV4OCTET + "\\.){3}" + IPV4OCTET + ")";
    private static final String H16 = "(?:[0-9a-fA-F]{1,4})";
    private static final String LS32 = "(?:(?:" + IPV4RE + "|" + H16 + ":" + H16 + "))";
    private static final String IPV6RE = "(?:"
            + "(?:(?:(?:" + H16 + ":){6})" + LS32 + ")|"
            + "(?:(?:::(?:" + H16 + ":){5})" + LS32 + ")|"
            + "(?:(?:(?:" + H16 + ")?::(?:" + H16 + ":){4})" + LS32 + ")|"
            + "(?:(?:(?:(?:" + H16 + ":){0,1}" + H16 + ")?::(?:" + H16 + ":){3})" + LS32 + ")|"
            + "(?:(?:(?:(?:" + H16 + ":){0,2}" + H16 + ")?::(?:" + H16 + ":){2})" + LS32 + ")|"
            + "(?:(?:(?:(?:" + H16 + ":){0,3}" + H16 + ")?::(?:" + H16 + ":){1})" + LS32 + ")|"
            + "(?:(?:(?:(?:" + H16 + ":){0,4}" + H16 + ")?::)" + LS32 + ")|"
            + "(?:(?:(?:(?:" + H16 + ":){0,5}" + H16 + ")?::)" + H16 + ")|"
            + "(?:(?:(?:(?:" + H16 + ":){0,6}" + H16 + ")?::)))";
    private static final Pattern IPV4 = Pattern.compile("^" + IPV4RE + "$");
    private static final Pattern IPV6 = Pattern.compile("^" + IPV6RE + "$");
    private static final Pattern CIDRV4 = Pattern.compile("^" + IPV4RE + "/(\\d+)$");
    private static final Pattern CIDRV6 = Pattern.compile("^" + IPV6RE + "/(\\d+)$");
    private static final String DNS_LABEL = "([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)";
    private static final Pattern DNS_NAME = Pattern.compile("^(" + DNS_LABEL + "\\.)*" + DNS_LABEL + "$");
    private static final Pattern VOLUME_ID = Pattern.compile("^([a-z][a-z0-9\\-_.]*[a-z0-9]):(.+)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern CPU_FLAG = Pattern.compile("[+-][a-zA-Z0-9\\-_.]+");

    /** A code verifier: PVE's error text for a bad value, empty for a good one. */
    interface Verifier extends Function<String, Optional<String>> {
    }

    private static Verifier matching(Pattern p, String error) {
        return v -> p.matcher(v).matches() ? Optional.empty() : Optional.of(error);
    }

    private static Verifier regex(String regex, int flags, String error) {
        return matching(Pattern.compile(regex, flags), error);
    }

    /** As {@link #regex(String, int, String)}, with PVE's error text naming the value. */
    private static Verifier regex(String regex, int flags, Function<String, String> error) {
        Pattern p = Pattern.compile(regex, flags);
        return v -> p.matcher(v).matches() ? Optional.empty() : Optional.of(error.apply(v));
    }

    private static boolean cidr(Pattern p, String v, int max) {
        var m = p.matcher(v);
        if (!m.matches() || m.group(1).length() > 3) {
            return false;
        }
        int bits = Integer.parseInt(m.group(1));
        return bits > 7 && bits <= max; // pve_verify_cidrv4/v6: ($1 > 7) && ($1 <= 32|128)
    }

    private static boolean ip(String v) {
        return IPV4.matcher(v).matches() || IPV6.matcher(v).matches();
    }

    private static Optional<String> volumeId(String v) {
        // pve-storage src/PVE/Storage/Plugin.pm parse_volume_id (register_format 'pve-volume-id')
        return VOLUME_ID.matcher(v).matches() ? Optional.empty() : Optional.of("unable to parse volume ID '" + v + "'");
    }

    private static Optional<String> storageId(String v) {
        // pve-common JSONSchema.pm parse_storage_id -> parse_id($storeid, 'storage')
        if (v.length() < 2) {
            return Optional.of("storage ID '" + v + "' cannot be shorter than 2 characters");
        }
        return Pattern.compile("^[a-z][a-z0-9\\-_.]*[a-z0-9]$", Pattern.CASE_INSENSITIVE).matcher(v).matches()
                ? Optional.empty() : Optional.of("storage ID '" + v + "' contains illegal characters");
    }

    private static Optional<String> startupOrder(String v) {
        // pve-common JSONSchema.pm pve_verify_startup_order -> pve_parse_startup_order
        if (v.isEmpty() || "0".equals(v)) {
            return Optional.of("unable to parse startup options"); // 'return undef if !$value'
        }
        for (String p : v.split(",", -1)) {
            if (p.isBlank() || p.matches("^(order=)?\\d+$") || p.matches("^up=\\d+$") || p.matches("^down=\\d+$")) {
                continue;
            }
            return Optional.of("unable to parse startup options");
        }
        return Optional.empty();
    }

    private static Optional<String> bootDevice(String v) {
        // qemu-server src/PVE/QemuServer.pm verify_bootdev: a drive name (Drive.pm is_valid_drivename,
        // $MAX_IDE_DISKS 4, $MAX_SATA_DISKS 6, $MAX_SCSI_DISKS 31, $MAX_VIRTIO_DISKS 16) other than
        // efidisk/tpmstate, or a net/usb/hostpci key the config knows ($MAX_NETS 32, USB 14, hostpci 16)
        var m = Pattern.compile("^(ide|sata|scsi|virtio|net|usb|hostpci)(\\d+)$").matcher(v);
        if (m.matches() && m.group(2).length() <= 2) {
            int n = Integer.parseInt(m.group(2));
            int max = switch (m.group(1)) {
                case "ide" -> 4;
                case "sata" -> 6;
                case "scsi" -> 31;
                case "virtio" -> 16;
                case "net" -> 32;
                case "usb" -> 14;
                default -> 16;
            };
            if (n < max) {
                return Optional.empty();
            }
        }
        return Optional.of("invalid boot device '" + v + "'");
    }

    private static final Map<String, Verifier> VERIFIERS = Map.ofEntries(
            // pve-common src/PVE/JSONSchema.pm: register_format('string', sub { })
            Map.entry("string", v -> Optional.empty()),
            // pve-common JSONSchema.pm pve_verify_urlencoded
            Map.entry("urlencoded", regex("^[-%a-zA-Z0-9_.!~*'()]*$", 0, v -> "invalid urlencoded string: " + v)),
            // pve-common JSONSchema.pm pve_verify_configid ($CONFIGID_RE = qr/[a-z][a-z0-9_-]+/i)
            Map.entry("pve-configid", regex("^[a-z][a-z0-9_-]+$", Pattern.CASE_INSENSITIVE, v -> "invalid configuration ID '" + v + "'")),
            Map.entry("pve-storage-id", NamedFormats::storageId),
            // pve-common JSONSchema.pm parse_bridge_id
            Map.entry("pve-bridge-id", regex("^[-_.\\w\\d]+$", 0, v -> "invalid bridge ID '" + v + "'")),
            // pve-common JSONSchema.pm pve_verify_vmid
            Map.entry("pve-vmid", regex("^[1-9][0-9]{2,8}$", 0, "value does not look like a valid VM ID")),
            // pve-common JSONSchema.pm pve_verify_node_name
            Map.entry("pve-node", regex("^([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)$", 0, "value does not look like a valid node name")),
            // pve-access-control PVE::AccessControl verify_poolname (nested pools: up to three levels)
            Map.entry("pve-poolid", v -> v.matches("^[A-Za-z0-9.\\-_]+(?:/[A-Za-z0-9.\\-_]+){0,2}$") ? Optional.empty()
                    : Optional.of("pool name '" + v + "' contains invalid characters")),
            // pve-common JSONSchema.pm pve_verify_mac_addr (unicast: the I/G bit clear)
            Map.entry("mac-addr", regex("^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$", Pattern.CASE_INSENSITIVE,
                    "value does not look like a valid unicast MAC address")),
            // pve-common JSONSchema.pm pve_verify_ipv4 / pve_verify_ipv6 / pve_verify_ip
            Map.entry("ipv4", matching(IPV4, "value does not look like a valid IPv4 address")),
            Map.entry("ipv6", matching(IPV6, "value does not look like a valid IPv6 address")),
            Map.entry("ip", v -> ip(v) ? Optional.empty() : Optional.of("value does not look like a valid IP address")),
            // pve-common JSONSchema.pm pve_verify_cidrv4 / pve_verify_cidrv6 / pve_verify_cidr
            Map.entry("CIDRv4", v -> cidr(CIDRV4, v, 32) ? Optional.empty() : Optional.of("value does not look like a valid IPv4 CIDR network")),
            Map.entry("CIDRv6", v -> cidr(CIDRV6, v, 128) ? Optional.empty() : Optional.of("value does not look like a valid IPv6 CIDR network")),
            Map.entry("CIDR", v -> cidr(CIDRV4, v, 32) || cidr(CIDRV6, v, 128) ? Optional.empty()
                    : Optional.of("value does not look like a valid CIDR network")),
            // pve-common JSONSchema.pm pve_verify_ipv4_config / pve_verify_ipv6_config
            Map.entry("pve-ipv4-config", v -> v.matches("^(?:dhcp|manual)$") || cidr(CIDRV4, v, 32) ? Optional.empty()
                    : Optional.of("value does not look like a valid ipv4 network configuration")),
            Map.entry("pve-ipv6-config", v -> v.matches("^(?:auto|dhcp|manual)$") || cidr(CIDRV6, v, 128) ? Optional.empty()
                    : Optional.of("value does not look like a valid ipv6 network configuration")),
            // pve-common JSONSchema.pm pve_verify_dns_name
            Map.entry("dns-name", matching(DNS_NAME, "value does not look like a valid DNS name")),
            // pve-common JSONSchema.pm pve_verify_address (an IP or a DNS name); 'address-list' in
            // qemu-server's nameserver is its -list form
            Map.entry("address", v -> ip(v) || DNS_NAME.matcher(v).matches() ? Optional.empty()
                    : Optional.of("value does not look like a valid address: " + v)),
            // pve-common JSONSchema.pm pve_verify_disk_size -> parse_size
            Map.entry("disk-size", regex("^(\\d+(\\.\\d+)?)([KMGT](?:iB)?)?$", 0, v -> "value does not look like a valid disk size: " + v)),
            Map.entry("pve-startup-order", NamedFormats::startupOrder),
            // pve-common JSONSchema.pm pve_verify_tag ($PVE_TAG_RE)
            Map.entry("pve-tag", regex("^[a-z0-9_][a-z0-9_\\-+.]*$", Pattern.CASE_INSENSITIVE, "invalid characters in tag")),
            Map.entry("pve-volume-id", NamedFormats::volumeId),
            // qemu-server src/PVE/QemuServer.pm verify_volume_id_or_absolute_path
            Map.entry("pve-volume-id-or-absolute-path", v -> v.startsWith("/") ? Optional.empty() : volumeId(v)),
            // qemu-server src/PVE/QemuServer.pm verify_volume_id_or_qm_path
            Map.entry("pve-volume-id-or-qm-path", v -> v.equals("none") || v.equals("cdrom") || v.startsWith("/")
                    ? Optional.empty() : volumeId(v)),
            Map.entry("pve-qm-bootdev", NamedFormats::bootDevice),
            // pve-storage src/PVE/Storage/Plugin.pm verify_content: the content types a storage may hold
            Map.entry("pve-storage-content", v -> java.util.Set.of("images", "rootdir", "vztmpl", "iso", "backup", "snippets",
                    "import", "none").contains(v) ? Optional.empty() : Optional.of("invalid content type '" + v + "'")),
            // qemu-server src/PVE/QemuServer/CPUConfig.pm parse_phys_bits
            Map.entry("pve-phys-bits", v -> v.matches("^(host|\\d{1,2})$") && (v.equals("host") || (Integer.parseInt(v) >= 8
                    && Integer.parseInt(v) <= 64)) ? Optional.empty() : Optional.of("value must be an integer between 8 and 64 or 'host'")));

    /**
     * qemu-server's property-string formats, written out as the schema's own JSON (what the API
     * dump would inline for a format given as a hash).
     */
    private static final Map<String, String> PROPERTY_STRING_SOURCES = Map.of(
            // qemu-server src/PVE/QemuServer/PCI.pm $hostpci_fmt ($PCIRE: [domain:]bus:device[.function],
            // several joined by ';'); 'host' or 'mapping' names the device
            "pve-qm-hostpci", """
                    {"host": {"type": "string", "optional": 1, "default_key": 1,
                              "pattern": "(?:[a-f0-9]{4,}:)?[a-f0-9]{2}:[a-f0-9]{2}(?:\\\\.[a-f0-9])?(?:;(?:[a-f0-9]{4,}:)?[a-f0-9]{2}:[a-f0-9]{2}(?:\\\\.[a-f0-9])?)*"},
                     "mapping": {"type": "string", "optional": 1, "format": "pve-configid"},
                     "pcie": {"type": "boolean", "optional": 1},
                     "rombar": {"type": "boolean", "optional": 1},
                     "romfile": {"type": "string", "optional": 1},
                     "x-vga": {"type": "boolean", "optional": 1},
                     "mdev": {"type": "string", "optional": 1},
                     "legacy-igd": {"type": "boolean", "optional": 1},
                     "vendor-id": {"type": "string", "optional": 1, "pattern": "0x[0-9a-fA-F]{4}"},
                     "device-id": {"type": "string", "optional": 1, "pattern": "0x[0-9a-fA-F]{4}"},
                     "sub-vendor-id": {"type": "string", "optional": 1, "pattern": "0x[0-9a-fA-F]{4}"},
                     "sub-device-id": {"type": "string", "optional": 1, "pattern": "0x[0-9a-fA-F]{4}"}}""",
            // qemu-server src/PVE/QemuServer/Network.pm $ipconfig_fmt
            "pve-qm-ipconfig", """
                    {"ip": {"type": "string", "format": "pve-ipv4-config", "optional": 1},
                     "gw": {"type": "string", "format": "ipv4", "optional": 1, "requires": "ip"},
                     "ip6": {"type": "string", "format": "pve-ipv6-config", "optional": 1},
                     "gw6": {"type": "string", "format": "ipv6", "optional": 1, "requires": "ip6"}}""",
            // qemu-server src/PVE/QemuServer.pm $boot_fmt
            "pve-qm-boot", """
                    {"legacy": {"type": "string", "optional": 1, "default_key": 1, "pattern": "[acdn]{1,4}"},
                     "order": {"type": "string", "optional": 1, "format": "pve-qm-bootdev-list"}}""",
            // qemu-server src/PVE/QemuServer.pm $cicustom_fmt
            "pve-qm-cicustom", """
                    {"meta": {"type": "string", "optional": 1, "format": "pve-volume-id"},
                     "network": {"type": "string", "optional": 1, "format": "pve-volume-id"},
                     "user": {"type": "string", "optional": 1, "format": "pve-volume-id"},
                     "vendor": {"type": "string", "optional": 1, "format": "pve-volume-id"}}""",
            // qemu-server src/PVE/QemuServer/CPUConfig.pm $cpu_fmt (reported-model's enum is the
            // node's QEMU model list, not checked here)
            "pve-vm-cpu-conf", """
                    {"cputype": {"type": "string", "optional": 1, "default_key": 1},
                     "reported-model": {"type": "string", "optional": 1},
                     "hidden": {"type": "boolean", "optional": 1},
                     "hv-vendor-id": {"type": "string", "optional": 1, "pattern": "[a-zA-Z0-9]{1,12}"},
                     "flags": {"type": "string", "optional": 1, "pattern": "[+-][a-zA-Z0-9\\\\-_.]+(;[+-][a-zA-Z0-9\\\\-_.]+)*"},
                     "guest-phys-bits": {"type": "integer", "optional": 1, "minimum": 32, "maximum": 64},
                     "phys-bits": {"type": "string", "optional": 1, "format": "pve-phys-bits"},
                     "level": {"type": "integer", "optional": 1, "minimum": 0, "maximum": 4294967295}}""");

    private static final Map<String, JsonNode> PROPERTY_STRINGS;

    static {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> parsed = new java.util.HashMap<>();
        PROPERTY_STRING_SOURCES.forEach((name, source) -> {
            try {
                parsed.put(name, json.readTree(source));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        });
        PROPERTY_STRINGS = Map.copyOf(parsed);
    }

    /**
     * qemu-server src/PVE/QemuServer/CPUConfig.pm validate_vm_cpu_conf (with validate_cpu_conf): a
     * cputype is required, {@code reported-model} is for custom model definitions only, flags in a
     * VM's config are {@code +FLAG}/{@code -FLAG}. Whether the cputype names a model the node's QEMU
     * knows is not checked (that list comes from the node).
     */
    private static Optional<String> vmCpuConf(Map<String, String> cpu) {
        if (cpu.getOrDefault("cputype", "").isEmpty()) {
            return Optional.of("CPU is missing cputype");
        }
        if (cpu.containsKey("reported-model")) {
            return Optional.of("Property 'reported-model' not allowed in VM-specific CPU config.");
        }
        String flags = cpu.get("flags");
        if (flags != null) {
            for (String f : flags.split(";", -1)) {
                if (!CPU_FLAG.matcher(f).matches()) {
                    return Optional.of("invalid CPU flag '" + f + "'");
                }
            }
        }
        return Optional.empty();
    }

    /** qemu-server PCI.pm parse_hostpci: a device is named by 'host' or by 'mapping', not both. */
    private static Optional<String> hostPci(Map<String, String> pci) {
        boolean host = pci.containsKey("host");
        boolean mapping = pci.containsKey("mapping");
        if (host == mapping) {
            return Optional.of(host ? "'host' and 'mapping' cannot be set at the same time" : "either 'host' or 'mapping' must be set.");
        }
        return Optional.empty();
    }

    private static final Map<String, Function<Map<String, String>, Optional<String>>> VALIDATORS =
            Map.of("pve-vm-cpu-conf", NamedFormats::vmCpuConf, "pve-qm-hostpci", NamedFormats::hostPci);

    /** The code verifier registered as {@code name}, if this class knows one. */
    static Optional<Verifier> verifier(String name) {
        return Optional.ofNullable(VERIFIERS.get(name));
    }

    /** The property-string format registered as {@code name}, if this class knows one. */
    static Optional<JsonNode> propertyString(String name) {
        return Optional.ofNullable(PROPERTY_STRINGS.get(name));
    }

    /** The whole-value validator {@code register_format} attaches to property-string format {@code name}. */
    static Optional<Function<Map<String, String>, Optional<String>>> validator(String name) {
        return Optional.ofNullable(VALIDATORS.get(name));
    }

    /** Every name this class checks. */
    static Set<String> names() {
        Set<String> all = new java.util.TreeSet<>(VERIFIERS.keySet());
        all.addAll(PROPERTY_STRINGS.keySet());
        return all;
    }
}
