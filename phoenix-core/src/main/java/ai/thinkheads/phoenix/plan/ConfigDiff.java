package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.config.ConfigKey;
import ai.thinkheads.phoenix.config.ConfigKeys;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.DriveConfig;
import ai.thinkheads.phoenix.config.NetConfig;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.config.SshKeys;
import ai.thinkheads.phoenix.config.TagList;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Compares what a spec declares with what a VM holds, the way Proxmox normalises values, so that
 * a freshly applied VM compares equal:
 * <ul>
 *   <li>only declared keys are compared; undeclared keys are left alone, except {@code onboot}
 *       (a typed boolean whose absence means off), NICs and disks of a VM that is not a clone (the
 *       spec's list is the whole list) — a clone keeps what its template gave it unless declared;</li>
 *   <li>{@code memory} {@code 2048} = {@code current=2048}; numbers compare numerically; booleans
 *       in any Proxmox spelling ({@code parse_boolean}); property strings in any key order, with
 *       the default key bare or named ({@code agent: 1} = {@code enabled=1});</li>
 *   <li>{@code tags} as a set, lower-cased ({@code get_unique_tags}), without Phoenix's provisioned
 *       marker ({@link Planner#PROVISIONED_TAG_PREFIX}), which a tag update keeps; {@code sshkeys} decoded;
 *       {@code nameserver} as a list;</li>
 *   <li>a NIC without a declared MAC keeps the one Proxmox generated ({@code add_random_macs});</li>
 *   <li>a disk compares by storage, size and the declared options: the create form
 *       {@code local-lvm:32} equals the stored {@code local-lvm:vm-100-disk-0,size=32G}, and
 *       {@code import-from} is gone once imported; a larger declared size is a grow, a smaller one a
 *       shrink (refused); another storage is destructive;</li>
 *   <li>the description marker of an interrupted clone ({@link Planner#cloneMarker}) is removed;</li>
 *   <li>the cloud-init drive {@code local-lvm:cloudinit} equals the stored
 *       {@code local-lvm:vm-100-cloudinit,media=cdrom}.</li>
 * </ul>
 */
final class ConfigDiff {

    private static final Pattern DISK = Pattern.compile("^(scsi|virtio|sata|ide)\\d+$");
    private static final Pattern NET = Pattern.compile("^net\\d+$");
    private static final Set<String> DRIVE_IGNORED_OPTIONS = Set.of("import-from", "size", "format");

    /**
     * The outcome of a comparison.
     *
     * @param keys keys to set or delete
     * @param grows disks to grow
     * @param destructive what can only be done by recreating the VM, one line each
     * @param shrinks disks that would shrink, one line each
     */
    record Result(List<KeyChange> keys, List<Change.GrowDisk> grows, List<String> destructive, List<String> shrinks) {
        Result {
            keys = List.copyOf(keys);
            grows = List.copyOf(grows);
            destructive = List.copyOf(destructive);
            shrinks = List.copyOf(shrinks);
        }

        boolean isEmpty() {
            return keys.isEmpty() && grows.isEmpty() && destructive.isEmpty() && shrinks.isEmpty();
        }
    }

    private ConfigDiff() {
    }

    /**
     * Compares {@code desired} with {@code actual}.
     *
     * @param desired the spec's config
     * @param actual the VM's config values ({@code VmConfig.values()}, pending changes applied)
     * @param running whether the VM runs (decides LIVE or NEEDS_REBOOT)
     */
    static Result compare(DesiredConfig desired, Map<String, String> actual, boolean running) {
        Hotplug hotplug = Hotplug.of(actual.get("hotplug"));
        boolean clone = desired.isClone();
        List<KeyChange> keys = new ArrayList<>();
        List<Change.GrowDisk> grows = new ArrayList<>();
        List<String> destructive = new ArrayList<>();
        List<String> shrinks = new ArrayList<>();
        for (Map.Entry<String, String> e : desired.config().entrySet()) {
            String key = e.getKey();
            String want = e.getValue();
            String have = actual.get(key);
            if (DISK.matcher(key).matches()) {
                compareDrive(key, want, have, desired.diskSizes().get(key), running, hotplug, keys, grows, destructive, shrinks);
                continue;
            }
            if (have == null) {
                keys.add(new KeyChange(key, null, want, hotplug.keyImpact(key, running, null, want)));
            } else if (!same(key, want, have)) {
                String value = merged(key, want, have);
                keys.add(new KeyChange(key, have, value, hotplug.keyImpact(key, running, have, value)));
            }
        }
        for (Map.Entry<String, String> e : new TreeMap<>(actual).entrySet()) {
            String key = e.getKey();
            String have = e.getValue();
            if (desired.config().containsKey(key)) {
                continue;
            }
            if (key.equals("description") && have.equals(Planner.cloneMarker(desired.ownerTag()))) {
                // the marker of a clone whose first update was interrupted; the spec declares no description
                keys.add(new KeyChange(key, have, null, Impact.LIVE));
            } else if (key.equals("onboot") && isTrue(have)) {
                keys.add(new KeyChange(key, have, null, hotplug.keyImpact(key, running, have, null)));
            } else if (!clone && NET.matcher(key).matches()) {
                keys.add(new KeyChange(key, have, null, hotplug.keyImpact(key, running, have, null)));
            } else if (!clone && DISK.matcher(key).matches()) {
                DriveConfig drive = parseDrive(have);
                if (drive != null && !drive.isCdrom()) {
                    String index = key.replaceAll("^[a-z]+", "");
                    Optional<String> moved = desired.config().keySet().stream()
                            .filter(k -> DISK.matcher(k).matches() && !actual.containsKey(k) && k.replaceAll("^[a-z]+", "").equals(index))
                            .findFirst();
                    destructive.add(moved.map(to -> "disk " + key + " (" + drive.file() + ") moves to " + to
                                    + " on another bus: a bus change recreates the disk and loses its data")
                            .orElse("disk " + key + " (" + drive.file() + ") is not declared any more: removing it loses its data"));
                }
            }
        }
        return new Result(keys, grows, destructive, shrinks);
    }

    private static void compareDrive(String key, String want, String have, DiskSize declaredSize, boolean running,
                                     Hotplug hotplug, List<KeyChange> keys, List<Change.GrowDisk> grows, List<String> destructive,
                                     List<String> shrinks) {
        DriveConfig wanted = DriveConfig.parse(want);
        if (have == null) {
            keys.add(new KeyChange(key, null, want, hotplug.keyImpact(key, running, null, want)));
            return;
        }
        DriveConfig held = parseDrive(have);
        if (held == null) {
            destructive.add("disk " + key + " holds '" + have + "', which Phoenix cannot read; replacing it");
            return;
        }
        if (wanted.isCloudInit()) {
            if (held.isCloudInit() && Objects.equals(held.storage(), wanted.storage())) {
                return;
            }
            if (!held.isCdrom()) {
                destructive.add("disk " + key + " (" + held.file() + ") would be replaced by the cloud-init drive");
                return;
            }
            keys.add(new KeyChange(key, have, want, hotplug.keyImpact(key, running, have, want)));
            return;
        }
        if (wanted.isCdrom()) {
            // a CD-ROM declared by volume (a NoCloud ISO): a media change, unless a disk would be thrown away for it
            if (!held.isCdrom()) {
                destructive.add("disk " + key + " (" + held.file() + ") would be replaced by the CD-ROM " + wanted.file());
            } else if (!Objects.equals(held.file(), wanted.file())) {
                keys.add(new KeyChange(key, have, want, hotplug.keyImpact(key, running, have, want)));
            }
            return;
        }
        if (held.isCdrom()) {
            destructive.add(key + " is a CD-ROM (" + held.file() + ") but is declared as a disk");
            return;
        }
        Optional<String> wantStorage = wanted.storage();
        if (wantStorage.isPresent() && !wantStorage.equals(held.storage())) {
            destructive.add("disk " + key + " moves from storage " + held.storage().orElse(held.file()) + " to "
                    + wantStorage.get() + ": the disk is recreated");
            return;
        }
        DiskSize target = declaredSize;
        if (target == null && wanted.allocationGiB().isPresent() && wanted.allocationGiB().getAsLong() > 0) {
            target = DiskSize.ofGiB(wanted.allocationGiB().getAsLong());
        }
        Optional<DiskSize> current = held.size();
        if (target != null && current.isPresent()) {
            int cmp = target.compareTo(current.get());
            if (cmp > 0) {
                grows.add(new Change.GrowDisk(key, current.get(), target));
            } else if (cmp < 0) {
                shrinks.add("disk " + key + " is " + current.get() + " and cannot shrink to " + target
                        + " (Proxmox resize_vm: \"shrinking disks is not supported\")");
            }
        }
        DriveConfig updated = held;
        for (Map.Entry<String, String> o : wanted.options().entrySet()) {
            if (DRIVE_IGNORED_OPTIONS.contains(o.getKey())) {
                continue;
            }
            Optional<String> current0 = held.option(o.getKey());
            if (current0.isEmpty() || !sameScalar(o.getValue(), current0.get())) {
                updated = updated.with(o.getKey(), o.getValue());
            }
        }
        if (!updated.equals(held)) {
            keys.add(new KeyChange(key, have, updated.format(), Hotplug.diskOptionsImpact(running)));
        }
    }

    /** Whether {@code want} and {@code have} mean the same for {@code key}. */
    static boolean same(String key, String want, String have) {
        if (want.equals(have)) {
            return true;
        }
        try {
            switch (key) {
                case "tags":
                    // the provisioned marker is Phoenix's own record, not part of what the spec declares
                    return tagSet(want).equals(withoutMarkers(tagSet(have)));
                case "sshkeys":
                    return SshKeys.parse(want).keys().equals(SshKeys.parse(have).keys());
                case "nameserver":
                    return List.of(want.strip().split("\\s+")).equals(List.of(have.strip().split("\\s+")));
                case "memory":
                    return numeric(PropertyString.parse(want, "current").get("current").orElse(""))
                            .equals(numeric(PropertyString.parse(have, "current").get("current").orElse("")));
                default:
                    break;
            }
            if (NET.matcher(key).matches()) {
                NetConfig w = NetConfig.parse(want);
                NetConfig h = NetConfig.parse(have);
                return w.model().equals(h.model()) && w.options().equals(h.options())
                        && (w.macaddr() == null || w.macaddr().equalsIgnoreCase(String.valueOf(h.macaddr())));
            }
            Optional<ConfigKey> entry = ConfigKeys.lookup(key);
            if (entry.isEmpty()) {
                return false;
            }
            ConfigKey k = entry.get();
            if (k.isPropertyString()) {
                return sameProperties(k, PropertyString.parse(want, k.defaultKey()), PropertyString.parse(have, k.defaultKey()));
            }
            return switch (k.type()) {
                case BOOLEAN -> bool(want) != null && bool(want).equals(bool(have));
                case INTEGER, NUMBER -> numeric(want).equals(numeric(have));
                default -> false;
            };
        } catch (RuntimeException e) {
            // an unreadable stored value is simply different
            return false;
        }
    }

    /** The value to write for {@code key}: {@code want}, keeping what Proxmox generated that the spec leaves open. */
    static String merged(String key, String want, String have) {
        if (key.equals("tags")) {
            // keep the provisioned marker when the declared tags change
            TreeSet<String> tags = tagSet(want);
            tagSet(have).stream().filter(t -> t.startsWith(Planner.PROVISIONED_TAG_PREFIX)).forEach(tags::add);
            return new TagList(List.copyOf(tags)).normalized().format();
        }
        if (NET.matcher(key).matches()) {
            try {
                NetConfig w = NetConfig.parse(want);
                NetConfig h = NetConfig.parse(have);
                if (w.macaddr() == null && h.macaddr() != null) {
                    return w.withMac(h.macaddr()).format();
                }
            } catch (RuntimeException e) {
                return want;
            }
        }
        return want;
    }

    private static boolean sameProperties(ConfigKey k, PropertyString want, PropertyString have) {
        if (!want.values().keySet().equals(have.values().keySet())) {
            return false;
        }
        for (Map.Entry<String, String> e : want.values().entrySet()) {
            String other = have.values().get(e.getKey());
            Optional<ConfigKey.SubKey> sub = k.subKey(e.getKey());
            boolean isBool = sub.isPresent() && sub.get().type() == ConfigKey.Type.BOOLEAN;
            boolean isNum = sub.isPresent() && (sub.get().type() == ConfigKey.Type.INTEGER || sub.get().type() == ConfigKey.Type.NUMBER);
            if (isBool ? !Objects.equals(bool(e.getValue()), bool(other))
                    : isNum ? !numeric(e.getValue()).equals(numeric(other)) : !e.getValue().equals(other)) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameScalar(String want, String have) {
        if (want.equals(have)) {
            return true;
        }
        Boolean w = bool(want);
        return w != null && w.equals(bool(have));
    }

    private static TreeSet<String> withoutMarkers(TreeSet<String> tags) {
        tags.removeIf(t -> t.startsWith(Planner.PROVISIONED_TAG_PREFIX));
        return tags;
    }

    private static TreeSet<String> tagSet(String text) {
        TreeSet<String> out = new TreeSet<>();
        TagList.parse(text).tags().forEach(t -> out.add(t.toLowerCase(Locale.ROOT)));
        return out;
    }

    /** pve-common {@code parse_boolean}: 1/on/yes/true, 0/off/no/false, any case; null for anything else. */
    static Boolean bool(String text) {
        if (text == null) {
            return null;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "1", "on", "yes", "true" -> Boolean.TRUE;
            case "0", "off", "no", "false" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static boolean isTrue(String text) {
        return Boolean.TRUE.equals(bool(text));
    }

    private static BigDecimal numeric(String text) {
        return new BigDecimal(text.strip()).stripTrailingZeros();
    }

    private static DriveConfig parseDrive(String text) {
        try {
            return DriveConfig.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
