package ai.thinkheads.phoenix.config;

import ai.thinkheads.phoenix.config.ConfigKey.SubKey;
import ai.thinkheads.phoenix.config.ConfigKey.Type;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Phoenix's own table of the Proxmox VM option keys it writes or lets a user write through
 * {@code VmSpec}'s raw-options escape hatch: type, range, enum, index range and property-string
 * sub-keys. A key that is not here is not accepted.
 *
 * <p>The table is written from qemu-server ({@code src/PVE/QemuServer.pm} {@code $confdesc},
 * {@code QemuServer/Drive.pm}, {@code QemuServer/Network.pm}, {@code QemuServer/PCI.pm},
 * {@code QemuServer/Agent.pm}) and is checked against the PVE 8.4 and 9.1 API schemas by
 * {@code SchemaCrossCheckTest}: every key must exist with the same type, bounds and enum on
 * {@code POST /nodes/{node}/qemu} and on {@code PUT}/{@code POST .../config}. Only what Phoenix
 * needs is listed; bounds the schema leaves open ("1 - N") are null here too.
 */
public final class ConfigKeys {

    private static final List<String> NO_ENUM = List.of();
    private static final Map<String, ConfigKey> TABLE = new LinkedHashMap<>();

    /** Drive cache modes, {@code Drive.pm %drivedesc_base cache}. */
    public static final List<String> CACHE_MODES = List.of("none", "writethrough", "writeback", "unsafe", "directsync");
    /** {@code scsihw} controller types, {@code QemuServer.pm $confdesc->{scsihw}}. */
    public static final List<String> SCSI_CONTROLLERS =
            List.of("lsi", "lsi53c810", "virtio-scsi-pci", "virtio-scsi-single", "megasas", "pvscsi");
    /** NIC models, {@code Network.pm $nic_model_list}. */
    public static final List<String> NIC_MODELS = List.of("e1000", "e1000-82540em", "e1000-82544gc",
            "e1000-82545em", "e1000e", "i82551", "i82557b", "i82559er", "ne2k_isa", "ne2k_pci", "pcnet",
            "rtl8139", "virtio", "vmxnet3");

