package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.AlreadyExistsException;
import ai.thinkheads.phoenix.hypervisor.ConfigModifiedException;
import ai.thinkheads.phoenix.hypervisor.ConflictException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.testkit.model.Storages.Pool;
import ai.thinkheads.phoenix.testkit.model.Storages.Volume;
import ai.thinkheads.phoenix.testkit.model.TaskEngine.ConfigModifiedPending;
import ai.thinkheads.phoenix.testkit.model.TaskEngine.TaskError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * qemu-server's config handlers: {@code create_vm}, {@code update_vm} (synchronous {@code PUT
 * .../config}), {@code update_vm_async} ({@code POST .../config}, a {@code qmconfig} task) with
 * pending changes on a running VM where the key cannot be hot-plugged, and {@code resize_vm}.
 * Not thread-safe: {@link PveCluster}'s monitor guards it.
 */
final class ConfigHandlers {

    private static final Pattern RESIZE = Pattern.compile("^(\\+)?(\\d+(\\.\\d+)?)([KMGT])?$");
    private static final Set<String> CREATE_PARAMS = Set.of("start", "pool", "storage", "unique", "force", "archive",
            "bwlimit", "live-restore", "import-working-storage", "ha-managed");
    private static final Set<String> HOTPLUG_ALWAYS = Set.of("name", "description", "tags", "onboot", "protection",
            "startup", "lock", "hookscript", "ciuser", "cipassword", "citype", "cicustom", "nameserver", "searchdomain",
            "sshkeys", "ciupgrade", "template");

    private final Inventory inventory;
    private final Storages storages;
    private final Drives drives;
    private final Guests guests;
    private final TaskEngine tasks;
    private final Identifiers ids;

    ConfigHandlers(Inventory inventory, Storages storages, Drives drives, Guests guests, TaskEngine tasks, Identifiers ids) {
        this.inventory = inventory;
        this.storages = storages;
        this.drives = drives;
        this.guests = guests;
        this.tasks = tasks;
        this.ids = ids;
    }

    /**
     * {@code create_vm} ({@code POST /nodes/{node}/qemu}): {@code params} are the config options plus
     * the handler's own {@code start} and {@code pool}. Returns the {@code qmcreate} task.
     */
    Upid createVm(String node, int vmid, Map<String, String> params) {
        tasks.settle();
        inventory.requireNode(node);
        inventory.checkVmid("vmid", vmid);
        Map<String, String> p = new TreeMap<>(params);
        Map<String, String> errors = new LinkedHashMap<>(ConfigSchema.validate(p, CREATE_PARAMS));
        for (String k : List.of("start", "unique", "force")) {
            if (p.containsKey(k) && !p.get(k).matches("[01]")) {
                errors.put(k, "type check ('boolean') failed - got '" + p.get(k) + "'");
            }
        }
        for (String k : List.of("archive", "live-restore", "import-working-storage", "ha-managed", "force", "unique", "bwlimit")) {
            if (p.containsKey(k) && !errors.containsKey(k)) {
                errors.put(k, "not supported by the simulated cluster");
            }
        }
        if (!errors.isEmpty()) {
            throw new ParameterRejectedException(node, vmid, errors);
        }
        if (p.containsKey("tags")) {
            // PVE::API2::Qemu create_vm: $conf->{tags} = PVE::GuestHelpers::get_unique_tags($conf->{tags})
            p.put("tags", ConfigSchema.uniqueTags(p.get("tags")));
        }
        boolean start = "1".equals(p.remove("start"));
        p.remove("pool");
        String defaultStorage = p.remove("storage");
        drives.checkDriveParams(node, vmid, p, defaultStorage);
        ids.addRandomMacs(p);
        String emsg = "unable to create VM " + vmid + " -";
        if (inventory.vms.containsKey(vmid)) {
            // PVE::AbstractConfig::create_and_lock_config -> PVE::Cluster::check_vmid_unused
            throw new AlreadyExistsException(emsg + " VM " + vmid + " already exists on node '" + inventory.vms.get(vmid).node + "'",
                    node, vmid);
        }
        VmRecord vm = new VmRecord(vmid, node);
        vm.conf.put("lock", "create");
        inventory.vms.put(vmid, vm);
        List<String[]> allocated = new ArrayList<>();
        return tasks.startTask("qmcreate", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(5), ctx -> {
            TreeMap<String, String> conf = new TreeMap<>();
            Map<String, GuestSystem> systems = new TreeMap<>();
            for (Map.Entry<String, String> e : p.entrySet()) {
                String key = e.getKey();
                if (ConfigSchema.isDrive(key)) {
                    conf.put(key, drives.createDisk(ctx::log, node, vmid, key, e.getValue(), defaultStorage, conf, allocated, emsg,
                            "1".equals(p.get("template"))));
                    guests.importedSystem(e.getValue()).ifPresent(sys -> systems.put(key, sys));
                } else {
                    conf.put(key, e.getValue());
                }
            }
            // PVE::API2::Qemu create_vm: uuid, vmgenid, meta and default boot order
            conf.putIfAbsent("smbios1", "uuid=" + ids.uuid());
            conf.putIfAbsent("vmgenid", ids.uuid());
            conf.put("meta", "creation-qemu=9.2.0,ctime=" + tasks.now().getEpochSecond());
            if (!conf.containsKey("boot")) {
                String order = drives.defaultBootOrder(conf);
                if (!order.isEmpty()) {
                    conf.put("boot", "order=" + order);
                }
            }
            ctx.onEnd(() -> {
                vm.conf.clear();
                vm.conf.putAll(conf);
                vm.diskOs.putAll(systems);
                if (start) {
                    guests.boot(vm, tasks.now());
                }
            });
        }, () -> {
            // create_vm's worker destroys what it made when it fails
            for (String[] vol : allocated) {
                storages.pool(node, vol[0]).ifPresent(pl -> pl.volumes.remove(vol[1]));
            }
            inventory.vms.remove(vmid, vm);
        });
    }

