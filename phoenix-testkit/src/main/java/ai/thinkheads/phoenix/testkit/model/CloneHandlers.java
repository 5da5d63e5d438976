package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.AlreadyExistsException;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import ai.thinkheads.phoenix.testkit.model.Storages.Pool;
import ai.thinkheads.phoenix.testkit.model.Storages.Volume;
import ai.thinkheads.phoenix.testkit.model.TaskEngine.StorageLock;
import ai.thinkheads.phoenix.testkit.model.TaskEngine.TaskError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * qemu-server's handlers that make or end a VM from another: {@code clone_vm} (full or linked,
 * optionally holding the target storage's lock as pve-storage's {@code cluster_lock_storage}
 * does), {@code template} and {@code destroy_vm}. Not thread-safe: {@link PveCluster}'s monitor
 * guards it.
 */
final class CloneHandlers {

    private final Inventory inventory;
    private final Storages storages;
    private final Drives drives;
    private final Guests guests;
    private final TaskEngine tasks;
    private final Identifiers ids;
    private final boolean storageLocks;

    CloneHandlers(Inventory inventory, Storages storages, Drives drives, Guests guests, TaskEngine tasks, Identifiers ids,
                  boolean storageLocks) {
        this.inventory = inventory;
        this.storages = storages;
        this.drives = drives;
        this.guests = guests;
        this.tasks = tasks;
        this.ids = ids;
        this.storageLocks = storageLocks;
    }

