package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.testkit.model.Storages.Pool;
import ai.thinkheads.phoenix.testkit.model.Storages.Volume;
import ai.thinkheads.phoenix.testkit.model.TaskEngine.Ctx;
import ai.thinkheads.phoenix.testkit.model.TaskEngine.TaskError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drive allocation as qemu-server does it: checking drive parameters before a worker forks
 * ({@code $check_storage_access}), creating disks, cloud-init drives and imports in the worker
 * ({@code $create_disks}), cloning a drive (full or linked), naming new volumes
 * ({@code find_free_diskname}), the default boot order, and detaching a replaced or deleted disk
 * to {@code unusedN}. Not thread-safe: {@link PveCluster}'s monitor guards it.
 */
final class Drives {

    /** qemu-server's cloud-init drive size, {@code PVE::QemuServer::Cloudinit::CLOUDINIT_DISK_SIZE} (4 MiB). */
    static final long CLOUDINIT_SIZE = 4L << 20;
    /** A new disk: {@code [<storage>:]<size in GiB>}. */
    private static final Pattern NEW_DISK = Pattern.compile("^(([^/:\\s]+):)?(\\d+(\\.\\d+)?)$");

    private final Storages storages;

    Drives(Storages storages) {
        this.storages = storages;
    }

    /** A replaced or deleted disk's volume becomes {@code unusedN}, as qemu-server's vmconfig_delete_or_detach_drive does. */
    void replaceDrive(VmRecord vm, String key, String newValue) {
        String old = vm.conf.get(key);
        if (old != null && ConfigSchema.isDrive(key) && !sameVolume(old, newValue)) {
            detach(vm, old);
        }
    }

    void deleteOption(VmRecord vm, String key) {
        String old = vm.conf.remove(key);
        vm.pending.remove(key);
        vm.pendingDelete.remove(key);
        if (old == null) {
            return;
        }
        if (key.startsWith("unused")) {
            destroyVolumeIfUnreferenced(vm, PropertyString.parse(old, "file").get("file").orElse(""));
        } else if (ConfigSchema.isDrive(key)) {
            vm.diskOs.remove(key);
            detach(vm, old);
        }
    }

    private void detach(VmRecord vm, String driveValue) {
        PropertyString drive = PropertyString.parse(driveValue, "file");
        String volid = drive.get("file").orElse("");
        if (isCdrom(drive) ) {
            if (volid.endsWith("-cloudinit") || volid.contains("-cloudinit.")) {
                destroyVolumeIfUnreferenced(vm, volid);
            }
            return;
        }
        if (ownedBy(volid, vm.vmid)) {
            for (int i = 0; i <= 255; i++) {
                if (!vm.conf.containsKey("unused" + i)) {
                    vm.conf.put("unused" + i, volid);
                    return;
                }
            }
        }
    }

    private void destroyVolumeIfUnreferenced(VmRecord vm, String volid) {
        if (!ownedBy(volid, vm.vmid) || vm.references(volid)) {
            return;
        }
        storages.resolveVolume(vm.node, volid).ifPresent(v -> v.pool().volumes.remove(v.name()));
    }

    String cloneDisk(Ctx ctx, String node, String targetNode, int newid, String opt, String value, boolean full,
                             String storage, List<String[]> allocated) {
        PropertyString drive = PropertyString.parse(value, "file");
        String volid = drive.get("file").orElse("");
        if (isCdrom(drive) && !isCloudinit(volid)) {
            return value;
        }
        Volume src = storages.resolveVolume(node, volid).orElseThrow(() -> new TaskError("volume '" + volid + "' does not exist"));
        String storeid = storage != null ? storage : src.pool().spec.id();
        Pool dst = storages.pool(targetNode, storeid).orElseThrow(() -> new TaskError("storage '" + storeid + "' does not exist"));
        if (isCloudinit(volid)) {
            String name = cloudinitName(dst, newid);
            storages.allocate(dst, name, CLOUDINIT_SIZE, allocated);
            return drive.with("file", storeid + ":" + name).format();
        }
        String name;
        if (full) {
            ctx.log("create full clone of drive " + opt + " (" + volid + ")");
            name = newDiskName(dst, newid, "vm", dst.spec.pathBased() ? "qcow2" : null);
        } else {
            ctx.log("create linked clone of drive " + opt + " (" + volid + ")");
            name = src.name() + "/" + newDiskName(dst, newid, "vm", dst.spec.pathBased() ? "qcow2" : null);
        }
        storages.allocate(dst, name, src.size(), allocated);
        return drive.with("file", storeid + ":" + name).with("size", new DiskSize(src.size()).toString()).format();
    }

