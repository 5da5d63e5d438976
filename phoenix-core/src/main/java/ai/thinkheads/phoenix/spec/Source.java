package ai.thinkheads.phoenix.spec;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a VM's first disk comes from: nothing (new empty disks), an imported image file or
 * volume, or a clone of a template VM.
 */
public sealed interface Source permits Source.EmptyDisks, Source.ImportImage, Source.CloneTemplate {

    /** New, empty disks of the declared sizes ({@code storage:SIZE}); the default. */
    static Source emptyDisks() {
        return EmptyDisks.INSTANCE;
    }

    /** Import {@code from} (an absolute path on the node or {@code storage:volume}) into the first declared disk. */
    static Source importImage(String from) {
        return new ImportImage(from);
    }

    /** A linked clone of template {@code vmid}. */
    static Source linkedClone(int templateVmid) {
        return new CloneTemplate(templateVmid, false, null, null);
    }

    /** A full clone of {@code vmid}. */
    static Source fullClone(int templateVmid) {
        return new CloneTemplate(templateVmid, true, null, null);
    }

    /** New empty disks. */
    enum EmptyDisks implements Source {
        INSTANCE;

        @Override
        public String toString() {
            return "EmptyDisks";
        }
    }

    /**
     * Import an existing image into the first declared disk ({@code storage:0,import-from=...},
     * qemu-server {@code Drive.pm %import_from_fmt}, format {@code pve-volume-id-or-absolute-path}).
     *
     * @param from absolute path ({@code /var/lib/vz/template/iso/noble.img}) or volume id ({@code local:iso/noble.img})
     */
    record ImportImage(String from) implements Source {
        private static final Pattern VOLUME_ID = Pattern.compile("^[a-zA-Z][a-zA-Z0-9\\-_.]*[a-zA-Z0-9]:[^,\\s]+$");

        public ImportImage {
            if (from == null || from.contains(",") || from.isBlank()
                    || !(from.startsWith("/") && !from.contains("\n") && !from.contains(" ") || VOLUME_ID.matcher(from).matches())) {
                throw new InvalidValueException("source.importFrom",
                        "'" + from + "' is neither an absolute path nor a storage:volume id");
            }
        }
    }

    /**
     * Clone template {@code templateVmid} ({@code POST .../clone}).
     *
     * @param templateVmid the template's VMID
     * @param full full copy (true) or linked clone (false)
     * @param snapshot source snapshot, or null for the current state
     * @param targetStorage storage for a full clone's disks, or null for the template's
     */
    record CloneTemplate(int templateVmid, boolean full, String snapshot, String targetStorage) implements Source {
        private static final Pattern CONFIG_ID = Pattern.compile("^[a-z][a-z0-9_-]+$", Pattern.CASE_INSENSITIVE);

        public CloneTemplate {
            if (templateVmid < 100 || templateVmid > 999_999_999) {
                throw new InvalidValueException("source.templateVmid", templateVmid + " is outside 100..999999999");
            }
            if (snapshot != null && !CONFIG_ID.matcher(snapshot).matches()) {
                // snapname is format pve-configid
                throw new InvalidValueException("source.snapshot", "'" + snapshot + "' is not a valid snapshot name");
            }
            if (targetStorage != null && !full) {
                // qemu-server API2/Qemu.pm clone_vm: "parameter 'storage' not allowed for linked clones"
                throw new InvalidValueException("source.targetStorage", "not allowed for linked clones");
            }
            if (targetStorage != null) {
                SpecChecks.storage("source.targetStorage", targetStorage);
            }
        }

        public CloneTemplate fromSnapshot(String snap) {
            return new CloneTemplate(templateVmid, full, snap, targetStorage);
        }

        public CloneTemplate toStorage(String storage) {
            return new CloneTemplate(templateVmid, full, snapshot, storage);
        }

        public Optional<String> snapshotIfAny() {
            return Optional.ofNullable(snapshot);
        }
    }
}