    /**
     * {@code clone_vm} ({@code POST .../clone}): {@code params} may hold {@code name},
     * {@code description}, {@code target}, {@code full} (0/1; default: full unless the source is a
     * template), {@code storage}, {@code format}, {@code snapname} and {@code pool}. Returns the
     * {@code qmclone} task, which runs under the source's VMID as in Proxmox.
     */
    Upid cloneVm(String node, int vmid, int newid, Map<String, String> params) {
        tasks.settle();
        inventory.requireNode(node);
        inventory.checkVmid("newid", newid);
        Map<String, String> p = new TreeMap<>(params);
        Set<String> known = Set.of("name", "description", "target", "full", "storage", "format", "snapname", "pool", "bwlimit");
        Map<String, String> errors = new LinkedHashMap<>();
        p.keySet().stream().filter(k -> !known.contains(k)).forEach(k -> errors.put(k,
                "property is not defined in schema and the schema does not allow additional properties"));
        if (p.containsKey("full") && !p.get("full").matches("[01]")) {
            errors.put("full", "type check ('boolean') failed - got '" + p.get("full") + "'");
        }
        if (p.containsKey("name")) {
            String err = ConfigSchema.check("name", ConfigSchema.option("name").orElseThrow(), p.get("name"));
            if (err != null) {
                errors.put("name", err);
            }
        }
        if (!errors.isEmpty()) {
            throw new ParameterRejectedException(node, vmid, errors);
        }
        String target = p.get("target");
        if (target != null && (target.equals(node) || target.equals("localhost"))) {
            target = null;
        }
        String storage = p.get("storage");
        String snapname = p.get("snapname");
        // PVE::API2::Qemu clone_vm $load_and_check (run before forking, and again in the worker)
        CloneCheck check = checkClone(node, vmid, newid, target, storage, snapname, p.get("full"));
        String targetNode = target == null ? node : target;
        boolean sourceRunning = check.source.power != PowerState.STOPPED;
        List<String[]> allocated = new ArrayList<>();
        String finalTarget = target;
        return tasks.startTask("qmclone", node, vmid, sourceRunning ? Set.of(vmid, newid) : Set.of(newid),
                sourceRunning ? Set.of() : Set.of(vmid), Duration.ofSeconds(1), null,
                storageLocks ? cloneStorageLock(check, targetNode, storage) : null, ctx -> {
                    CloneCheck again = checkClone(node, vmid, newid, finalTarget, storage, snapname, p.get("full"));
                    if (inventory.vms.containsKey(newid)) {
                        // the temporary config cannot be written
                        throw new TaskError("unable to create VM " + newid + ": config file already exists");
                    }
                    ctx.log("create " + (again.full ? "full" : "linked") + " clone of VM " + vmid + " with ID " + newid);
                    if (snapname == null) {
                        Set<String> pendingKeys = new TreeSet<>(again.source.pending.keySet());
                        pendingKeys.addAll(again.source.pendingDelete);
                        for (String pendingKey : pendingKeys) {
                            // PVE::API2::Qemu clone_vm
                            ctx.warn("found pending changes for '" + pendingKey + "', discarding for clone");
                        }
                    }
                    VmRecord clone = new VmRecord(newid, targetNode);
                    clone.conf.put("lock", "clone");
                    inventory.vms.put(newid, clone);
                    TreeMap<String, String> conf = new TreeMap<>();
                    Map<String, String> old = again.oldConf;
                    // the clone's disks carry the source's guest OS (a snapshot's, when cloning one)
                    guests.settleGuest(again.source);
                    Map<String, GuestSystem> systems = Guests.copySystems(snapname == null ? again.source.diskOs
                            : again.source.snapshotOs.getOrDefault(snapname, Map.of()));
                    for (Map.Entry<String, String> e : old.entrySet()) {
                        String opt = e.getKey();
                        String value = e.getValue();
                        if (Set.of("snapshots", "parent", "snaptime", "vmstate", "snapstate", "runningcpu", "runningmachine",
                                "running-nets-host-mtu", "lock", "template", "meta").contains(opt)
                                || opt.startsWith("unused")) {
                            continue;
                        }
                        if (opt.matches("net\\d+")) {
                            // always change MAC! address
                            PropertyString net = ConfigSchema.parseNet(value).with("macaddr", ids.randomMac());
                            conf.put(opt, ConfigSchema.printNet(net));
                        } else if (ConfigSchema.isDrive(opt)) {
                            conf.put(opt, drives.cloneDisk(ctx, node, targetNode, newid, opt, value, again.full, storage, allocated));
                        } else {
                            conf.put(opt, value);
                        }
                    }
                    conf.put("smbios1", PropertyString.parse(conf.getOrDefault("smbios1", ""))
                            .with("uuid", ids.uuid()).format());
                    if (conf.containsKey("vmgenid")) {
                        conf.put("vmgenid", ids.uuid());
                    }
                    conf.put("name", p.containsKey("name") ? p.get("name") : "Copy-of-VM-" + old.getOrDefault("name", String.valueOf(vmid)));
                    if (p.get("description") != null && !p.get("description").isEmpty()) {
                        conf.put("description", p.get("description"));
                    }
                    conf.put("meta", "creation-qemu=9.2.0,ctime=" + tasks.now().getEpochSecond());
                    ctx.onEnd(() -> {
                        clone.conf.clear();
                        clone.conf.putAll(conf);
                        systems.keySet().retainAll(conf.keySet());
                        clone.diskOs.putAll(systems);
                    });
                }, () -> {
                    for (String[] vol : allocated) {
                        storages.pool(targetNode, vol[0]).ifPresent(pl -> pl.volumes.remove(vol[1]));
                    }
                    VmRecord made = inventory.vms.get(newid);
                    if (made != null && "clone".equals(made.conf.get("lock"))) {
                        inventory.vms.remove(newid);
                    }
                });
    }

    record CloneCheck(VmRecord source, Map<String, String> oldConf, boolean full) {
    }

    /**
     * The storage lock a clone holds. pve-storage {@code PVE::Storage::vdisk_clone} (linked) and
     * {@code vdisk_alloc} (full) run under {@code $plugin->cluster_lock_storage($storeid, $scfg->{shared}, undef, ...)};
     * {@code PVE::Storage::Plugin::cluster_lock_storage} takes {@code lock_file("/var/lock/pve-manager/pve-storage-$storeid")}
     * for a local storage and {@code PVE::Cluster::cfs_lock_storage} for a shared one, both with
     * the default 10 s timeout. Here the lock is held for the whole clone task (for a linked clone
     * on LVM-thin or qcow2 the storage's clone_image is most of it): the storage of the first disk.
     */
    private StorageLock cloneStorageLock(CloneCheck check, String targetNode, String storage) {
        String storeid = storage;
        if (storeid == null) {
            for (Map.Entry<String, String> e : check.oldConf.entrySet()) {
                if (!ConfigSchema.isDrive(e.getKey())) {
                    continue;
                }
                PropertyString drive = PropertyString.parse(e.getValue(), "file");
                String volid = drive.get("file").orElse("");
                if (Drives.isCdrom(drive) || Drives.isCloudinit(volid)) {
                    continue;
                }
                Matcher m = Storages.VOLID.matcher(volid);
                if (m.matches()) {
                    storeid = m.group(1);
                    break;
                }
            }
        }
        if (storeid == null) {
            return null;
        }
        boolean sharedStorage = storages.pool(targetNode, storeid).map(pl -> pl.spec.shared()).orElse(false);
        return sharedStorage
                ? new StorageLock("cfs:" + storeid, "cfs-lock 'storage-" + storeid + "' error: got lock request timeout")
                : new StorageLock(targetNode + ":" + storeid,
                        "can't lock file '/var/lock/pve-manager/pve-storage-" + storeid + "' - got timeout");
    }