    static {
        // --- identity and hardware (QemuServer.pm $confdesc)
        put(key("name", Type.STRING).format("dns-name"));
        put(key("description", Type.STRING));
        put(key("tags", Type.STRING).format("pve-tag-list"));
        put(key("template", Type.BOOLEAN));
        put(key("onboot", Type.BOOLEAN));
        put(key("startup", Type.STRING).format("pve-startup-order").defaultKey("order")
                .sub("order", Type.INTEGER).sub("up", Type.INTEGER).sub("down", Type.INTEGER));
        put(key("protection", Type.BOOLEAN));
        put(key("sockets", Type.INTEGER).range(1L, null));
        put(key("cores", Type.INTEGER).range(1L, null));
        put(key("vcpus", Type.INTEGER).range(1L, null));
        put(key("cpulimit", Type.NUMBER).range(0L, 128L));
        put(key("cpuunits", Type.INTEGER).range(1L, 262144L));
        put(key("cpu", Type.STRING).format("pve-vm-cpu-conf").defaultKey("cputype").sub("cputype", Type.STRING).sub("flags", Type.STRING));
        put(key("numa", Type.BOOLEAN));
        put(key("memory", Type.STRING).sub("current", Type.INTEGER, 16L, null).defaultKey("current"));
        put(key("balloon", Type.INTEGER).range(0L, null));
        put(key("ostype", Type.STRING).oneOf("other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8",
                "win10", "win11", "l24", "l26", "solaris"));
        put(key("bios", Type.STRING).oneOf("seabios", "ovmf"));
        // q35 for PCIe passthrough (the nvidia feature); qemu-server $machine_fmt: type is the default key
        put(key("machine", Type.STRING).defaultKey("type").sub("type", Type.STRING).sub("viommu", Type.STRING, "intel", "virtio"));
        put(key("acpi", Type.BOOLEAN));
        put(key("kvm", Type.BOOLEAN));
        put(key("tablet", Type.BOOLEAN));
        put(key("localtime", Type.BOOLEAN));
        put(key("hotplug", Type.STRING).format("pve-hotplug-features"));
        put(key("scsihw", Type.STRING).oneOf(SCSI_CONTROLLERS.toArray(String[]::new)));
        put(key("boot", Type.STRING).format("pve-qm-boot").sub("order", Type.STRING).sub("legacy", Type.STRING)
                .defaultKey("legacy"));
        put(key("agent", Type.STRING).defaultKey("enabled").sub("enabled", Type.BOOLEAN).sub("fstrim_cloned_disks", Type.BOOLEAN)
                .sub("type", Type.STRING, "virtio", "isa"));
        put(key("serial[n]", Type.STRING).indexed(3));
        put(key("vga", Type.STRING).defaultKey("type").sub("type", Type.STRING, "cirrus", "qxl", "qxl2", "qxl3", "qxl4", "none",
                "serial0", "serial1", "serial2", "serial3", "std", "virtio", "virtio-gl", "vmware")
                .sub("memory", Type.INTEGER, 4L, 512L));
        put(key("hostpci[n]", Type.STRING).indexed(15).format("pve-qm-hostpci").defaultKey("host") // PCI.pm $MAX_HOSTPCI_DEVICES = 16
                .sub("host", Type.STRING).sub("mapping", Type.STRING).sub("pcie", Type.BOOLEAN)
                .sub("x-vga", Type.BOOLEAN).sub("rombar", Type.BOOLEAN));
        // --- disks (Drive.pm: $MAX_IDE_DISKS 4, $MAX_SATA_DISKS 6, $MAX_SCSI_DISKS 31, $MAX_VIRTIO_DISKS 16)
        put(drive(key("ide[n]", Type.STRING).indexed(3)).sub("ssd", Type.BOOLEAN));
        put(drive(key("sata[n]", Type.STRING).indexed(5)).sub("ssd", Type.BOOLEAN));
        put(drive(key("scsi[n]", Type.STRING).indexed(30)).sub("ssd", Type.BOOLEAN).sub("iothread", Type.BOOLEAN)
                .sub("ro", Type.BOOLEAN));
        put(drive(key("virtio[n]", Type.STRING).indexed(15)).sub("iothread", Type.BOOLEAN).sub("ro", Type.BOOLEAN));
        put(key("efidisk0", Type.STRING).defaultKey("file").sub("file", Type.STRING).sub("efitype", Type.STRING, "2m", "4m")
                .sub("pre-enrolled-keys", Type.BOOLEAN).sub("size", Type.STRING).sub("import-from", Type.STRING));
        // --- network (QemuServer.pm $MAX_NETS = 32; Network.pm $net_fmt)
        put(key("net[n]", Type.STRING).indexed(31).defaultKey("model")
                .sub("model", Type.STRING, NIC_MODELS.toArray(String[]::new)).sub("macaddr", Type.STRING)
                .sub("bridge", Type.STRING).sub("tag", Type.INTEGER, 1L, 4094L).sub("firewall", Type.BOOLEAN)
                .sub("link_down", Type.BOOLEAN).sub("mtu", Type.INTEGER, 1L, 65520L)
                .sub("queues", Type.INTEGER, 0L, 64L).sub("rate", Type.NUMBER, 0L, null).sub("trunks", Type.STRING));
        // --- cloud-init (QemuServer.pm $confdesc_cloudinit)
        put(key("ipconfig[n]", Type.STRING).indexed(31).format("pve-qm-ipconfig")
                .sub("ip", Type.STRING).sub("gw", Type.STRING).sub("ip6", Type.STRING).sub("gw6", Type.STRING));
        put(key("ciuser", Type.STRING));
        put(key("cipassword", Type.STRING));
        put(key("citype", Type.STRING).oneOf("configdrive2", "nocloud", "opennebula"));
        put(key("ciupgrade", Type.BOOLEAN));
        put(key("sshkeys", Type.STRING).format("urlencoded"));
        put(key("nameserver", Type.STRING).format("address-list"));
        put(key("searchdomain", Type.STRING));
        put(key("cicustom", Type.STRING).format("pve-qm-cicustom")
                .sub("user", Type.STRING).sub("network", Type.STRING).sub("meta", Type.STRING).sub("vendor", Type.STRING));
    }