    static boolean ownedBy(String volidOrName, int vmid) {
        String name = volidOrName.contains(":") ? volidOrName.substring(volidOrName.indexOf(':') + 1) : volidOrName;
        Matcher m = Storages.OWNED.matcher(name);
        return m.find() && Integer.parseInt(m.group(2)) == vmid;
    }

    static boolean isCloudinit(String volid) {
        return volid.matches(".*(^|[:/])vm-\\d+-cloudinit(\\.[a-z0-9]+)?$");
    }

    static boolean isCdrom(PropertyString drive) {
        return "cdrom".equals(drive.get("media").orElse(null));
    }

    static boolean sameVolume(String a, String b) {
        return PropertyString.parse(a, "file").get("file").equals(PropertyString.parse(b, "file").get("file"));
    }

    /** PVE::API2::Qemu $check_storage_access: storage ids and content types before forking. */
    void checkDriveParams(String node, int vmid, Map<String, String> params, String defaultStorage) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!ConfigSchema.isDrive(e.getKey())) {
                continue;
            }
            PropertyString drive = PropertyString.parse(e.getValue(), "file");
            String file = drive.get("file").orElse("");
            Matcher nd = NEW_DISK.matcher(file);
            Matcher vol = Storages.VOLID.matcher(file);
            String storeid = null;
            boolean newDisk = false;
            if (file.equals("none") || file.equals("cdrom")) {
                continue;
            } else if (nd.matches() && !isCdrom(drive)) {
                storeid = nd.group(2) != null ? nd.group(2) : defaultStorage;
                newDisk = true;
                if (storeid == null) {
                    errors.put(e.getKey(), "no storage ID specified (and no default storage)");
                    continue;
                }
            } else if (vol.matches()) {
                storeid = vol.group(1);
            } else if (file.startsWith("/")) {
                errors.put(e.getKey(), "absolute paths are not supported by the simulated cluster");
                continue;
            }
            if (storeid != null) {
                Optional<Pool> pl = storages.pool(node, storeid);
                if (pl.isEmpty()) {
                    // PVE::Storage::storage_config
                    errors.put(e.getKey(), "storage '" + storeid + "' does not exist");
                    continue;
                }
                boolean cloudinit = vol.matches() && vol.group(2).equals("cloudinit");
                if ((newDisk || cloudinit) && !pl.get().spec.holds("images")) {
                    errors.put("storage", "storage '" + storeid + "' does not support vm images");
                }
                if (!newDisk && !cloudinit && !isCdrom(drive) && !vol.group(2).matches(".*\\b(vm|base)-\\d+-disk-\\d+.*")) {
                    errors.put(e.getKey(), "content type needs to be 'images' or 'iso'");
                }
            }
            Optional<String> importFrom = drive.get("import-from");
            if (importFrom.isPresent()) {
                String src = importFrom.get();
                if (!newDisk) {
                    errors.put(e.getKey(), "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>");
                } else if (isCloudinit(src)) {
                    errors.put(e.getKey(), "cannot import from cloudinit disk");
                } else if (!Storages.VOLID.matcher(src).matches()) {
                    errors.put(e.getKey(), "absolute paths are not supported by the simulated cluster");
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ParameterRejectedException(node, vmid, errors);
        }
    }

    /** PVE::API2::Qemu $create_disks for one drive, inside the worker (or update_vm): {@code print} is its stdout. */
    String createDisk(Consumer<String> print, String node, int vmid, String key, String value, String defaultStorage,
                              Map<String, String> conf, List<String[]> allocated, String emsg, boolean template) {
        PropertyString drive = PropertyString.parse(value, "file");
        String file = drive.get("file").orElse("");
        if (file.equals("none") || file.equals("cdrom")) {
            return drive.with("size", null).format();
        }
        Matcher vol = Storages.VOLID.matcher(file);
        if (vol.matches() && vol.group(2).equals("cloudinit")) {
            for (Map.Entry<String, String> e : conf.entrySet()) {
                if (ConfigSchema.isDrive(e.getKey()) && isCloudinit(PropertyString.parse(e.getValue(), "file").get("file").orElse(""))) {
                    throw new TaskError(key + " - cloud-init drive is already attached at '" + e.getKey() + "'");
                }
            }
            Pool pl = storages.pool(node, vol.group(1)).orElseThrow(() -> new TaskError("storage '" + vol.group(1) + "' does not exist"));
            String name = cloudinitName(pl, vmid);
            storages.allocate(pl, name, CLOUDINIT_SIZE, allocated);
            String result = drive.with("file", pl.spec.id() + ":" + name).with("media", "cdrom").format();
            print.accept(key + ": successfully created disk '" + result + "'");
            return result;
        }
        Matcher nd = NEW_DISK.matcher(file);
        if (nd.matches() && !isCdrom(drive)) {
            String storeid = nd.group(2) != null ? nd.group(2) : defaultStorage;
            Pool pl = storages.pool(node, storeid).orElseThrow(() -> new TaskError("storage '" + storeid + "' does not exist"));
            long size = (long) (Double.parseDouble(nd.group(3)) * (1L << 30));
            Optional<String> importFrom = drive.get("import-from");
            if (importFrom.isPresent()) {
                Volume src = storages.resolveVolume(node, importFrom.get()).orElseThrow(
                        () -> new TaskError("could not get size of " + importFrom.get()));
                size = src.size();
                // $import_from_volid -> PVE::QemuServer::clone_disk: a volume no VM's config names
                // has no source drive name, so the line reads "drive (<volid>)"
                print.accept("create full clone of drive (" + importFrom.get() + ")");
            } else if (key.equals("efidisk0")) {
                size = 4L << 20;
            } else if (size <= 0) {
                throw new TaskError(emsg + " unable to create image: size must be positive");
            }
            // "change created disk to a base volume in case the VM is a template" (PVE::API2::Qemu $create_disks)
            String name = newDiskName(pl, vmid, template ? "base" : "vm", pl.spec.pathBased() ? drive.get("format").orElse("qcow2") : null);
            if (pl.used() + size > pl.spec.capacityBytes()) {
                throw new TaskError(emsg + " " + Storages.notEnoughSpace(pl, size));
            }
            storages.allocate(pl, name, size, allocated);
            PropertyString result = drive.with("file", storeid + ":" + name).with("import-from", null)
                    .with("format", null).with("size", new DiskSize(size).toString());
            // PVE::API2::Qemu $create_disks prints this for every disk it allocates or imports: into the
            // task log in create_vm's and update_vm_async's workers, on the caller's stdout in update_vm
            print.accept(key + ": successfully created disk '" + result.format() + "'");
            return result.format();
        }
        if (vol.matches()) {
            Optional<Volume> existing = storages.resolveVolume(node, file);
            if (existing.isEmpty()) {
                // PVE::API2::Qemu $create_disks
                throw new TaskError("volume " + file + " does not exist");
            }
            if (isCdrom(drive)) {
                return drive.with("size", null).format();
            }
            return drive.with("size", new DiskSize(existing.get().size()).toString()).format();
        }
        throw new TaskError("unable to parse drive options for '" + key + "'");
    }

    /** PVE::Storage::Plugin::find_free_diskname: the lowest free {@code disk-N} for the VMID on that storage. */
    private static String newDiskName(Pool pl, int vmid, String kind, String format) {
        Set<Integer> taken = new TreeSet<>();
        for (String name : pl.volumes.keySet()) {
            Matcher m = Storages.OWNED.matcher(name);
            if (m.find() && Integer.parseInt(m.group(2)) == vmid && m.group(4) != null) {
                taken.add(Integer.parseInt(m.group(4)));
            }
        }
        int n = 0;
        while (taken.contains(n)) {
            n++;
        }
        String base = kind + "-" + vmid + "-disk-" + n;
        return format == null ? base : vmid + "/" + base + "." + format;
    }

    private static String cloudinitName(Pool pl, int vmid) {
        return pl.spec.pathBased() ? vmid + "/vm-" + vmid + "-cloudinit.qcow2" : "vm-" + vmid + "-cloudinit";
    }

    String defaultBootOrder(Map<String, String> conf) {
        List<String> order = new ArrayList<>();
        List<String> cdroms = new ArrayList<>();
        for (String bus : List.of("scsi", "virtio", "sata", "ide")) {
            for (int i = 0; i <= ConfigSchema.INDEXED.get(bus); i++) {
                String v = conf.get(bus + i);
                if (v == null) {
                    continue;
                }
                PropertyString d = PropertyString.parse(v, "file");
                if (isCdrom(d)) {
                    if (!isCloudinit(d.get("file").orElse(""))) {
                        cdroms.add(bus + i);
                    }
                } else if (order.isEmpty()) {
                    order.add(bus + i);
                }
            }
        }
        order.addAll(cdroms);
        if (conf.containsKey("net0")) {
            order.add("net0");
        }
        return String.join(";", order);
    }
}
