package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.config.TagList;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which config changes a running VM takes at once, after qemu-server {@code QemuServer.pm}
 * {@code vmconfig_hotplug_pending}: options in {@code $fast_plug_option} and the cloud-init options
 * always; NICs with hotplug {@code network}; new scsi/virtio disks with hotplug {@code disk} (ide and
 * sata disks never: {@code vm_deviceplug} answers "skip"); changed options of an existing disk never
 * ({@code vmconfig_update_disk} skips aio, discard, iothread, cache, ssd, ...); {@code memory} with
 * hotplug {@code memory}; {@code vcpus} with hotplug {@code cpu}; {@code balloon} unless it switches
 * ballooning on or off; {@code cpuunits} and {@code cpulimit}. Everything else ({@code cores},
 * {@code sockets}, {@code cpu}, {@code scsihw}, {@code boot}, ...) becomes pending. The option
 * {@code hotplug} defaults to {@code network,disk,usb}; {@code 1} means all, {@code 0} none.
 */
final class Hotplug {

    /** {@code $fast_plug_option} plus {@code $confdesc_cloudinit}. */
    private static final Set<String> FAST_PLUG = Set.of("description", "hookscript", "lock", "migrate_downtime",
            "migrate_speed", "name", "onboot", "protection", "shares", "startup", "tags", "vmstatestorage",
            "cicustom", "cipassword", "citype", "ciuser", "ciupgrade", "nameserver", "searchdomain", "sshkeys");
    private static final Pattern IPCONFIG = Pattern.compile("^ipconfig\\d+$");
    private static final Pattern NET = Pattern.compile("^net\\d+$");
    private static final Pattern HOT_DISK = Pattern.compile("^(scsi|virtio)\\d+$");
    private static final Pattern DISK = Pattern.compile("^(scsi|virtio|sata|ide)\\d+$");

    private final Set<String> features;

    private Hotplug(Set<String> features) {
        this.features = features;
    }

    /** The features of a config's {@code hotplug} value (null: the default {@code network,disk,usb}). */
    static Hotplug of(String hotplugValue) {
        String v = hotplugValue == null ? "network,disk,usb" : hotplugValue.strip();
        Set<String> f = new TreeSet<>();
        if (v.equals("1")) {
            f.addAll(Set.of("network", "disk", "usb", "memory", "cpu", "cloudinit"));
        } else if (!v.equals("0")) {
            f.addAll(TagList.splitList(v)); // qemu-server parse_hotplug_features: split_list
        }
        return new Hotplug(f);
    }

    /** How setting or deleting {@code key} reaches a VM that is {@code running}. */
    Impact keyImpact(String key, boolean running, String before, String after) {
        if (!running) {
            return Impact.LIVE;
        }
        if (FAST_PLUG.contains(key) || IPCONFIG.matcher(key).matches()) {
            return Impact.LIVE;
        }
        if (NET.matcher(key).matches()) {
            return features.contains("network") ? Impact.LIVE : Impact.NEEDS_REBOOT;
        }
        if (DISK.matcher(key).matches()) {
            // a new or removed disk; changed options of an existing disk are classified by diskOptionsImpact
            return HOT_DISK.matcher(key).matches() && features.contains("disk") ? Impact.LIVE : Impact.NEEDS_REBOOT;
        }
        return switch (key) {
            case "memory" -> features.contains("memory") ? Impact.LIVE : Impact.NEEDS_REBOOT;
            case "vcpus" -> features.contains("cpu") ? Impact.LIVE : Impact.NEEDS_REBOOT;
            case "balloon" -> ballooning(before) == ballooning(after) ? Impact.LIVE : Impact.NEEDS_REBOOT;
            case "cpuunits", "cpulimit" -> Impact.LIVE;
            default -> Impact.NEEDS_REBOOT;
        };
    }

    /** Changed options of an existing disk on a running VM: pending ({@code vmconfig_update_disk}). */
    static Impact diskOptionsImpact(boolean running) {
        return running ? Impact.NEEDS_REBOOT : Impact.LIVE;
    }

    private static boolean ballooning(String balloon) {
        return balloon == null || !balloon.strip().equals("0");
    }
}