    /**
     * {@code update_vm} ({@code PUT .../config}, synchronous): config keys to set plus the handler's
     * {@code delete} (comma list), {@code revert}, {@code digest} and {@code skiplock}. Returns what
     * it printed on stdout (a new disk's {@code successfully created disk} line), which {@code qm set}
     * shows.
     */
    List<String> updateVm(String node, int vmid, Map<String, String> params) {
        tasks.settle();
        UpdatePlan plan = planUpdate(node, vmid, params);
        inventory.load(node, vmid);
        tasks.acquireLockNow(node, vmid, Duration.ofSeconds(10));
        VmRecord vm = inventory.load(node, vmid);
        List<String> printed = new ArrayList<>();
        try {
            applyUpdate(vm, node, plan, printed::add);
            return List.copyOf(printed);
        } catch (ConfigModifiedPending e) {
            throw new ConfigModifiedException(e.getMessage(), node, vmid);
        } catch (TaskError e) {
            throw new ConflictException(e.getMessage(), node, vmid);
        }
    }

    /** {@code update_vm_async} ({@code POST .../config}): the same as {@link #updateVm} in a {@code qmconfig} task. */
    Upid updateVmAsync(String node, int vmid, Map<String, String> params) {
        tasks.settle();
        UpdatePlan plan = planUpdate(node, vmid, params);
        VmRecord current = inventory.load(node, vmid);
        // update_vm_api runs $load_and_check_config->(0) "early checks before forking/locking"
        // (qemu-server API2/Qemu.pm): a stale digest is refused before any worker starts
        if (plan.digest() != null && !plan.digest().equals(current.digest())) {
            throw new ConfigModifiedException("checksum mismatch (file change by other user?)", node, vmid);
        }
        return tasks.startTask("qmconfig", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            VmRecord vm = inventory.loadInWorker(node, vmid);
            applyUpdate(vm, node, plan, ctx::log);
        }, null);
    }

    record UpdatePlan(Map<String, String> set, List<String> delete, List<String> revert, String digest, boolean skiplock) {
    }

    private UpdatePlan planUpdate(String node, int vmid, Map<String, String> params) {
        Map<String, String> p = new TreeMap<>(params);
        String digest = p.remove("digest");
        String deleteStr = p.remove("delete");
        String revertStr = p.remove("revert");
        boolean skiplock = "1".equals(p.remove("skiplock"));
        // update_vm_async's background_delay only decides when the API answers: the model answers at once
        p.remove("background_delay");
        String force = p.remove("force");
        Map<String, String> errors = new LinkedHashMap<>(ConfigSchema.validate(p, Set.of()));
        if ("1".equals(force)) {
            // physical removal of deleted disks instead of unusedN (update_vm's force)
            errors.put("force", "not supported by the simulated cluster");
        }
        List<String> delete = ConfigSchema.splitList(deleteStr);
        List<String> revert = ConfigSchema.splitList(revertStr);
        for (String k : delete) {
            if (ConfigSchema.option(k).isEmpty()) {
                // PVE::API2::Qemu update_vm
                errors.put("delete", "unknown option '" + k + "'");
            } else if (p.containsKey(k)) {
                errors.put("delete", "cannot set and delete '" + k + "' at the same time");
            }
        }
        for (String k : revert) {
            if (ConfigSchema.option(k).isEmpty()) {
                errors.put("revert", "unknown option '" + k + "'");
            }
        }
        if (!errors.isEmpty()) {
            throw new ParameterRejectedException(node, vmid, errors);
        }
        if (p.isEmpty() && delete.isEmpty() && revert.isEmpty()) {
            // PVE::API2::Qemu update_vm
            throw new ParameterRejectedException(node, vmid, Map.of("delete", "no options specified"));
        }
        if (p.containsKey("lock")) {
            throw new ParameterRejectedException(node, vmid, Map.of("lock", "only root may set the lock property"));
        }
        if (p.containsKey("tags")) {
            // PVE::API2::Qemu update_vm: $conf->{pending}->{tags} = PVE::GuestHelpers::get_unique_tags($param->{tags})
            p.put("tags", ConfigSchema.uniqueTags(p.get("tags")));
        }
        drives.checkDriveParams(node, vmid, p, null);
        ids.addRandomMacs(p);
        return new UpdatePlan(p, delete, revert, digest, skiplock);
    }

    /** update_vm's $updatefn; {@code print} is its stdout (the task log in a worker, the caller's otherwise). */
    private void applyUpdate(VmRecord vm, String node, UpdatePlan plan, Consumer<String> print) {
        if (plan.digest() != null && !plan.digest().equals(vm.digest())) {
            // PVE::API2::Qemu update_vm: "checksum mismatch (file change by other user?)"
            // (PVE::Tools::assert_if_modified words it "detected modified configuration - file changed by other user? Try again.")
            throw new ConfigModifiedPending("checksum mismatch (file change by other user?)");
        }
        if (!plan.skiplock()) {
            inventory.checkLock(vm);
        }
        List<String[]> allocated = new ArrayList<>();
        TreeMap<String, String> newValues = new TreeMap<>();
        for (Map.Entry<String, String> e : plan.set().entrySet()) {
            String key = e.getKey();
            if (ConfigSchema.isDrive(key)) {
                String existing = vm.effectiveConf().get(key);
                if (existing != null && Drives.sameVolume(existing, e.getValue())) {
                    newValues.put(key, e.getValue());
                    continue;
                }
                newValues.put(key, drives.createDisk(print, node, vm.vmid, key, e.getValue(), null, vm.effectiveConf(), allocated,
                        "unable to update VM " + vm.vmid + " -", vm.isTemplate()));
                // the guest OS lives on the disk: a new volume under this key brings its own (or none)
                vm.diskOs.remove(key);
                guests.importedSystem(e.getValue()).ifPresent(sys -> vm.diskOs.put(key, sys));
            } else {
                newValues.put(key, e.getValue());
            }
        }
        boolean running = vm.power != PowerState.STOPPED;
        for (String k : plan.revert()) {
            vm.pending.remove(k);
            vm.pendingDelete.remove(k);
        }
        for (Map.Entry<String, String> e : newValues.entrySet()) {
            if (running && !hotpluggable(vm, e.getKey())) {
                vm.pending.put(e.getKey(), e.getValue());
                vm.pendingDelete.remove(e.getKey());
            } else {
                drives.replaceDrive(vm, e.getKey(), e.getValue());
                vm.conf.put(e.getKey(), e.getValue());
                vm.pending.remove(e.getKey());
            }
        }
        for (String k : plan.delete()) {
            if (running && !hotpluggable(vm, k)) {
                vm.pending.remove(k);
                if (vm.conf.containsKey(k)) {
                    vm.pendingDelete.add(k);
                }
            } else {
                drives.deleteOption(vm, k);
            }
        }
    }

    private boolean hotpluggable(VmRecord vm, String key) {
        if (HOTPLUG_ALWAYS.contains(key)) {
            return true;
        }
        Set<String> hotplug = new TreeSet<>(ConfigSchema.splitList(vm.conf.getOrDefault("hotplug", "network,disk,usb")));
        if (hotplug.contains("1")) {
            hotplug.addAll(List.of("network", "disk", "usb", "cpu", "memory"));
        }
        if (key.startsWith("net")) {
            return hotplug.contains("network");
        }
        if (ConfigSchema.isDrive(key) || key.startsWith("unused")) {
            return hotplug.contains("disk");
        }
        if (key.equals("memory") || key.equals("balloon")) {
            return hotplug.contains("memory");
        }
        if (key.equals("vcpus")) {
            return hotplug.contains("cpu");
        }
        return false;
    }

    /**
     * {@code resize_vm} ({@code PUT .../resize}): grows {@code disk} to {@code size}
     * ({@code \+?\d+(\.\d+)?[KMGT]?}; {@code +} is relative). Returns the {@code resize} task.
     */
    Upid resizeVm(String node, int vmid, String disk, String size, String digest) {
        tasks.settle();
        inventory.load(node, vmid);
        Matcher m = RESIZE.matcher(size == null ? "" : size);
        if (!m.matches()) {
            throw new ParameterRejectedException(node, vmid, Map.of("size", "value does not match the regex pattern"));
        }
        if (!ConfigSchema.isDrive(disk)) {
            throw new ParameterRejectedException(node, vmid, Map.of("disk", "value '" + disk
                    + "' does not have a value in the enumeration of disk names"));
        }
        return tasks.startTask("resize", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            // PVE::API2::Qemu resize_vm, all inside the worker's lock_config
            VmRecord vm = inventory.loadInWorker(node, vmid);
            if (digest != null && !digest.equals(vm.digest())) {
                throw new TaskError("checksum mismatch (file change by other user?)");
            }
            inventory.checkLockInWorker(vm);
            String value = vm.conf.get(disk);
            if (value == null) {
                throw new TaskError("disk '" + disk + "' does not exist");
            }
            PropertyString drive = PropertyString.parse(value, "file");
            String volid = drive.get("file").orElse("");
            if (volid.isEmpty() || volid.equals("none")) {
                throw new TaskError("disk '" + disk + "' has no associated volume");
            }
            if (Drives.isCdrom(drive)) {
                throw new TaskError("you can't resize a cdrom");
            }
            Volume vol = storages.resolveVolume(node, volid).orElseThrow(
                    () -> new TaskError("Could not determine current size of volume '" + volid + "'"));
            long current = vol.size();
            long newSize = (long) (Double.parseDouble(m.group(2)) * unit(m.group(4)));
            if (m.group(1) != null) {
                newSize += current;
            }
            if (newSize < current) {
                throw new TaskError("shrinking disks is not supported");
            }
            if (newSize == current) {
                return;
            }
            Pool pool = vol.pool();
            if (pool.used() - current + newSize > pool.spec.capacityBytes()) {
                throw new TaskError(Storages.notEnoughSpace(pool, newSize - current));
            }
            long finalSize = newSize;
            pool.volumes.put(vol.name(), finalSize);
            ctx.onEnd(() -> vm.conf.put(disk, drive.with("size", new DiskSize(finalSize).toString()).format()));
        }, null);
    }

    private static long unit(String u) {
        if (u == null) {
            return 1;
        }
        return 1L << (10 * ("KMGT".indexOf(u) + 1));
    }
}
