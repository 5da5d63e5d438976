package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.config.DiskSize;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a {@link VmPlan}.
 *
 * @param kind what the step does
 * @param impact how it reaches the VM (the strongest of its keys for a config update)
 * @param description one line for people, e.g. {@code linked clone of template 9000 on pve1}
 * @param keys for {@link ChangeKind#CREATE} the config written, for {@link ChangeKind#UPDATE_CONFIG}
 *     the keys set and deleted; empty otherwise
 * @param disk for {@link ChangeKind#GROW_DISK} the disk key ({@code scsi0}), else null
 * @param fromSize for {@link ChangeKind#GROW_DISK} the current size, or null when not known yet
 * @param toSize for {@link ChangeKind#GROW_DISK} the size to grow to, else null
 * @param snapshot for {@link ChangeKind#SNAPSHOT} the snapshot's name, else null
 * @param upload for {@link ChangeKind#UPLOAD} the file to write, else null
 * @param guestStep for {@link ChangeKind#GUEST_STEP} the command to run in the guest, else null
 */
public record Change(ChangeKind kind, Impact impact, String description, List<KeyChange> keys, String disk,
                     DiskSize fromSize, DiskSize toSize, String snapshot, Upload upload,
                     ai.thinkheads.phoenix.feature.GuestStep guestStep) {

    public Change {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(impact, "impact");
        description = description == null ? "" : description;
        keys = List.copyOf(keys);
        if (kind == ChangeKind.GROW_DISK && (disk == null || toSize == null)) {
            throw new IllegalArgumentException("grow disk needs the disk and its new size");
        }
        if (kind == ChangeKind.SNAPSHOT && snapshot == null) {
            throw new IllegalArgumentException("snapshot needs a name");
        }
        if (kind == ChangeKind.UPLOAD && upload == null) {
            throw new IllegalArgumentException("upload needs the file");
        }
        if (kind == ChangeKind.GUEST_STEP && guestStep == null) {
            throw new IllegalArgumentException("a guest step needs its command");
        }
    }

    /** Writes {@code upload} to its storage. */
    public static Change upload(Upload upload, String why) {
        return new Change(ChangeKind.UPLOAD, Impact.LIVE, why, List.of(), null, null, null, null, upload, null);
    }

    /** Runs {@code step} in the guest. */
    public static Change guestStep(ai.thinkheads.phoenix.feature.GuestStep step) {
        return new Change(ChangeKind.GUEST_STEP, Impact.LIVE, step.description() + ": " + String.join(" ", step.command()),
                List.of(), null, null, null, null, null, step);
    }

    /**
     * A file a step writes to a storage: a cloud-init user-data snippet or a NoCloud ISO. Named by
     * its content, so an existing volume of that name already holds it.
     *
     * @param storage the storage id (on the node the VM goes to)
     * @param content Proxmox's content type word: {@code snippets} or {@code iso}
     * @param filename the file name
     * @param data the bytes (not in {@code toString}: user-data may hold a password hash)
     */
    public record Upload(String storage, String content, String filename, byte[] data) {
        public Upload {
            java.util.Objects.requireNonNull(storage, "storage");
            java.util.Objects.requireNonNull(content, "content");
            java.util.Objects.requireNonNull(filename, "filename");
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** How many bytes it holds. */
        public int size() {
            return data.length;
        }

        /** The volume id, {@code storage:content/filename}. */
        public String volid() {
            return storage + ":" + content + "/" + filename;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Upload u && u.volid().equals(volid()) && java.util.Arrays.equals(u.data, data);
        }

        @Override
        public int hashCode() {
            return volid().hashCode();
        }

        @Override
        public String toString() {
            return volid() + " (" + size() + " bytes)";
        }
    }

    /** A step without keys, disk or snapshot. */
    public static Change of(ChangeKind kind, Impact impact, String description) {
        return new Change(kind, impact, description, List.of(), null, null, null, null, null, null);
    }

    /** A step that writes {@code keys}; its impact is the strongest of theirs (LIVE when there are none). */
    public static Change withKeys(ChangeKind kind, String description, List<KeyChange> keys) {
        Impact impact = Impact.LIVE;
        for (KeyChange k : keys) {
            impact = impact.max(k.impact());
        }
        return new Change(kind, impact, description, keys, null, null, null, null, null, null);
    }

    /** Grows {@code disk} from {@code from} (null: not known until apply) to {@code to}. */
    public static Change growDisk(String disk, DiskSize from, DiskSize to) {
        return new Change(ChangeKind.GROW_DISK, Impact.LIVE, disk + " to " + to, List.of(), disk, from, to, null, null, null);
    }

    /** Takes snapshot {@code name}. */
    public static Change snapshot(String name, String why) {
        return new Change(ChangeKind.SNAPSHOT, Impact.LIVE, why, List.of(), null, null, null, name, null, null);
    }

    public Optional<DiskSize> fromSizeIfAny() {
        return Optional.ofNullable(fromSize);
    }
}