    private CloneCheck checkClone(String node, int vmid, int newid, String target, String storage, String snapname,
                                  String fullParam) {
        if (target != null) {
            inventory.requireNode(target);
        }
        if (storage != null) {
            Pool pl = storages.pool(target == null ? node : target, storage).orElseThrow(() ->
                    new ParameterRejectedException(node, vmid, Map.of("storage", "storage '" + storage + "' does not exist")));
            if (!pl.spec.holds("images")) {
                throw new ParameterRejectedException(node, vmid, Map.of("storage",
                        "storage '" + storage + "' does not support vm images"));
            }
            if (target != null && !pl.spec.shared()) {
                throw new WrongStateException("can't clone to non-shared storage '" + storage + "'", node, vmid);
            }
        }
        VmRecord vm = inventory.load(node, vmid);
        inventory.checkLock(vm);
        if (snapname != null && !vm.snapshots.containsKey(snapname)) {
            throw new NotFoundException("snapshot '" + snapname + "' does not exist", node, vmid);
        }
        boolean full = fullParam == null ? !vm.isTemplate() : fullParam.equals("1");
        if (storage != null && !full) {
            throw new ParameterRejectedException(node, vmid, Map.of("storage", "parameter 'storage' not allowed for linked clones"));
        }
        Map<String, String> oldConf = snapname == null ? vm.conf : vm.snapshots.get(snapname);
        boolean sharedVm = true;
        for (Map.Entry<String, String> e : oldConf.entrySet()) {
            if (!ConfigSchema.isDrive(e.getKey())) {
                continue;
            }
            PropertyString drive = PropertyString.parse(e.getValue(), "file");
            String volid = drive.get("file").orElse("");
            Optional<Volume> vol = storages.resolveVolume(node, volid);
            if (vol.isPresent() && !vol.get().pool().spec.shared()) {
                sharedVm = false;
            }
            if (Drives.isCdrom(drive)) {
                continue;
            }
            if (!full && !Drives.isCloudinit(volid) && !(vol.isPresent() && vol.get().isBase())) {
                // PVE::API2::Qemu clone_vm: volume_has_feature('clone') holds only for base volumes
                throw new WrongStateException("Linked clone feature is not supported for"
                        + (snapname != null ? " a snapshot of" : "") + " '" + volid + "' (" + e.getKey() + ")", node, vmid);
            }
        }
        if (target != null && !sharedVm) {
            throw new WrongStateException("can't clone VM to node '" + target + "' (VM uses local storage)", node, vmid);
        }
        if (inventory.vms.containsKey(newid)) {
            VmRecord other = inventory.vms.get(newid);
            throw new AlreadyExistsException(other.node.equals(target == null ? node : target)
                    ? "unable to create VM " + newid + ": config file already exists"
                    : "VM " + newid + " already exists on node '" + other.node + "'", node, newid);
        }
        return new CloneCheck(vm, new TreeMap<>(oldConf), full);
    }