    private ConfigKeys() {
    }

    /** Every entry, in table order. */
    public static Collection<ConfigKey> all() {
        return TABLE.values();
    }

    /** The entry for a schema name ({@code net[n]}, {@code cores}). */
    public static Optional<ConfigKey> entry(String schemaName) {
        return Optional.ofNullable(TABLE.get(schemaName));
    }

    /** The entry a concrete config key ({@code net3}, {@code cores}) falls under, if Phoenix knows it. */
    public static Optional<ConfigKey> lookup(String configKey) {
        ConfigKey direct = TABLE.get(configKey);
        if (direct != null && !direct.isIndexed()) {
            return Optional.of(direct);
        }
        return TABLE.values().stream().filter(k -> k.isIndexed() && k.matches(configKey)).findFirst();
    }

    public static boolean isKnown(String configKey) {
        return lookup(configKey).isPresent();
    }

    private static void put(Draft d) {
        TABLE.put(d.name, new ConfigKey(d.name, d.type, d.min, d.max, d.enumValues, d.maxIndex, d.format, d.defaultKey, d.subs));
    }

    private static Draft key(String name, Type type) {
        return new Draft(name, type);
    }

    /** Sub-keys every drive bus has ({@code Drive.pm %drivedesc_base} plus import-from). */
    private static Draft drive(Draft d) {
        return d.defaultKey("file").sub("file", Type.STRING).sub("media", Type.STRING, "cdrom", "disk")
                .sub("cache", Type.STRING, CACHE_MODES.toArray(String[]::new))
                .sub("discard", Type.STRING, "ignore", "on")
                .sub("format", Type.STRING, "raw", "qcow", "qed", "qcow2", "vmdk", "cloop")
                .sub("size", Type.STRING).sub("import-from", Type.STRING).sub("backup", Type.BOOLEAN)
                .sub("replicate", Type.BOOLEAN).sub("aio", Type.STRING, "native", "threads", "io_uring")
                .sub("detect_zeroes", Type.BOOLEAN).sub("serial", Type.STRING).sub("snapshot", Type.BOOLEAN)
                .sub("rerror", Type.STRING, "ignore", "report", "stop")
                .sub("werror", Type.STRING, "enospc", "ignore", "report", "stop").sub("shared", Type.BOOLEAN)
                .sub("mbps_rd", Type.NUMBER).sub("mbps_wr", Type.NUMBER).sub("iops_rd", Type.INTEGER)
                .sub("iops_wr", Type.INTEGER);
    }

    private static final class Draft {
        final String name;
        final Type type;
        Long min;
        Long max;
        List<String> enumValues = NO_ENUM;
        int maxIndex = -1;
        String format;
        String defaultKey;
        final Map<String, SubKey> subs = new LinkedHashMap<>();

        Draft(String name, Type type) {
            this.name = name;
            this.type = type;
        }

        Draft range(Long lo, Long hi) {
            min = lo;
            max = hi;
            return this;
        }

        Draft oneOf(String... values) {
            enumValues = List.of(values);
            return this;
        }

        Draft indexed(int highest) {
            maxIndex = highest;
            return this;
        }

        Draft defaultKey(String key) {
            defaultKey = key;
            return this;
        }

        Draft format(String named) {
            format = named;
            return this;
        }

        Draft sub(String key, Type t) {
            subs.put(key, new SubKey(t, null, null, List.of()));
            return this;
        }

        Draft sub(String key, Type t, Long lo, Long hi) {
            subs.put(key, new SubKey(t, lo, hi, List.of()));
            return this;
        }

        Draft sub(String key, Type t, String... values) {
            subs.put(key, new SubKey(t, null, null, List.of(values)));
            return this;
        }
    }
}
