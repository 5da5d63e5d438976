package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.config.PropertyStringException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.StorageVolume;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The files on storages that a VM's config names, checked at plan time so that a missing one is a
 * refusal naming the volume instead of a failure half-way through apply (qemu-server's
 * {@code could not get size of ...} for an {@code import-from}, after the NoCloud ISO was already
 * uploaded):
 * <ul>
 *   <li>a drive's {@code import-from} ({@code scsi0: local-lvm:0,import-from=local:import/noble.qcow2});</li>
 *   <li>a drive's file that is a file volume: an ISO image on a CD-ROM ({@code ide3: local:iso/x.iso,media=cdrom});</li>
 *   <li>the {@code cicustom} snippets.</li>
 * </ul>
 * Only volume ids of the file types Phoenix lists ({@link StorageContent}: {@code iso},
 * {@code snippets}, {@code import}, {@code vztmpl}) are checked; disk images and absolute paths are
 * not (the seam lists neither). A storage that is inactive or does not hold that content type lists
 * nothing in Proxmox (pve-storage {@code PVE::Storage::volume_list}), so what it may hold is not
 * judged. Each storage's listing of one content type is read once per plan (a shared storage once
 * for all nodes), and only when a definition names a file on it.
 */
final class NamedVolumes {

    /** The config keys of drives that may name a file (qemu-server {@code Drive.pm}: ide, sata, scsi, virtio). */
    private static final Pattern DRIVE = Pattern.compile("(ide|sata|scsi|virtio)\\d+");
    private static final Pattern VOLID = Pattern.compile("[a-zA-Z][a-zA-Z0-9\\-_.]*[a-zA-Z0-9]:[^,\\s]+");

    /** One file a config names: where ({@code scsi0 import-from}), and what. */
    record Named(String where, String volid, StorageContent content) {
        String storage() {
            return volid.substring(0, volid.indexOf(':'));
        }
    }

    /** Lists one storage's files of one type on one node; the planner's retrying read. */
    interface Lister {
        List<StorageVolume> list(String node, String storage, StorageContent content);
    }

    private final Lister lister;
    private final Map<String, Set<String>> listed = new HashMap<>();

    NamedVolumes(Lister lister) {
        this.lister = lister;
    }

    /** The file volumes the values of {@code config} name, in key order. */
    static List<Named> in(Map<String, String> config) {
        List<Named> out = new ArrayList<>();
        new java.util.TreeMap<>(config).forEach((key, value) -> named(key, value, out));
        return out;
    }

    /** The file volumes the steps' configs name: a create's whole config, an update's keys set. */
    static List<Named> in(List<Change> changes) {
        List<Named> out = new ArrayList<>();
        for (Change c : changes) {
            if (c instanceof Change.Create create) {
                out.addAll(in(create.config()));
            } else if (c instanceof Change.UpdateConfig update) {
                update.keys().stream().filter(k -> !k.isDelete()).forEach(k -> named(k.key(), k.after(), out));
            }
        }
        return out;
    }

    private static void named(String key, String value, List<Named> out) {
        if (value == null) {
            return;
        }
        try {
            if (DRIVE.matcher(key).matches()) {
                PropertyString drive = PropertyString.parse(value, "file");
                boolean cdrom = drive.get("media").filter("cdrom"::equals).isPresent();
                drive.get("file").ifPresent(f -> fileVolume(f).ifPresent(c -> out.add(new Named(key + (cdrom ? " CD-ROM" : ""), f, c))));
                drive.get("import-from").ifPresent(f -> fileVolume(f).ifPresent(c -> out.add(new Named(key + " import-from", f, c))));
            } else if (key.equals("cicustom")) {
                PropertyString files = PropertyString.parse(value);
                for (String part : List.of("user", "network", "meta", "vendor")) {
                    files.get(part).ifPresent(f -> fileVolume(f).ifPresent(c -> out.add(new Named("cicustom " + part, f, c))));
                }
            }
        } catch (PropertyStringException e) {
            // not ours to judge here: Proxmox refuses a malformed value with its own words
        }
    }

    /** The file type of a volume id ({@code local:iso/x.iso} → iso); empty for disk images and paths. */
    private static Optional<StorageContent> fileVolume(String volid) {
        if (!VOLID.matcher(volid).matches()) {
            return Optional.empty();
        }
        for (StorageContent c : StorageContent.values()) {
            if (c.filenameOf(volid).isPresent()) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * Why {@code n} cannot be used on {@code node}, or empty when it is there (or cannot be seen).
     *
     * @param storages the storages {@code node} has
     * @param missingStorage the words for a storage the node does not have
     */
    Optional<String> problem(Named n, String node, List<StorageInfo> storages, Supplier<String> missingStorage) {
        Optional<StorageInfo> s = storages.stream().filter(x -> x.storage().equals(n.storage())).findFirst();
        if (s.isEmpty()) {
            return Optional.of(n.where() + " names '" + n.volid() + "', but " + missingStorage.get());
        }
        if (!s.get().active() || !s.get().holds(n.content().word())) {
            return Optional.empty();
        }
        String key = (s.get().shared() ? "" : node + "/") + n.storage() + "/" + n.content().word();
        Set<String> there = listed.get(key);
        if (there == null) {
            try {
                there = Set.copyOf(lister.list(node, n.storage(), n.content()).stream().map(StorageVolume::volid).toList());
            } catch (NotFoundException e) {
                return Optional.of(n.where() + " names '" + n.volid() + "', but " + missingStorage.get());
            }
            listed.put(key, there);
        }
        if (there.contains(n.volid())) {
            return Optional.empty();
        }
        List<String> others = there.stream().sorted().limit(6).toList();
        return Optional.of("volume '" + n.volid() + "' (" + n.where() + ") does not exist on node " + node
                + (others.isEmpty() ? "; storage '" + n.storage() + "' holds no " + n.content().word() + " files"
                        : "; storage '" + n.storage() + "' holds " + String.join(", ", others.size() > 5 ? others.subList(0, 5) : others)
                        + (others.size() > 5 ? ", ..." : "")));
    }
}
