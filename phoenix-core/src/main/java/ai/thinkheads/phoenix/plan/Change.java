package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.feature.GuestStep;
import ai.thinkheads.phoenix.spec.Source;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One step of a {@link VmPlan}: what the planner decided, with the values apply acts on. Each kind
 * of step is its own record and carries only what it needs (the config to create with, the disk
 * and its size, the snapshot's name, the file to upload, the guest command ...), so apply takes
 * its work from the step and never from its description.
 *
 * <p>Every step has a {@link #kind()} (its label in events and results), an {@link #impact()} and a
 * {@link #description()} for people; steps that write config keys list them in {@link #keys()}.
 */
public sealed interface Change permits Change.Create, Change.Clone, Change.UpdateConfig, Change.GrowDisk, Change.Power,
        Change.ConvertToTemplate, Change.Snapshot, Change.Delete, Change.Upload, Change.AwaitGuest, Change.RunGuestStep,
        Change.MarkProvisioned {

    /** What the step does, as a label. */
    ChangeKind kind();

    /** How it reaches the VM (for a config update the strongest of its keys). */
    Impact impact();

    /** One line for people, e.g. {@code linked clone of template 9000 on pve1}. */
    String description();

    /** The config keys the step writes, as the plan shows them; empty for steps that write none. */
    default List<KeyChange> keys() {
        return List.of();
    }

    /**
     * {@code Hypervisor.create} with {@code config} (sorted; for a template it holds {@code template: 1}).
     *
     * @param description e.g. {@code create with empty disks as VMID 120 on pve1}
     * @param config key → value sent with the create request
     */
    record Create(String description, Map<String, String> config) implements Change {
        public Create {
            Objects.requireNonNull(description, "description");
            config = Collections.unmodifiableMap(new TreeMap<>(config));
        }

        @Override
        public ChangeKind kind() {
            return ChangeKind.CREATE;
        }

        @Override
        public Impact impact() {
            return Impact.LIVE;
        }

        /** Each key of {@link #config()} as an added key. */
        @Override
        public List<KeyChange> keys() {
            List<KeyChange> out = new ArrayList<>();
            config.forEach((k, v) -> out.add(new KeyChange(k, null, v, Impact.LIVE)));
            return List.copyOf(out);
        }
    }

    /**
     * {@code Hypervisor.clone} of {@code source}'s template.
     *
     * @param source the template, full or linked, snapshot and target storage
     * @param description e.g. {@code linked clone of template 9000 as VMID 101 on pve1}
     */
    record Clone(Source.CloneTemplate source, String description) implements Change {
        public Clone {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(description, "description");
        }

        @Override
        public ChangeKind kind() {
            return ChangeKind.CLONE;
        }

        @Override
        public Impact impact() {
            return Impact.LIVE;
        }
    }

    /**
     * {@code Hypervisor.updateConfig}: the keys set and deleted; its impact is the strongest of its
     * keys' (LIVE when there are none).
     */
    record UpdateConfig(String description, List<KeyChange> keys) implements Change {
        public UpdateConfig {
            Objects.requireNonNull(description, "description");
            keys = List.copyOf(keys);
        }

        @Override
        public ChangeKind kind() {
            return ChangeKind.UPDATE_CONFIG;
        }

        @Override
        public Impact impact() {
            Impact impact = Impact.LIVE;
            for (KeyChange k : keys) {
                impact = impact.max(k.impact());
            }
            return impact;
        }
    }

    /**
     * {@code Hypervisor.resizeDisk}: grows {@code disk} to {@code toSize}.
     *
     * @param disk the disk key ({@code scsi0})
     * @param fromSize the current size, or null when not known until apply (an imported image)
     * @param toSize the size to grow to
     */
    record GrowDisk(String disk, DiskSize fromSize, DiskSize toSize) implements Change {
        public GrowDisk {
            Objects.requireNonNull(disk, "disk");
            Objects.requireNonNull(toSize, "toSize");
        }

        @Override
        public ChangeKind kind() {
            return ChangeKind.GROW_DISK;
        }

        @Override
        public Impact impact() {
            return Impact.LIVE;
        }

        @Override
        public String description() {
            return disk + " to " + toSize;
        }

        public Optional<DiskSize> fromSizeIfAny() {
            return Optional.ofNullable(fromSize);
        }
    }

    /** {@code Hypervisor.start}, {@code stop} or {@code reboot}. */
    record Power(Action action, Impact impact, String description) implements Change {

        /** Which power primitive. */
        public enum Action {
            START(ChangeKind.START), STOP(ChangeKind.STOP), REBOOT(ChangeKind.REBOOT);

            private final ChangeKind kind;

            Action(ChangeKind kind) {
                this.kind = kind;
            }
        }

        public Power {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(impact, "impact");
            Objects.requireNonNull(description, "description");
        }

        public static Power start(String description) {
            return new Power(Action.START, Impact.LIVE, description);
        }

        /** A stop before a delete, a recreate or a template conversion (destructive: the guest goes down). */
        public static Power stop(String description) {
            return new Power(Action.STOP, Impact.DESTRUCTIVE, description);
        }

        /** A reboot so that pending changes take effect. */
        public static Power reboot(String description) {
            return new Power(Action.REBOOT, Impact.NEEDS_REBOOT, description);
        }

        @Override
        public ChangeKind kind() {
            return action.kind;
        }
    }

    /** {@code Hypervisor.convertToTemplate}. */
    record ConvertToTemplate(Impact impact, String description) implements Change {
        public ConvertToTemplate {
            Objects.requireNonNull(impact, "impact");
            Objects.requireNonNull(description, "description");
        }

        @Override
        public ChangeKind kind() {
            return ChangeKind.CONVERT_TO_TEMPLATE;
        }
    }

    /** {@code Hypervisor.createSnapshot} of the snapshot {@code name}. */
    record Snapshot(String name, String description) implements Change {
        public Snapshot {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
        }

        @Override
        public ChangeKind kind() {
            return ChangeKind.SNAPSHOT;
        }

        @Override
        public Impact impact() {
            return Impact.LIVE;
        }
    }

    /** {@code Hypervisor.destroy} with the VM's disks. */
    record Delete(String description) implements Change {
        public Delete {
            Objects.requireNonNull(description, "description");
        }

        @Override
        public ChangeKind kind() {
            return ChangeKind.DELETE;
        }

        @Override
        public Impact impact() {
            return Impact.DESTRUCTIVE;
        }
    }

    /**
     * {@code Hypervisor.uploadFile} of the VM's user-data (a snippet or a NoCloud ISO), skipped when
     * the volume exists (it is named by its content).
     *
     * @param file the file
     * @param how how the user-data is delivered ({@code snippet}, {@code NoCloud ISO})
     */
    record Upload(UploadFile file, String how) implements Change {
        public Upload {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(how, "how");
        }

        @Override
        public ChangeKind kind() {
            return ChangeKind.UPLOAD;
        }

        @Override
        public Impact impact() {
            return Impact.LIVE;
        }

        @Override
        public String description() {
            return "write " + how + " " + file;
        }
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
    record UploadFile(String storage, String content, String filename, byte[] data) {
        public UploadFile {
            Objects.requireNonNull(storage, "storage");
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(filename, "filename");
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
            return o instanceof UploadFile u && u.volid().equals(volid()) && Arrays.equals(u.data, data);
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

    /**
     * Waits for the guest: the agent answers and reports an address, and with {@code cloudInit}
     * (the user-data is Phoenix's) {@code cloud-init status --wait} ends.
     */
    record AwaitGuest(boolean cloudInit) implements Change {
        @Override
        public ChangeKind kind() {
            return ChangeKind.AWAIT_GUEST;
        }

        @Override
        public Impact impact() {
            return Impact.LIVE;
        }

        @Override
        public String description() {
            return "wait for the guest agent, an IP address" + (cloudInit ? " and cloud-init to finish" : "");
        }
    }

    /** A feature's command run in the guest through the agent, which must exit 0. */
    record RunGuestStep(GuestStep step) implements Change {
        public RunGuestStep {
            Objects.requireNonNull(step, "step");
        }

        @Override
        public ChangeKind kind() {
            return ChangeKind.GUEST_STEP;
        }

        @Override
        public Impact impact() {
            return Impact.LIVE;
        }

        @Override
        public String description() {
            return step.description() + ": " + String.join(" ", step.command());
        }
    }

    /**
     * Adds the provisioned marker {@code marker} to the VM's tags (replacing an older one), once the
     * guest steps ran, so that an interrupted apply runs them again.
     */
    record MarkProvisioned(String marker) implements Change {
        public MarkProvisioned {
            Objects.requireNonNull(marker, "marker");
        }

        @Override
        public ChangeKind kind() {
            return ChangeKind.MARK_PROVISIONED;
        }

        @Override
        public Impact impact() {
            return Impact.LIVE;
        }

        @Override
        public String description() {
            return "tag the VM " + marker + ": its guest is up and its features' steps ran";
        }

        /** The marker as the one tag added. */
        @Override
        public List<KeyChange> keys() {
            return List.of(new KeyChange("tags", null, marker, Impact.LIVE));
        }
    }
}