    /**
     * {@code template} ({@code POST .../template}): converts a stopped VM without snapshots into a
     * template; its disks become {@code base-<vmid>-disk-<n>}. Returns the {@code qmtemplate} task.
     */
    Upid template(String node, int vmid) {
        tasks.settle();
        templateChecks(node, vmid);
        return tasks.startTask("qmtemplate", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            VmRecord vm;
            try {
                vm = templateChecks(node, vmid);
            } catch (HypervisorException e) {
                throw new TaskError(e.getMessage());
            }
            ctx.onEnd(() -> {
                vm.conf.put("template", "1");
                for (String key : new ArrayList<>(vm.conf.keySet())) {
                    if (!ConfigSchema.isDrive(key)) {
                        continue;
                    }
                    PropertyString drive = PropertyString.parse(vm.conf.get(key), "file");
                    String volid = drive.get("file").orElse("");
                    if (Drives.isCdrom(drive) || Drives.isCloudinit(volid)) {
                        continue;
                    }
                    Optional<Volume> vol = storages.resolveVolume(node, volid);
                    if (vol.isEmpty() || vol.get().isBase() || !Drives.ownedBy(volid, vmid)) {
                        continue;
                    }
                    Volume v = vol.get();
                    String baseName = v.name().replaceFirst("vm-" + vmid + "-disk-", "base-" + vmid + "-disk-");
                    v.pool().volumes.remove(v.name());
                    v.pool().volumes.put(baseName, v.size());
                    vm.conf.put(key, drive.with("file", v.pool().spec.id() + ":" + baseName).format());
                }
            });
        }, null);
    }

    private VmRecord templateChecks(String node, int vmid) {
        // PVE::API2::Qemu template $load_and_check
        VmRecord vm = inventory.load(node, vmid);
        inventory.checkLock(vm);
        if (!vm.snapshots.isEmpty()) {
            throw new WrongStateException("unable to create template, because VM contains snapshots", node, vmid);
        }
        if (vm.isTemplate()) {
            throw new WrongStateException("you can't convert a template to a template", node, vmid);
        }
        if (vm.power != PowerState.STOPPED) {
            throw new WrongStateException("you can't convert a VM to template if VM is running", node, vmid);
        }
        return vm;
    }

    /**
     * {@code destroy_vm} ({@code DELETE .../{vmid}}): removes a stopped VM, its config and the volumes
     * it references; with {@code destroyUnreferencedDisks} also the volumes of its VMID that nothing
     * references. Returns the {@code qmdestroy} task.
     */
    Upid destroyVm(String node, int vmid, boolean purge, boolean destroyUnreferencedDisks) {
        tasks.settle();
        destroyChecks(node, vmid);
        return tasks.startTask("qmdestroy", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            VmRecord vm;
            try {
                vm = destroyChecks(node, vmid);
            } catch (HypervisorException e) {
                throw new TaskError(e.getMessage());
            }
            inventory.checkLockInWorker(vm);
            Set<String> volids = vm.referencedVolumes();
            for (String volid : volids) {
                Optional<Volume> vol = storages.resolveVolume(node, volid);
                if (vol.isPresent() && vol.get().isBase()) {
                    String prefix = vol.get().name() + "/";
                    if (vol.get().pool().volumes.keySet().stream().anyMatch(n -> n.startsWith(prefix))) {
                        // PVE::QemuServer::destroy_vm
                        throw new TaskError("base volume '" + volid + "' is still in use by linked cloned");
                    }
                }
            }
            vm.conf.put("lock", "destroyed");
            ctx.onEnd(() -> {
                for (String volid : volids) {
                    if (Drives.ownedBy(volid, vmid)) {
                        storages.resolveVolume(node, volid).ifPresent(v -> v.pool().volumes.remove(v.name()));
                    }
                }
                if (destroyUnreferencedDisks) {
                    for (Pool pl : storages.pools) {
                        if (pl.visibleOn(node)) {
                            pl.volumes.keySet().removeIf(n -> Drives.ownedBy(n, vmid));
                        }
                    }
                }
                inventory.vms.remove(vmid);
            });
        }, null);
    }

    private VmRecord destroyChecks(String node, int vmid) {
        // PVE::API2::Qemu destroy_vm $early_checks
        VmRecord vm = inventory.load(node, vmid);
        if ("1".equals(vm.conf.get("protection"))) {
            // PVE::AbstractConfig::check_protection
            throw new WrongStateException("can't remove VM " + vmid + " - protection mode enabled", node, vmid);
        }
        if (vm.power != PowerState.STOPPED) {
            throw new WrongStateException("VM " + vmid + " is running - destroy failed", node, vmid);
        }
        return vm;
    }
}
