package ai.thinkheads.phoenix.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value of a drive option ({@code scsi0}, {@code virtio1}, {@code ide2}, ...): the backing
 * volume and its options. All forms Proxmox uses read and print through this one type:
 * <ul>
 *   <li>create: {@code local-lvm:32,discard=on} — allocate a new 32 GiB volume;</li>
 *   <li>import: {@code local-lvm:0,import-from=/var/lib/vz/template/iso/noble.img};</li>
 *   <li>stored: {@code local-lvm:vm-100-disk-0,discard=on,size=32G};</li>
 *   <li>cloud-init and CD-ROM: {@code local-lvm:cloudinit,media=cdrom}, {@code none,media=cdrom}.</li>
 * </ul>
 * Parsing follows {@code QemuServer/Drive.pm parse_drive}: {@code file} is the default key
 * ({@code volume} is its alias), boolean options are normalised to {@code 0}/{@code 1} and
 * {@code size} to pve-common's {@code format_size} spelling, so {@link #format()} prints the
 * canonical text ({@code print_drive}: file first, then the options sorted).
 *
 * @param file the backing volume ({@code storage:volume}, {@code storage:SIZE_GiB}, a path, {@code none} or {@code cdrom})
 * @param options every other key, sorted
 */
public record DriveConfig(String file, Map<String, String> options) {

    /** Boolean options of the drive formats (Drive.pm). */
    static final Set<String> BOOLEAN_KEYS = Set.of("backup", "replicate", "detect_zeroes", "snapshot", "shared",
            "ssd", "iothread", "ro", "scsiblock");
    private static final Pattern NEW_VOLUME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9\\-_.]*[a-zA-Z0-9]):(\\d+(?:\\.\\d+)?)$");
    private static final Pattern STORAGE_ID = Pattern.compile("^[a-zA-Z][a-zA-Z0-9\\-_.]*[a-zA-Z0-9]$");

    public DriveConfig {
        Objects.requireNonNull(file, "file");
        TreeMap<String, String> sorted = new TreeMap<>();
        options.forEach((k, v) -> sorted.put(k, normalise(k, v)));
        if (sorted.containsKey("file") || sorted.containsKey("volume")) {
            throw new PropertyStringException("file is the drive's volume, not an option");
        }
        // checks the key/value syntax (no commas, no '=' in the bare volume)
        new PropertyString("file", merged(file, sorted));
        options = Collections.unmodifiableMap(sorted);
    }

    /** Parses a drive value; {@code volume=} is read as {@code file} (Drive.pm alias). */
    public static DriveConfig parse(String text) {
        PropertyString ps = PropertyString.parse(text, "file");
        LinkedHashMap<String, String> options = new LinkedHashMap<>(ps.values());
        String file = options.remove("file");
        String volume = options.remove("volume");
        if (file != null && volume != null) {
            throw new PropertyStringException("key 'file' is already defined (via alias)");
        }
        file = file != null ? file : volume;
        if (file == null) {
            throw new PropertyStringException("file: property is missing and it is not optional");
        }
        return new DriveConfig(file, options);
    }

    /** {@code storage:gib}: a new volume of {@code gib} GiB on {@code storage}. */
    public static DriveConfig newVolume(String storage, long gib) {
        if (gib < 1) {
            throw new IllegalArgumentException("size of a new volume must be at least 1 GiB, got " + gib);
        }
        return new DriveConfig(checkStorage(storage) + ":" + gib, Map.of());
    }

    /** {@code storage:0,import-from=source}: a new volume on {@code storage} filled from {@code source}. */
    public static DriveConfig importing(String storage, String source) {
        return new DriveConfig(checkStorage(storage) + ":0", Map.of("import-from", source));
    }

    /** {@code storage:cloudinit,media=cdrom}: the cloud-init drive. */
    public static DriveConfig cloudInit(String storage) {
        return new DriveConfig(checkStorage(storage) + ":cloudinit", Map.of("media", "cdrom"));
    }

    /** This drive with option {@code key} set to {@code value} (null removes it). */
    public DriveConfig with(String key, String value) {
        TreeMap<String, String> copy = new TreeMap<>(options);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new DriveConfig(file, copy);
    }

    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    /** The storage part of {@code file} ({@code local-lvm} in {@code local-lvm:vm-100-disk-0}), if it has one. */
    public Optional<String> storage() {
        int colon = file.indexOf(':');
        return colon > 0 && file.charAt(0) != '/' ? Optional.of(file.substring(0, colon)) : Optional.empty();
    }

    /** For the create form {@code storage:32}: the size to allocate in GiB (0 for an import). */
    public OptionalLong allocationGiB() {
        Matcher m = NEW_VOLUME.matcher(file);
        if (!m.matches() || m.group(2).contains(".")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(m.group(2)));
    }

    public Optional<String> importFrom() {
        return option("import-from");
    }

    /** The informational {@code size} Proxmox records on stored volumes. */
    public Optional<DiskSize> size() {
        return option("size").map(DiskSize::parse);
    }

    public boolean isCdrom() {
        return "cdrom".equals(options.get("media"));
    }

    /** A cloud-init drive: {@code storage:cloudinit} on create, {@code ...vm-100-cloudinit...} once stored. */
    public boolean isCloudInit() {
        return file.endsWith(":cloudinit") || file.matches(".*vm-\\d+-cloudinit(\\.\\w+)?$");
    }

    public Optional<Boolean> flag(String key) {
        return option(key).map(v -> v.equals("1"));
    }

    /** The canonical text: {@code file} first, then the options sorted. */
    public String format() {
        return new PropertyString("file", merged(file, options)).format();
    }

    @Override
    public String toString() {
        return format();
    }

    private static Map<String, String> merged(String file, Map<String, String> options) {
        LinkedHashMap<String, String> all = new LinkedHashMap<>();
        all.put("file", file);
        all.putAll(options);
        return all;
    }

    private static String normalise(String key, String value) {
        if (value == null) {
            throw new PropertyStringException("empty value for " + key);
        }
        if (BOOLEAN_KEYS.contains(key)) {
            return ProxmoxBoolean.normalise(key, value);
        }
        if (key.equals("size")) {
            try {
                return DiskSize.parse(value).toString();
            } catch (IllegalArgumentException e) {
                throw new PropertyStringException("size: " + e.getMessage());
            }
        }
        return value;
    }

    static String checkStorage(String storage) {
        // pve-common parse_id (format pve-storage-id)
        if (storage == null || storage.length() < 2 || !STORAGE_ID.matcher(storage).matches()) {
            throw new IllegalArgumentException("storage ID '" + storage + "' is not valid (letters, digits, - _ .; at least 2 characters)");
        }
        return storage;
    }
}
