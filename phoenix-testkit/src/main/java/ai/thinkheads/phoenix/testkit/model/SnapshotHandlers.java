package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.testkit.model.Storages.Volume;
import ai.thinkheads.phoenix.testkit.model.TaskEngine.TaskError;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * qemu-server's snapshot handlers ({@code snapshot}, {@code rollback}, {@code delsnapshot}) with
 * pve-guest-common's {@code PVE::AbstractConfig} rules: the snapshot saves the config and the
 * guest OS state, rollback restores both. Not thread-safe: {@link PveCluster}'s monitor guards it.
 */
final class SnapshotHandlers {

    private static final Pattern SNAPNAME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9_\\-]{1,39}$");

    private final Inventory inventory;
    private final Storages storages;
    private final Guests guests;
    private final TaskEngine tasks;

    SnapshotHandlers(Inventory inventory, Storages storages, Guests guests, TaskEngine tasks) {
        this.inventory = inventory;
        this.storages = storages;
        this.guests = guests;
        this.tasks = tasks;
    }

    /** {@code snapshot} ({@code POST .../snapshot}): the {@code qmsnapshot} task. */
    Upid snapshot(String node, int vmid, String snapname, boolean vmstate, String description) {
        tasks.settle();
        checkSnapname(node, vmid, snapname);
        if (snapname.equals("current")) {
            // PVE::API2::Qemu snapshot
            throw new ParameterRejectedException(node, vmid, Map.of("snapname", "unable to use snapshot name 'current' (reserved name)"));
        }
        if (snapname.equalsIgnoreCase("pending")) {
            throw new ParameterRejectedException(node, vmid, Map.of("snapname", "unable to use snapshot name 'pending' (reserved name)"));
        }
        inventory.load(node, vmid);
        return tasks.startTask("qmsnapshot", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            // PVE::AbstractConfig::__snapshot_prepare
            VmRecord vm = inventory.loadInWorker(node, vmid);
            if (vm.isTemplate()) {
                throw new TaskError("you can't take a snapshot if it's a template");
            }
            inventory.checkLockInWorker(vm);
            if (vm.snapshots.containsKey(snapname)) {
                throw new TaskError("snapshot name '" + snapname + "' already used");
            }
            vm.conf.put("lock", "snapshot");
            boolean withState = vmstate && vm.power != PowerState.STOPPED;
            ctx.onEnd(() -> {
                TreeMap<String, String> snap = new TreeMap<>(vm.conf);
                snap.remove("lock");
                snap.remove("parent");
                if (vm.conf.containsKey("parent")) {
                    snap.put("parent", vm.conf.get("parent"));
                }
                snap.put("snaptime", Long.toString(tasks.now().getEpochSecond()));
                if (description != null && !description.isEmpty()) {
                    snap.put("description", description);
                } else {
                    snap.remove("description");
                }
                if (withState) {
                    snap.put("vmstate", "1");
                    snap.put("runningmachine", "pc-i440fx-9.2+pve0");
                }
                vm.snapshots.put(snapname, snap);
                guests.settleGuest(vm);
                vm.snapshotOs.put(snapname, Guests.copySystems(vm.diskOs));
                vm.conf.put("parent", snapname);
                vm.conf.remove("lock");
            });
        }, null);
    }

    /** {@code rollback}: stops the VM, restores the snapshot's config and disk sizes; the {@code qmrollback} task. */
    Upid rollback(String node, int vmid, String snapname, boolean start) {
        tasks.settle();
        inventory.load(node, vmid);
        return tasks.startTask("qmrollback", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            // PVE::AbstractConfig::snapshot_rollback
            VmRecord vm = inventory.loadInWorker(node, vmid);
            if (vm.isTemplate()) {
                throw new TaskError("you can't rollback if vm is a template");
            }
            Map<String, String> snap = vm.snapshots.get(snapname);
            if (snap == null) {
                throw new TaskError("snapshot '" + snapname + "' does not exist");
            }
            inventory.checkLockInWorker(vm);
            vm.conf.put("lock", "rollback");
            ctx.onEnd(() -> {
                guests.halt(vm);
                vm.pending.clear();
                vm.pendingDelete.clear();
                TreeMap<String, String> conf = new TreeMap<>(snap);
                conf.remove("snaptime");
                conf.remove("vmstate");
                conf.remove("runningmachine");
                conf.remove("description");
                conf.put("parent", snapname);
                if (vm.conf.containsKey("description")) {
                    conf.put("description", vm.conf.get("description"));
                }
                vm.conf.clear();
                vm.conf.putAll(conf);
                vm.diskOs.clear();
                vm.diskOs.putAll(Guests.copySystems(vm.snapshotOs.getOrDefault(snapname, Map.of())));
                for (Map.Entry<String, String> e : conf.entrySet()) {
                    if (ConfigSchema.isDrive(e.getKey())) {
                        PropertyString drive = PropertyString.parse(e.getValue(), "file");
                        Optional<String> size = drive.get("size");
                        Optional<Volume> vol = storages.resolveVolume(node, drive.get("file").orElse(""));
                        if (size.isPresent() && vol.isPresent()) {
                            vol.get().pool().volumes.put(vol.get().name(), DiskSize.parse(size.get()).bytes());
                        }
                    }
                }
                if (snap.containsKey("vmstate") || start) {
                    guests.boot(vm, tasks.now());
                }
            });
        }, null);
    }

    /** {@code delsnapshot}: the {@code qmdelsnapshot} task. */
    Upid delsnapshot(String node, int vmid, String snapname) {
        tasks.settle();
        inventory.load(node, vmid);
        return tasks.startTask("qmdelsnapshot", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            // PVE::AbstractConfig::snapshot_delete
            VmRecord vm = inventory.loadInWorker(node, vmid);
            if (vm.isTemplate()) {
                throw new TaskError("you can't delete a snapshot if vm is a template");
            }
            Map<String, String> snap = vm.snapshots.get(snapname);
            if (snap == null) {
                throw new TaskError("snapshot '" + snapname + "' does not exist");
            }
            inventory.checkLockInWorker(vm);
            vm.conf.put("lock", "snapshot-delete");
            ctx.onEnd(() -> {
                String parent = snap.get("parent");
                vm.snapshots.remove(snapname);
                vm.snapshotOs.remove(snapname);
                for (Map<String, String> other : vm.snapshots.values()) {
                    if (snapname.equals(other.get("parent"))) {
                        if (parent == null) {
                            other.remove("parent");
                        } else {
                            other.put("parent", parent);
                        }
                    }
                }
                if (snapname.equals(vm.conf.get("parent"))) {
                    if (parent == null) {
                        vm.conf.remove("parent");
                    } else {
                        vm.conf.put("parent", parent);
                    }
                }
                vm.conf.remove("lock");
            });
        }, null);
    }

    private void checkSnapname(String node, int vmid, String snapname) {
        if (snapname == null || !SNAPNAME.matcher(snapname).matches()) {
            // pve-common PVE::JSONSchema::pve_verify_configid (pve-snapshot-name, at most 40 characters)
            throw new ParameterRejectedException(node, vmid, Map.of("snapname",
                    "invalid format - invalid configuration ID '" + snapname + "'\n"));
        }
    }
}
