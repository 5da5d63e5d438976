package ai.thinkheads.phoenix.spec;

import ai.thinkheads.phoenix.config.ConfigKey;
import ai.thinkheads.phoenix.config.ConfigKeys;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.DriveBus;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One disk of a {@link VmSpec}: its slot (bus + index), storage, size and options. Immutable; the
 * {@code with...} methods validate their argument at once and name the field in the
 * {@link InvalidValueException}, e.g. {@code disks[scsi0].cache}.
 *
 * <pre>{@code
 * Disk.scsi(0, "local-lvm", DiskSize.ofGiB(32)).withDiscard(true).withSsd(true)
 * }</pre>
 *
 * @param bus the bus ({@link DriveBus})
 * @param index slot on the bus (scsi 0–30, virtio 0–15, sata 0–5, ide 0–3; qemu-server {@code Drive.pm})
 * @param storage storage ID to allocate on ({@code local-lvm})
 * @param size size, or null to keep the imported image's or the template's size
 * @param discard pass discard/trim ({@code discard=on}), or null for the Proxmox default
 * @param ssd present as SSD (not on virtio), or null
 * @param iothread own iothread (scsi with {@code virtio-scsi-single}, or virtio), or null
 * @param cache cache mode ({@link ConfigKeys#CACHE_MODES}), or null
 * @param extraOptions further drive options (e.g. {@code backup=0}), checked against the drive format's keys
 */
public record Disk(DriveBus bus, int index, String storage, DiskSize size, Boolean discard, Boolean ssd,
                   Boolean iothread, String cache, Map<String, String> extraOptions) {

    /** Options that typed fields or the mapping produce and so may not be given as extra options. */
    static final Set<String> TYPED_OPTIONS = Set.of("file", "volume", "size", "discard", "ssd", "iothread", "cache",
            "import-from", "media");

    public Disk {
        SpecChecks.notNull("disks.bus", bus);
        String at = "disks[" + bus.prefix() + index + "]";
        SpecChecks.range(at + ".index", index, 0, bus.maxIndex());
        SpecChecks.storage(at + ".storage", storage);
        if (ssd != null && !bus.supportsSsd()) {
            throw new InvalidValueException(at + ".ssd", "not available on " + bus.prefix() + " (Drive.pm: virtio has no ssd option)");
        }
        if (iothread != null && !bus.supportsIothread()) {
            throw new InvalidValueException(at + ".iothread", "not available on " + bus.prefix() + " (only scsi and virtio)");
        }
        if (cache != null && !ConfigKeys.CACHE_MODES.contains(cache)) {
            throw new InvalidValueException(at + ".cache", "'" + cache + "' is not one of " + ConfigKeys.CACHE_MODES);
        }
        extraOptions = checkExtra(at, bus, extraOptions);
    }

    /** A disk on {@code scsi<index>}. */
    public static Disk scsi(int index, String storage, DiskSize size) {
        return on(DriveBus.SCSI, index, storage, size);
    }

    /** A disk on {@code virtio<index>}. */
    public static Disk virtio(int index, String storage, DiskSize size) {
        return on(DriveBus.VIRTIO, index, storage, size);
    }

    /** A disk on any bus; {@code size} may be null for an imported or cloned disk. */
    public static Disk on(DriveBus bus, int index, String storage, DiskSize size) {
        return new Disk(bus, index, storage, size, null, null, null, null, Map.of());
    }

    /** The config key, e.g. {@code scsi0}. */
    public String key() {
        return bus.prefix() + index;
    }

    public Optional<DiskSize> sizeIfAny() {
        return Optional.ofNullable(size);
    }

    public Disk withSize(DiskSize newSize) {
        return new Disk(bus, index, storage, newSize, discard, ssd, iothread, cache, extraOptions);
    }

    public Disk withDiscard(boolean value) {
        return new Disk(bus, index, storage, size, value, ssd, iothread, cache, extraOptions);
    }

    public Disk withSsd(boolean value) {
        return new Disk(bus, index, storage, size, discard, value, iothread, cache, extraOptions);
    }

    public Disk withIothread(boolean value) {
        return new Disk(bus, index, storage, size, discard, ssd, value, cache, extraOptions);
    }

    public Disk withCache(String mode) {
        return new Disk(bus, index, storage, size, discard, ssd, iothread, mode, extraOptions);
    }

    /** This disk with extra option {@code key=value} added. */
    public Disk withOption(String key, String value) {
        TreeMap<String, String> copy = new TreeMap<>(extraOptions);
        copy.put(key, value);
        return new Disk(bus, index, storage, size, discard, ssd, iothread, cache, copy);
    }

    private static Map<String, String> checkExtra(String at, DriveBus bus, Map<String, String> extra) {
        SpecChecks.notNull(at + ".extraOptions", extra);
        ConfigKey format = ConfigKeys.entry(bus.prefix() + "[n]").orElseThrow();
        TreeMap<String, String> out = new TreeMap<>();
        extra.forEach((k, v) -> {
            String path = at + ".options." + k;
            if (TYPED_OPTIONS.contains(k)) {
                throw new InvalidValueException(path, "is set by a typed field or by the source; not allowed as an extra option");
            }
            ConfigKey.SubKey sub = format.subKey(k).orElseThrow(() ->
                    new InvalidValueException(path, "is not a known " + bus.prefix() + " drive option"));
            out.put(k, SubKeyValues.check(path, sub, v));
        });
        return Collections.unmodifiableMap(out);
    }
}
