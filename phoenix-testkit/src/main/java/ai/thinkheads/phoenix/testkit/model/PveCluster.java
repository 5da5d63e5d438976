package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.AlreadyExistsException;
import ai.thinkheads.phoenix.hypervisor.ConfigModifiedException;
import ai.thinkheads.phoenix.hypervisor.ConflictException;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.OperationInterruptedException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory Proxmox VE cluster: nodes, storages with volumes, QEMU VMs with their config files,
 * snapshots and power state, tasks with real UPIDs and logs, and a guest agent per VM. Start here
 * when you need a Proxmox that is not there. The guest behind the agent is a guest OS model on each
 * VM's boot disk ({@link #guest(int)}, {@link GuestImages}, {@link VolumeReader}): the stock Ubuntu
 * cloud image has no qemu-guest-agent, so its agent answers only after user-data installs and
 * starts it.
 *
 * <h2>Faces</h2>
 * Every operation is named after the qemu-server API handler it models ({@code create_vm} →
 * {@link #createVm}, {@code vm_start} → {@link #vmStart}, ...) and takes the handler's raw string
 * parameters, so an HTTP face ({@code POST /api2/json/nodes/{node}/qemu} → {@code createVm(node,
 * vmid, formParams)}) or an SSH face ({@code qm create 100 --memory 2048} → the same call) only
 * parses its transport and maps exceptions: {@link ParameterRejectedException} is HTTP 400 with its
 * {@code errors()}; every other {@link HypervisorException} is HTTP 500 with its message as Proxmox
 * words it. Handlers that fork a worker in Proxmox return the {@link Upid} at once; the worker's
 * errors become the task's exit status.
 *
 * <h2>Time and tasks</h2>
 * The cluster reads time from its {@link TimeSource} (a fake clock in tests). A task runs for the
 * configured duration of its type: its worker's checks and first effects happen when it begins,
 * its final effects when it ends. A task waits for the VM's file lock ({@code lock_config}, 10 s;
 * 5 s on create, 1 s on clone) behind tasks that hold it and fails with {@code can't lock file ...
 * - got timeout} when the wait would be longer. Reading anything first brings every task that has
 * ended by now to its end.
 *
 * <h2>Thread-safety</h2>
 * One monitor guards the whole model; every public method is atomic.
 */
public final class PveCluster {

    /** qemu-server's cloud-init drive size, {@code PVE::QemuServer::Cloudinit::CLOUDINIT_DISK_SIZE} (4 MiB). */
    static final long CLOUDINIT_SIZE = 4L << 20;

    private static final Pattern NEW_DISK = Pattern.compile("^(([^/:\\s]+):)?(\\d+(\\.\\d+)?)$");
    /** PVE::Storage::parse_volume_id: {@code m/^($PVE::JSONSchema::PVE_STORAGE_ID_RE):(.+)$/i}, storage ids are case-insensitive. */
    private static final Pattern VOLID = Pattern.compile("^([a-z][a-z0-9\\-_.]*[a-z0-9]):(.+)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern OWNED = Pattern.compile("(?:^|/)(vm|base)-(\\d+)-(disk-(\\d+)|cloudinit)(\\.[a-z0-9]+)?$");
    private static final Pattern SNAPNAME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9_\\-]{1,39}$");
    private static final Pattern RESIZE = Pattern.compile("^(\\+)?(\\d+(\\.\\d+)?)([KMGT])?$");
    private static final Set<String> CREATE_PARAMS = Set.of("start", "pool", "storage", "unique", "force", "archive",
            "bwlimit", "live-restore", "import-working-storage", "ha-managed");
    private static final Set<String> HOTPLUG_ALWAYS = Set.of("name", "description", "tags", "onboot", "protection",
            "startup", "lock", "hookscript", "ciuser", "cipassword", "citype", "cicustom", "nameserver", "searchdomain",
            "sshkeys", "ciupgrade", "template");

    private final TimeSource clock;
    /** Who is calling, per thread: the user (or token) a task's UPID names. */
    private final ThreadLocal<String> caller = ThreadLocal.withInitial(() -> "root@pam");
    private final Map<String, NodeSpec> nodes = new TreeMap<>();
    private final List<Pool> pools = new ArrayList<>();
    private final TreeMap<Integer, Vm> vms = new TreeMap<>();
    private final Map<String, TaskState> tasks = new LinkedHashMap<>();
    private final List<TaskState> active = new ArrayList<>();
    private final Deque<TaskFault> faults = new ArrayDeque<>();
    private final Map<String, Duration> taskDurations;
    private final Duration defaultTaskDuration;
    private final boolean storageLocks;
    private final Duration guestBootDelay;
    private final List<String> dhcpPool;
    private final int dhcpPrefix;
    /** A scripted command interpreter replacing the guest OS model's for agent exec, or null: the model's. */
    private final GuestBehaviour guest;
    private final GuestImages guestImages;
    private final VolumeReader volumeReader;
    private final Duration cloudInitBase;
    private final Duration cloudInitPerPackage;
    private final String macPrefix;
    private final Random random;
    private final Instant bootTime;
    private int nextDhcp;
    private Instant eventTime;
    private long nextPid = 0x1A2B0;

    private PveCluster(Builder b) {
        this.clock = Objects.requireNonNull(b.clock, "clock");
        if (b.nodes.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one node");
        }
        b.nodes.forEach(n -> nodes.put(n.name(), n));
        Set<String> seen = new TreeSet<>();
        for (StorageSpec s : b.storages) {
            if (!seen.add(s.id())) {
                throw new IllegalArgumentException("storage '" + s.id() + "' declared twice");
            }
            for (String n : s.nodes()) {
                if (!nodes.containsKey(n)) {
                    throw new IllegalArgumentException("storage '" + s.id() + "' names unknown node '" + n + "'");
                }
            }
            if (s.shared()) {
                pools.add(new Pool(s, null));
            } else {
                for (String n : nodes.keySet()) {
                    if (s.visibleOn(n)) {
                        pools.add(new Pool(s, n));
                    }
                }
            }
        }
        this.taskDurations = Map.copyOf(b.taskDurations);
        this.defaultTaskDuration = b.defaultTaskDuration;
        this.storageLocks = b.storageLocks;
        this.guestBootDelay = b.guestBootDelay;
        this.dhcpPool = List.copyOf(b.dhcpPool);
        this.dhcpPrefix = b.dhcpPrefix;
        this.guest = b.guest;
        this.guestImages = b.guestImages;
        // no reader given: the cluster's own file volumes (read without settling: the reader runs while a boot settles)
        this.volumeReader = b.volumeReader != null ? b.volumeReader : (node, volid) -> node == null || !nodes.containsKey(node)
                ? Optional.empty() : resolveVolume(node, volid).map(v -> v.pool().contents.get(v.name())).map(byte[]::clone);
        this.cloudInitBase = b.cloudInitBase;
        this.cloudInitPerPackage = b.cloudInitPerPackage;
        this.macPrefix = b.macPrefix;
        this.random = new Random(b.seed);
        this.bootTime = clock.now();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The time source the cluster reads. */
    /**
     * Runs {@code action} as {@code userId} ({@code root@pam}, or a token {@code root@pam!ci}): the
     * tasks it starts carry that user in their UPID, as PVE's workers do.
     */
    public <T> T actingAs(String userId, java.util.function.Supplier<T> action) {
        String previous = caller.get();
        caller.set(java.util.Objects.requireNonNull(userId, "userId"));
        try {
            return action.get();
        } finally {
            caller.set(previous);
        }
    }

    public TimeSource clock() {
        return clock;
    }

    // =====================================================================================
    // reads
    // =====================================================================================

    /** {@code GET /nodes}: every node with its capacity and use, in name order. */
    public synchronized List<NodeResources> nodes() {
        settle();
        List<NodeResources> out = new ArrayList<>();
        for (NodeSpec n : nodes.values()) {
            long memUsed = 0;
            int vcpus = 0;
            for (Vm vm : vms.values()) {
                if (vm.node.equals(n.name()) && vm.power != PowerState.STOPPED) {
                    memUsed += vm.memoryBytes();
                    vcpus += vm.cpus();
                }
            }
            out.add(new NodeResources(n.name(), true, n.cpus(), Math.min(1.0, vcpus / (double) n.cpus() / 4),
                    n.memoryBytes(), Math.min(n.memoryBytes(), memUsed)));
        }
        return out;
    }

    /** {@code GET /nodes/{node}/storage}: the storages {@code node} sees, in id order. */
    public synchronized List<StorageInfo> storageStatus(String node) {
        settle();
        requireNode(node);
        List<StorageInfo> out = new ArrayList<>();
        for (Pool p : pools) {
            if (p.visibleOn(node)) {
                long used = p.used();
                out.add(new StorageInfo(node, p.spec.id(), p.spec.type(), p.spec.content(), p.spec.shared(), true,
                        p.spec.capacityBytes(), used, Math.max(0, p.spec.capacityBytes() - used)));
            }
        }
        out.sort((a, b) -> a.storage().compareTo(b.storage()));
        return out;
    }

    /** {@code GET /nodes/{node}/storage/{storage}/content}: volume id → size in bytes. */
    public synchronized Map<String, Long> storageContent(String node, String storage) {
        settle();
        requireNode(node);
        Pool p = pool(node, storage).orElseThrow(() -> new NotFoundException(
                "storage '" + storage + "' does not exist", node, null));
        Map<String, Long> out = new TreeMap<>();
        p.volumes.forEach((name, size) -> out.put(storage + ":" + name, size));
        return out;
    }

    /** {@code GET /cluster/resources?type=vm}: every VM, in VMID order. */
    public synchronized List<VmSummary> clusterResources() {
        settle();
        List<VmSummary> out = new ArrayList<>();
        for (Vm vm : vms.values()) {
            out.add(vm.summary());
        }
        return out;
    }

    /** {@code GET /nodes/{node}/qemu}: the VMs of one node, in VMID order. */
    public synchronized List<VmSummary> vmlist(String node) {
        settle();
        requireNode(node);
        return clusterResources().stream().filter(v -> v.node().equals(node)).toList();
    }

    /** {@code GET /cluster/nextid}: the lowest unused VMID from 100 on. */
    public synchronized int nextid() {
        settle();
        int id = 100;
        while (vms.containsKey(id)) {
            id++;
        }
        return id;
    }

    /**
     * {@code GET /nodes/{node}/qemu/{vmid}/config}: the config with its digest. With {@code current}
     * false (Proxmox's default) pending changes are shown applied.
     */
    public synchronized VmConfig vmConfig(String node, int vmid, boolean current) {
        settle();
        Vm vm = load(node, vmid);
        Map<String, String> values = current ? vm.conf : vm.effectiveConf();
        return new VmConfig(new VmRef(node, vmid), values, vm.digest());
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/pending}-style view: key → pending value, deletions as null. */
    public synchronized Map<String, String> vmPending(String node, int vmid) {
        settle();
        Vm vm = load(node, vmid);
        Map<String, String> out = new TreeMap<>(vm.pending);
        vm.pendingDelete.forEach(k -> out.put(k, null));
        return Collections.unmodifiableMap(out);
    }

    /** The config file text as {@code /etc/pve/nodes/{node}/qemu-server/{vmid}.conf} would hold it. */
    public synchronized String configFileText(String node, int vmid) {
        settle();
        return load(node, vmid).text();
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/status/current}. */
    public synchronized VmStatus vmStatus(String node, int vmid) {
        settle();
        Vm vm = load(node, vmid);
        long uptime = vm.power == PowerState.STOPPED || vm.startedAt == null ? 0
                : Duration.between(vm.startedAt, now()).toSeconds();
        return new VmStatus(vmid, node, vm.conf.getOrDefault("name", ""), vm.power, vm.isTemplate(),
                vm.conf.get("lock"), vm.cpus(), vm.memoryBytes(), vm.bootDiskSize(), Math.max(0, uptime), vm.agentEnabled());
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/snapshot}: snapshots oldest first, without {@code current}. */
    public synchronized List<Snapshot> snapshotList(String node, int vmid) {
        settle();
        Vm vm = load(node, vmid);
        List<Snapshot> out = new ArrayList<>();
        vm.snapshots.forEach((name, snap) -> out.add(new Snapshot(name, snap.getOrDefault("description", ""),
                snap.get("parent"), Instant.ofEpochSecond(Long.parseLong(snap.getOrDefault("snaptime", "0"))),
                snap.containsKey("vmstate"))));
        out.sort((a, b) -> a.taken().compareTo(b.taken()));
        return out;
    }

    /** The config a snapshot saved ({@code GET .../snapshot/{name}/config}). */
    public synchronized Map<String, String> snapshotConfig(String node, int vmid, String snapname) {
        settle();
        Vm vm = load(node, vmid);
        Map<String, String> snap = vm.snapshots.get(snapname);
        if (snap == null) {
            // PVE::API2::Qemu get_snapshot_config
            throw new NotFoundException("snapshot '" + snapname + "' does not exist", node, vmid);
        }
        return Collections.unmodifiableMap(new TreeMap<>(snap));
    }

    // =====================================================================================
    // create / config
    // =====================================================================================

    /**
     * {@code create_vm} ({@code POST /nodes/{node}/qemu}): {@code params} are the config options plus
     * the handler's own {@code start} and {@code pool}. Returns the {@code qmcreate} task.
     */
    public synchronized Upid createVm(String node, int vmid, Map<String, String> params) {
        settle();
        requireNode(node);
        checkVmid("vmid", vmid);
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
        boolean start = "1".equals(p.remove("start"));
        p.remove("pool");
        String defaultStorage = p.remove("storage");
        checkDriveParams(node, vmid, p, defaultStorage);
        addRandomMacs(p);
        String emsg = "unable to create VM " + vmid + " -";
        if (vms.containsKey(vmid)) {
            // PVE::AbstractConfig::create_and_lock_config -> PVE::Cluster::check_vmid_unused
            throw new AlreadyExistsException(emsg + " VM " + vmid + " already exists on node '" + vms.get(vmid).node + "'",
                    node, vmid);
        }
        Vm vm = new Vm(vmid, node);
        vm.conf.put("lock", "create");
        vms.put(vmid, vm);
        List<String[]> allocated = new ArrayList<>();
        return startTask("qmcreate", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(5), ctx -> {
            TreeMap<String, String> conf = new TreeMap<>();
            Map<String, GuestSystem> systems = new TreeMap<>();
            for (Map.Entry<String, String> e : p.entrySet()) {
                String key = e.getKey();
                if (ConfigSchema.isDrive(key)) {
                    conf.put(key, createDisk(ctx, node, vmid, key, e.getValue(), defaultStorage, conf, allocated, emsg,
                            "1".equals(p.get("template"))));
                    importedSystem(e.getValue()).ifPresent(sys -> systems.put(key, sys));
                } else {
                    conf.put(key, e.getValue());
                }
            }
            // PVE::API2::Qemu create_vm: uuid, vmgenid, meta and default boot order
            conf.putIfAbsent("smbios1", "uuid=" + uuid());
            conf.putIfAbsent("vmgenid", uuid());
            conf.put("meta", "creation-qemu=9.2.0,ctime=" + now().getEpochSecond());
            if (!conf.containsKey("boot")) {
                String order = defaultBootOrder(conf);
                if (!order.isEmpty()) {
                    conf.put("boot", "order=" + order);
                }
            }
            ctx.onEnd(() -> {
                vm.conf.clear();
                vm.conf.putAll(conf);
                vm.diskOs.putAll(systems);
                if (start) {
                    vm.boot(now());
                }
            });
        }, () -> {
            // create_vm's worker destroys what it made when it fails
            for (String[] vol : allocated) {
                pool(node, vol[0]).ifPresent(pl -> pl.volumes.remove(vol[1]));
            }
            vms.remove(vmid, vm);
        });
    }

    /**
     * {@code update_vm} ({@code PUT .../config}, synchronous): config keys to set plus the handler's
     * {@code delete} (comma list), {@code revert}, {@code digest} and {@code skiplock}.
     */
    public synchronized void updateVm(String node, int vmid, Map<String, String> params) {
        settle();
        UpdatePlan plan = planUpdate(node, vmid, params);
        load(node, vmid);
        acquireLockNow(node, vmid, Duration.ofSeconds(10));
        Vm vm = load(node, vmid);
        try {
            applyUpdate(vm, node, plan, null);
        } catch (ConfigModifiedPending e) {
            throw new ConfigModifiedException(e.getMessage(), node, vmid);
        } catch (TaskError e) {
            throw new ConflictException(e.getMessage(), node, vmid);
        }
    }

    /** {@code update_vm_async} ({@code POST .../config}): the same as {@link #updateVm} in a {@code qmconfig} task. */
    public synchronized Upid updateVmAsync(String node, int vmid, Map<String, String> params) {
        settle();
        UpdatePlan plan = planUpdate(node, vmid, params);
        Vm current = load(node, vmid);
        // update_vm_api runs $load_and_check_config->(0) "early checks before forking/locking"
        // (qemu-server API2/Qemu.pm): a stale digest is refused before any worker starts
        if (plan.digest() != null && !plan.digest().equals(current.digest())) {
            throw new ConfigModifiedException("checksum mismatch (file change by other user?)", node, vmid);
        }
        return startTask("qmconfig", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            Vm vm = loadInWorker(node, vmid);
            applyUpdate(vm, node, plan, ctx);
        }, null);
    }

    private record UpdatePlan(Map<String, String> set, List<String> delete, List<String> revert, String digest, boolean skiplock) {
    }

    private UpdatePlan planUpdate(String node, int vmid, Map<String, String> params) {
        Map<String, String> p = new TreeMap<>(params);
        String digest = p.remove("digest");
        String deleteStr = p.remove("delete");
        String revertStr = p.remove("revert");
        boolean skiplock = "1".equals(p.remove("skiplock"));
        Map<String, String> errors = new LinkedHashMap<>(ConfigSchema.validate(p, Set.of()));
        List<String> delete = splitList(deleteStr);
        List<String> revert = splitList(revertStr);
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
        checkDriveParams(node, vmid, p, null);
        addRandomMacs(p);
        return new UpdatePlan(p, delete, revert, digest, skiplock);
    }

    private void applyUpdate(Vm vm, String node, UpdatePlan plan, Ctx ctx) {
        if (plan.digest() != null && !plan.digest().equals(vm.digest())) {
            // PVE::API2::Qemu update_vm: "checksum mismatch (file change by other user?)"
            // (PVE::Tools::assert_if_modified words it "detected modified configuration - file changed by other user? Try again.")
            throw new ConfigModifiedPending("checksum mismatch (file change by other user?)");
        }
        if (!plan.skiplock()) {
            checkLock(vm);
        }
        List<String[]> allocated = new ArrayList<>();
        TreeMap<String, String> newValues = new TreeMap<>();
        for (Map.Entry<String, String> e : plan.set().entrySet()) {
            String key = e.getKey();
            if (ConfigSchema.isDrive(key)) {
                String existing = vm.effectiveConf().get(key);
                if (existing != null && sameVolume(existing, e.getValue())) {
                    newValues.put(key, e.getValue());
                    continue;
                }
                newValues.put(key, createDisk(ctx, node, vm.vmid, key, e.getValue(), null, vm.effectiveConf(), allocated,
                        "unable to update VM " + vm.vmid + " -", vm.isTemplate()));
                // the guest OS lives on the disk: a new volume under this key brings its own (or none)
                vm.diskOs.remove(key);
                importedSystem(e.getValue()).ifPresent(sys -> vm.diskOs.put(key, sys));
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
                replaceDrive(vm, e.getKey(), e.getValue());
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
                deleteOption(vm, k);
            }
        }
    }

    /** A replaced or deleted disk's volume becomes {@code unusedN}, as qemu-server's vmconfig_delete_or_detach_drive does. */
    private void replaceDrive(Vm vm, String key, String newValue) {
        String old = vm.conf.get(key);
        if (old != null && ConfigSchema.isDrive(key) && !sameVolume(old, newValue)) {
            detach(vm, old);
        }
    }

    private void deleteOption(Vm vm, String key) {
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

    private void detach(Vm vm, String driveValue) {
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

    private void destroyVolumeIfUnreferenced(Vm vm, String volid) {
        if (!ownedBy(volid, vm.vmid) || vm.references(volid)) {
            return;
        }
        resolveVolume(vm.node, volid).ifPresent(v -> v.pool().volumes.remove(v.name()));
    }

    private boolean hotpluggable(Vm vm, String key) {
        if (HOTPLUG_ALWAYS.contains(key)) {
            return true;
        }
        Set<String> hotplug = new TreeSet<>(splitList(vm.conf.getOrDefault("hotplug", "network,disk,usb")));
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
    public synchronized Upid resizeVm(String node, int vmid, String disk, String size, String digest) {
        settle();
        load(node, vmid);
        Matcher m = RESIZE.matcher(size == null ? "" : size);
        if (!m.matches()) {
            throw new ParameterRejectedException(node, vmid, Map.of("size", "value does not match the regex pattern"));
        }
        if (!ConfigSchema.isDrive(disk)) {
            throw new ParameterRejectedException(node, vmid, Map.of("disk", "value '" + disk
                    + "' does not have a value in the enumeration of disk names"));
        }
        return startTask("resize", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            // PVE::API2::Qemu resize_vm, all inside the worker's lock_config
            Vm vm = loadInWorker(node, vmid);
            if (digest != null && !digest.equals(vm.digest())) {
                throw new TaskError("checksum mismatch (file change by other user?)");
            }
            checkLockInWorker(vm);
            String value = vm.conf.get(disk);
            if (value == null) {
                throw new TaskError("disk '" + disk + "' does not exist");
            }
            PropertyString drive = PropertyString.parse(value, "file");
            String volid = drive.get("file").orElse("");
            if (volid.isEmpty() || volid.equals("none")) {
                throw new TaskError("disk '" + disk + "' has no associated volume");
            }
            if (isCdrom(drive)) {
                throw new TaskError("you can't resize a cdrom");
            }
            Volume vol = resolveVolume(node, volid).orElseThrow(
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
                throw new TaskError(notEnoughSpace(pool, newSize - current));
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

    // =====================================================================================
    // power
    // =====================================================================================

    /** {@code vm_start}: the {@code qmstart} task. Template, lock and "already running" are the worker's errors. */
    public synchronized Upid vmStart(String node, int vmid) {
        settle();
        load(node, vmid);
        return startTask("qmstart", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            // PVE::QemuServer::vm_start
            Vm vm = loadInWorker(node, vmid);
            if (vm.isTemplate()) {
                throw new TaskError("you can't start a vm if it's a template");
            }
            checkLockInWorker(vm);
            if (vm.power != PowerState.STOPPED) {
                throw new TaskError("VM " + vmid + " already running");
            }
            checkCicustom(node, vm.effectiveConf());
            ctx.onEnd(() -> vm.boot(now()));
        }, null);
    }

    /** {@code vm_stop}: hard stop; a stopped VM stays stopped and the task ends OK. */
    public synchronized Upid vmStop(String node, int vmid) {
        settle();
        load(node, vmid);
        return startTask("qmstop", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            // PVE::QemuServer::_do_vm_stop: nothing to do if not running, else check_lock
            Vm vm = loadInWorker(node, vmid);
            if (vm.power == PowerState.STOPPED) {
                return;
            }
            checkLockInWorker(vm);
            ctx.onEnd(vm::halt);
        }, null);
    }

    /** {@code vm_shutdown} with Proxmox's default timeout of 60 s. */
    public synchronized Upid vmShutdown(String node, int vmid, boolean forceStop) {
        return vmShutdown(node, vmid, forceStop, null);
    }

    /**
     * {@code vm_shutdown}: a paused VM is refused unless {@code forceStop}. A guest powers off when
     * asked, unless it has ACPI off ({@code acpi: 0}) and no answering agent: then the task runs for
     * {@code timeout} (null: 60 s) and fails, or with {@code forceStop} stops the VM with a warning.
     */
    public synchronized Upid vmShutdown(String node, int vmid, boolean forceStop, Duration timeout) {
        settle();
        Vm pre = load(node, vmid);
        if (!forceStop && pre.power == PowerState.PAUSED) {
            // PVE::API2::Qemu vm_shutdown
            throw new WrongStateException("VM is paused - cannot shutdown", node, vmid);
        }
        boolean ignores = pre.power != PowerState.STOPPED && "0".equals(pre.conf.get("acpi")) && !agentAnswering(pre);
        Duration wait = timeout == null ? Duration.ofSeconds(60) : timeout;
        return startTask("qmshutdown", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ignores ? wait : null, ctx -> {
            // PVE::QemuServer::_do_vm_stop with $shutdown
            Vm vm = loadInWorker(node, vmid);
            if (vm.power == PowerState.STOPPED) {
                return;
            }
            checkLockInWorker(vm);
            if (ignores) {
                if (!forceStop) {
                    ctx.failAtEnd("VM quit/powerdown failed - got timeout");
                    return;
                }
                ctx.warn("VM still running - terminating now with SIGTERM");
            }
            ctx.onEnd(vm::halt);
        }, null);
    }

    /** {@code vm_reboot}: shutdown and start, applying pending changes. */
    public synchronized Upid vmReboot(String node, int vmid) {
        settle();
        Vm pre = load(node, vmid);
        // PVE::API2::Qemu vm_reboot
        if (pre.power == PowerState.PAUSED) {
            throw new WrongStateException("VM is paused - cannot shutdown", node, vmid);
        }
        if (pre.power == PowerState.STOPPED) {
            throw new WrongStateException("VM " + vmid + " not running", node, vmid);
        }
        return startTask("qmreboot", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            Vm vm = loadInWorker(node, vmid);
            checkLockInWorker(vm);
            ctx.onEnd(() -> {
                vm.halt();
                vm.boot(now());
            });
        }, null);
    }

    /** {@code vm_suspend} (to RAM): the VM becomes paused. */
    public synchronized Upid vmSuspend(String node, int vmid) {
        settle();
        Vm pre = load(node, vmid);
        if (pre.power == PowerState.STOPPED) {
            // PVE::API2::Qemu vm_suspend
            throw new WrongStateException("VM " + vmid + " not running", node, vmid);
        }
        return startTask("qmsuspend", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            Vm vm = loadInWorker(node, vmid);
            checkLockInWorker(vm);
            ctx.onEnd(() -> {
                if (vm.power == PowerState.RUNNING) {
                    vm.power = PowerState.PAUSED;
                }
            });
        }, null);
    }

    /** {@code vm_resume}: a paused VM runs again. */
    public synchronized Upid vmResume(String node, int vmid) {
        settle();
        Vm pre = load(node, vmid);
        if (pre.power == PowerState.STOPPED) {
            // PVE::API2::Qemu vm_resume
            throw new WrongStateException("VM " + vmid + " not running", node, vmid);
        }
        return startTask("qmresume", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            Vm vm = loadInWorker(node, vmid);
            ctx.onEnd(() -> {
                if (vm.power == PowerState.PAUSED) {
                    vm.power = PowerState.RUNNING;
                }
            });
        }, null);
    }

    // =====================================================================================
    // clone / template / destroy
    // =====================================================================================

    /**
     * {@code clone_vm} ({@code POST .../clone}): {@code params} may hold {@code name},
     * {@code description}, {@code target}, {@code full} (0/1; default: full unless the source is a
     * template), {@code storage}, {@code format}, {@code snapname} and {@code pool}. Returns the
     * {@code qmclone} task, which runs under the source's VMID as in Proxmox.
     */
    public synchronized Upid cloneVm(String node, int vmid, int newid, Map<String, String> params) {
        settle();
        requireNode(node);
        checkVmid("newid", newid);
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
        return startTask("qmclone", node, vmid, sourceRunning ? Set.of(vmid, newid) : Set.of(newid),
                sourceRunning ? Set.of() : Set.of(vmid), Duration.ofSeconds(1), null,
                storageLocks ? cloneStorageLock(check, targetNode, storage) : null, ctx -> {
                    CloneCheck again = checkClone(node, vmid, newid, finalTarget, storage, snapname, p.get("full"));
                    if (vms.containsKey(newid)) {
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
                    Vm clone = new Vm(newid, targetNode);
                    clone.conf.put("lock", "clone");
                    vms.put(newid, clone);
                    TreeMap<String, String> conf = new TreeMap<>();
                    Map<String, String> old = again.oldConf;
                    // the clone's disks carry the source's guest OS (a snapshot's, when cloning one)
                    settleGuest(again.source);
                    Map<String, GuestSystem> systems = copySystems(snapname == null ? again.source.diskOs
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
                            PropertyString net = ConfigSchema.parseNet(value).with("macaddr", randomMac());
                            conf.put(opt, ConfigSchema.printNet(net));
                        } else if (ConfigSchema.isDrive(opt)) {
                            conf.put(opt, cloneDisk(ctx, node, targetNode, newid, opt, value, again.full, storage, allocated));
                        } else {
                            conf.put(opt, value);
                        }
                    }
                    conf.put("smbios1", PropertyString.parse(conf.getOrDefault("smbios1", ""))
                            .with("uuid", uuid()).format());
                    if (conf.containsKey("vmgenid")) {
                        conf.put("vmgenid", uuid());
                    }
                    conf.put("name", p.containsKey("name") ? p.get("name") : "Copy-of-VM-" + old.getOrDefault("name", String.valueOf(vmid)));
                    if (p.get("description") != null && !p.get("description").isEmpty()) {
                        conf.put("description", p.get("description"));
                    }
                    conf.put("meta", "creation-qemu=9.2.0,ctime=" + now().getEpochSecond());
                    ctx.onEnd(() -> {
                        clone.conf.clear();
                        clone.conf.putAll(conf);
                        systems.keySet().retainAll(conf.keySet());
                        clone.diskOs.putAll(systems);
                    });
                }, () -> {
                    for (String[] vol : allocated) {
                        pool(targetNode, vol[0]).ifPresent(pl -> pl.volumes.remove(vol[1]));
                    }
                    Vm made = vms.get(newid);
                    if (made != null && "clone".equals(made.conf.get("lock"))) {
                        vms.remove(newid);
                    }
                });
    }

    private record CloneCheck(Vm source, Map<String, String> oldConf, boolean full) {
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
                if (isCdrom(drive) || isCloudinit(volid)) {
                    continue;
                }
                Matcher m = VOLID.matcher(volid);
                if (m.matches()) {
                    storeid = m.group(1);
                    break;
                }
            }
        }
        if (storeid == null) {
            return null;
        }
        boolean sharedStorage = pool(targetNode, storeid).map(pl -> pl.spec.shared()).orElse(false);
        return sharedStorage
                ? new StorageLock("cfs:" + storeid, "cfs-lock 'storage-" + storeid + "' error: got lock request timeout")
                : new StorageLock(targetNode + ":" + storeid,
                        "can't lock file '/var/lock/pve-manager/pve-storage-" + storeid + "' - got timeout");
    }

    private CloneCheck checkClone(String node, int vmid, int newid, String target, String storage, String snapname,
                                  String fullParam) {
        if (target != null) {
            requireNode(target);
        }
        if (storage != null) {
            Pool pl = pool(target == null ? node : target, storage).orElseThrow(() ->
                    new ParameterRejectedException(node, vmid, Map.of("storage", "storage '" + storage + "' does not exist")));
            if (!pl.spec.holds("images")) {
                throw new ParameterRejectedException(node, vmid, Map.of("storage",
                        "storage '" + storage + "' does not support vm images"));
            }
            if (target != null && !pl.spec.shared()) {
                throw new WrongStateException("can't clone to non-shared storage '" + storage + "'", node, vmid);
            }
        }
        Vm vm = load(node, vmid);
        checkLock(vm);
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
            Optional<Volume> vol = resolveVolume(node, volid);
            if (vol.isPresent() && !vol.get().pool().spec.shared()) {
                sharedVm = false;
            }
            if (isCdrom(drive)) {
                continue;
            }
            if (!full && !isCloudinit(volid) && !(vol.isPresent() && vol.get().isBase())) {
                // PVE::API2::Qemu clone_vm: volume_has_feature('clone') holds only for base volumes
                throw new WrongStateException("Linked clone feature is not supported for"
                        + (snapname != null ? " a snapshot of" : "") + " '" + volid + "' (" + e.getKey() + ")", node, vmid);
            }
        }
        if (target != null && !sharedVm) {
            throw new WrongStateException("can't clone VM to node '" + target + "' (VM uses local storage)", node, vmid);
        }
        if (vms.containsKey(newid)) {
            Vm other = vms.get(newid);
            throw new AlreadyExistsException(other.node.equals(target == null ? node : target)
                    ? "unable to create VM " + newid + ": config file already exists"
                    : "VM " + newid + " already exists on node '" + other.node + "'", node, newid);
        }
        return new CloneCheck(vm, new TreeMap<>(oldConf), full);
    }

    private String cloneDisk(Ctx ctx, String node, String targetNode, int newid, String opt, String value, boolean full,
                             String storage, List<String[]> allocated) {
        PropertyString drive = PropertyString.parse(value, "file");
        String volid = drive.get("file").orElse("");
        if (isCdrom(drive) && !isCloudinit(volid)) {
            return value;
        }
        Volume src = resolveVolume(node, volid).orElseThrow(() -> new TaskError("volume '" + volid + "' does not exist"));
        String storeid = storage != null ? storage : src.pool().spec.id();
        Pool dst = pool(targetNode, storeid).orElseThrow(() -> new TaskError("storage '" + storeid + "' does not exist"));
        if (isCloudinit(volid)) {
            String name = cloudinitName(dst, newid);
            allocate(dst, name, CLOUDINIT_SIZE, allocated);
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
        allocate(dst, name, src.size(), allocated);
        return drive.with("file", storeid + ":" + name).with("size", new DiskSize(src.size()).toString()).format();
    }

    /**
     * {@code template} ({@code POST .../template}): converts a stopped VM without snapshots into a
     * template; its disks become {@code base-<vmid>-disk-<n>}. Returns the {@code qmtemplate} task.
     */
    public synchronized Upid template(String node, int vmid) {
        settle();
        templateChecks(node, vmid);
        return startTask("qmtemplate", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            Vm vm;
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
                    if (isCdrom(drive) || isCloudinit(volid)) {
                        continue;
                    }
                    Optional<Volume> vol = resolveVolume(node, volid);
                    if (vol.isEmpty() || vol.get().isBase() || !ownedBy(volid, vmid)) {
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

    private Vm templateChecks(String node, int vmid) {
        // PVE::API2::Qemu template $load_and_check
        Vm vm = load(node, vmid);
        checkLock(vm);
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
    public synchronized Upid destroyVm(String node, int vmid, boolean purge, boolean destroyUnreferencedDisks) {
        settle();
        destroyChecks(node, vmid);
        return startTask("qmdestroy", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            Vm vm;
            try {
                vm = destroyChecks(node, vmid);
            } catch (HypervisorException e) {
                throw new TaskError(e.getMessage());
            }
            checkLockInWorker(vm);
            Set<String> volids = vm.referencedVolumes();
            for (String volid : volids) {
                Optional<Volume> vol = resolveVolume(node, volid);
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
                    if (ownedBy(volid, vmid)) {
                        resolveVolume(node, volid).ifPresent(v -> v.pool().volumes.remove(v.name()));
                    }
                }
                if (destroyUnreferencedDisks) {
                    for (Pool pl : pools) {
                        if (pl.visibleOn(node)) {
                            pl.volumes.keySet().removeIf(n -> ownedBy(n, vmid));
                        }
                    }
                }
                vms.remove(vmid);
            });
        }, null);
    }

    private Vm destroyChecks(String node, int vmid) {
        // PVE::API2::Qemu destroy_vm $early_checks
        Vm vm = load(node, vmid);
        if ("1".equals(vm.conf.get("protection"))) {
            // PVE::AbstractConfig::check_protection
            throw new WrongStateException("can't remove VM " + vmid + " - protection mode enabled", node, vmid);
        }
        if (vm.power != PowerState.STOPPED) {
            throw new WrongStateException("VM " + vmid + " is running - destroy failed", node, vmid);
        }
        return vm;
    }

    // =====================================================================================
    // snapshots
    // =====================================================================================

    /** {@code snapshot} ({@code POST .../snapshot}): the {@code qmsnapshot} task. */
    public synchronized Upid snapshot(String node, int vmid, String snapname, boolean vmstate, String description) {
        settle();
        checkSnapname(node, vmid, snapname);
        if (snapname.equals("current")) {
            // PVE::API2::Qemu snapshot
            throw new ParameterRejectedException(node, vmid, Map.of("snapname", "unable to use snapshot name 'current' (reserved name)"));
        }
        if (snapname.equalsIgnoreCase("pending")) {
            throw new ParameterRejectedException(node, vmid, Map.of("snapname", "unable to use snapshot name 'pending' (reserved name)"));
        }
        load(node, vmid);
        return startTask("qmsnapshot", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            // PVE::AbstractConfig::__snapshot_prepare
            Vm vm = loadInWorker(node, vmid);
            if (vm.isTemplate()) {
                throw new TaskError("you can't take a snapshot if it's a template");
            }
            checkLockInWorker(vm);
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
                snap.put("snaptime", Long.toString(now().getEpochSecond()));
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
                settleGuest(vm);
                vm.snapshotOs.put(snapname, copySystems(vm.diskOs));
                vm.conf.put("parent", snapname);
                vm.conf.remove("lock");
            });
        }, null);
    }

    /** {@code rollback}: stops the VM, restores the snapshot's config and disk sizes; the {@code qmrollback} task. */
    public synchronized Upid rollback(String node, int vmid, String snapname, boolean start) {
        settle();
        load(node, vmid);
        return startTask("qmrollback", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            // PVE::AbstractConfig::snapshot_rollback
            Vm vm = loadInWorker(node, vmid);
            if (vm.isTemplate()) {
                throw new TaskError("you can't rollback if vm is a template");
            }
            Map<String, String> snap = vm.snapshots.get(snapname);
            if (snap == null) {
                throw new TaskError("snapshot '" + snapname + "' does not exist");
            }
            checkLockInWorker(vm);
            vm.conf.put("lock", "rollback");
            ctx.onEnd(() -> {
                vm.halt();
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
                vm.diskOs.putAll(copySystems(vm.snapshotOs.getOrDefault(snapname, Map.of())));
                for (Map.Entry<String, String> e : conf.entrySet()) {
                    if (ConfigSchema.isDrive(e.getKey())) {
                        PropertyString drive = PropertyString.parse(e.getValue(), "file");
                        Optional<String> size = drive.get("size");
                        Optional<Volume> vol = resolveVolume(node, drive.get("file").orElse(""));
                        if (size.isPresent() && vol.isPresent()) {
                            vol.get().pool().volumes.put(vol.get().name(), DiskSize.parse(size.get()).bytes());
                        }
                    }
                }
                if (snap.containsKey("vmstate") || start) {
                    vm.boot(now());
                }
            });
        }, null);
    }

    /** {@code delsnapshot}: the {@code qmdelsnapshot} task. */
    public synchronized Upid delsnapshot(String node, int vmid, String snapname) {
        settle();
        load(node, vmid);
        return startTask("qmdelsnapshot", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            // PVE::AbstractConfig::snapshot_delete
            Vm vm = loadInWorker(node, vmid);
            if (vm.isTemplate()) {
                throw new TaskError("you can't delete a snapshot if vm is a template");
            }
            Map<String, String> snap = vm.snapshots.get(snapname);
            if (snap == null) {
                throw new TaskError("snapshot '" + snapname + "' does not exist");
            }
            checkLockInWorker(vm);
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

    // =====================================================================================
    // guest agent
    // =====================================================================================

    /** {@code agent/ping}: returns when the agent answers. */
    public synchronized void agentPing(String node, int vmid) {
        settle();
        assertAgentAvailable(node, vmid);
    }

    /** {@code agent/network-get-interfaces}: {@code lo} and one interface per NIC, with cloud-init's addresses. */
    public synchronized List<GuestInterface> agentNetworkGetInterfaces(String node, int vmid) {
        settle();
        Vm vm = assertAgentAvailable(node, vmid);
        List<GuestInterface> out = new ArrayList<>();
        out.add(new GuestInterface("lo", "00:00:00:00:00:00", List.of(
                new GuestInterface.Address("ipv4", "127.0.0.1", 8), new GuestInterface.Address("ipv6", "::1", 128))));
        int index = 0;
        for (int i = 0; i <= 31; i++) {
            String net = vm.conf.get("net" + i);
            if (net == null) {
                continue;
            }
            String mac = ConfigSchema.parseNet(net).get("macaddr").orElse("").toLowerCase(Locale.ROOT);
            List<GuestInterface.Address> addresses = new ArrayList<>();
            String ip = vm.addresses.get(i);
            if (ip != null) {
                String[] parts = ip.split("/");
                addresses.add(new GuestInterface.Address("ipv4", parts[0], Integer.parseInt(parts[1])));
            }
            out.add(new GuestInterface("eth" + index++, mac, addresses));
        }
        return out;
    }

    /** {@code agent/exec}: starts {@code command} in the guest and returns its PID. */
    public synchronized int agentExec(String node, int vmid, List<String> command, String inputData) {
        settle();
        Vm vm = assertAgentAvailable(node, vmid);
        if ((command == null || command.isEmpty()) && inputData == null) {
            // PVE::QemuServer::Agent::qemu_exec
            throw new ParameterRejectedException(node, vmid, Map.of("command", "command or input-data (or both) required"));
        }
        List<String> argv = command == null ? List.of() : List.copyOf(command);
        int pid = vm.nextExecPid++;
        if (guest != null) {
            GuestBehaviour.Outcome outcome = guest.exec(new GuestBehaviour.Guest(vmid, node, vm.effectiveConf(),
                    vm.conf.getOrDefault("name", "VM" + vmid)), argv, inputData);
            vm.execs.put(pid, new Exec(now().plus(outcome.runtime()), outcome, null));
            return pid;
        }
        GuestSystem os = vm.bootOs();
        String name = argv.isEmpty() ? "" : argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
        Instant ciEnd = os.cloudInitEnd();
        if (name.equals("cloud-init") && argv.contains("status") && argv.contains("--wait") && ciEnd != null) {
            // cloudinit/cmd/status.py: --wait polls until cloud-init is no longer running; the
            // process exits (and is recorded) only then
            boolean longForm = argv.contains("--long");
            vm.execs.put(pid, new Exec(ciEnd, null, () -> {
                settleGuest(vm);
                String format = GuestCommands.statusFormat(argv);
                GuestSystem.Outcome o = os.cloudInitStatus(longForm, format == null ? "tabular" : format);
                os.commands.add(new GuestState.Command("agent", argv, o.exitCode()));
                return new GuestBehaviour.Outcome(o.exitCode(), o.stdout(), o.stderr(), Duration.ZERO);
            }));
            return pid;
        }
        GuestSystem.Outcome o = os.exec(argv, inputData);
        vm.execs.put(pid, new Exec(now(), new GuestBehaviour.Outcome(o.exitCode(), o.stdout(), o.stderr(), Duration.ZERO), null));
        return pid;
    }

    /** {@code agent/exec-status}. */
    public synchronized GuestExecStatus agentExecStatus(String node, int vmid, int pid) {
        settle();
        Vm vm = assertAgentAvailable(node, vmid);
        Exec exec = vm.execs.get(pid);
        if (exec == null) {
            // what qemu-guest-agent answers for an unknown PID, relayed by check_agent_error
            throw new NotFoundException("Agent error: Invalid parameter 'pid'", node, vmid);
        }
        if (now().isBefore(exec.endsAt)) {
            return GuestExecStatus.running();
        }
        GuestBehaviour.Outcome outcome = exec.outcome();
        if (outcome == null) {
            outcome = exec.late().get();
            vm.execs.put(pid, new Exec(exec.endsAt(), outcome, null));
        }
        return new GuestExecStatus(true, outcome.exitCode(), outcome.stdout(), outcome.stderr());
    }

    /**
     * Whether the agent answers: the VM's config enables it, the VM runs, its boot disk holds an
     * OS that is up, and qemu-guest-agent is installed and running in it. The stock Ubuntu cloud
     * image has no qemu-guest-agent, so without user-data that installs and starts it the agent
     * never answers.
     */
    private boolean agentAnswering(Vm vm) {
        if (!vm.agentEnabled() || vm.power != PowerState.RUNNING || vm.startedAt == null
                || now().isBefore(vm.startedAt.plus(guestBootDelay))) {
            return false;
        }
        GuestSystem os = vm.bootOs();
        if (os == null) {
            return false;
        }
        settleGuest(vm);
        return os.agentRunning();
    }

    /**
     * A read-only picture of the guest OS on {@code vmid}'s boot disk, for tests: packages,
     * services, users, files, mounts, cloud-init's status and the commands run. A VM whose boot
     * disk holds no OS gives {@link GuestState#noOs()}.
     */
    public synchronized GuestState guest(int vmid) {
        settle();
        Vm vm = vms.get(vmid);
        if (vm == null) {
            throw new NotFoundException("Configuration file 'qemu-server/" + vmid + ".conf' does not exist", null, vmid);
        }
        settleGuest(vm);
        GuestSystem os = vm.bootOs();
        return os == null ? GuestState.noOs() : os.view();
    }

    private void settleGuest(Vm vm) {
        for (GuestSystem os : vm.diskOs.values()) {
            os.settle(now());
        }
    }

    /** The guest OS a drive value brings: a fresh system when it imports a known cloud image. */
    private Optional<GuestSystem> importedSystem(String driveValue) {
        return PropertyString.parse(driveValue, "file").get("import-from").flatMap(guestImages::imageFor).map(GuestSystem::new);
    }

    private static Map<String, GuestSystem> copySystems(Map<String, GuestSystem> from) {
        Map<String, GuestSystem> out = new TreeMap<>();
        from.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    private Vm assertAgentAvailable(String node, int vmid) {
        // PVE::QemuServer::Agent::assert_agent_available
        Vm vm = load(node, vmid);
        if (!vm.conf.containsKey("agent")) {
            throw new WrongStateException("No QEMU guest agent configured", node, vmid);
        }
        if (vm.power == PowerState.STOPPED) {
            throw new WrongStateException("VM " + vmid + " is not running", node, vmid);
        }
        if (!agentAnswering(vm)) {
            throw new WrongStateException("QEMU guest agent is not running", node, vmid);
        }
        return vm;
    }

    // =====================================================================================
    // tasks
    // =====================================================================================

    /** {@code GET /nodes/{node}/tasks/{upid}/status}. */
    public synchronized TaskStatus taskStatus(Upid upid) {
        settle();
        TaskState t = task(upid);
        return t.done ? TaskStatus.stopped(upid, t.exitStatus) : TaskStatus.running(upid);
    }

    /** {@code GET /nodes/{node}/tasks/{upid}/log}: every line so far, the last one {@code TASK ...} once it ended. */
    public synchronized List<String> taskLog(Upid upid) {
        settle();
        return List.copyOf(task(upid).log);
    }

    /** When the task ended, if it has. */
    public synchronized Optional<Instant> taskEnd(Upid upid) {
        settle();
        TaskState t = task(upid);
        return t.done ? Optional.of(t.end) : Optional.empty();
    }

    /** {@code GET /nodes/{node}/tasks}: the node's tasks, oldest first. */
    public synchronized List<Upid> tasks(String node) {
        settle();
        requireNode(node);
        return tasks.values().stream().map(t -> t.upid).filter(u -> u.node().equals(node)).toList();
    }

    private TaskState task(Upid upid) {
        TaskState t = tasks.get(upid.toString());
        if (t == null) {
            // pve-manager PVE::API2::Tasks read_task_status: raise_param_exc({ upid => "no such task" }),
            // so an HTTP face answers 400 with that parameter error
            throw new NotFoundException("no such task", upid.node(), null);
        }
        return t;
    }

    // =====================================================================================
    // files on storages: snippets, ISO images, import images, templates
    // =====================================================================================

    /** The file content types pve-storage keeps as files under a path ({@code $vtype_subdirs}). */
    private static final Set<String> FILE_CONTENT = Set.of("iso", "snippets", "import", "vztmpl");

    /**
     * {@code GET /storage/{storage}} (pve-storage {@code PVE::API2::Storage::Config} read): the
     * storage's declaration. Throws {@link NotFoundException} {@code storage 'x' does not exist}.
     */
    public synchronized StorageSpec storageConfig(String storage) {
        for (Pool p : pools) {
            if (p.spec.id().equals(storage)) {
                return p.spec;
            }
        }
        // PVE::Storage::storage_config
        throw new NotFoundException("storage '" + storage + "' does not exist", null, null);
    }

    /** One file of a storage's listing ({@code GET .../content}). */
    public record FileVolume(String volid, String content, String format, long size) {
    }

    /**
     * {@code GET /nodes/{node}/storage/{storage}/content?content=...} for the file content types
     * ({@code null}: all of them): the files of each type the storage allows, sorted by volume id
     * (pve-storage {@code PVE::Storage::volume_list}: types the storage does not hold list nothing).
     */
    public synchronized List<FileVolume> fileVolumes(String node, String storage, String content) {
        settle();
        Pool pl = storagePool(node, storage);
        List<FileVolume> out = new ArrayList<>();
        for (String type : new TreeSet<>(FILE_CONTENT)) {
            if ((content != null && !content.equals(type)) || !pl.spec.holds(type)) {
                continue;
            }
            String prefix = type + "/";
            for (Map.Entry<String, Long> v : pl.volumes.entrySet()) {
                String name = v.getKey();
                if (name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                    ai.thinkheads.phoenix.hypervisor.StorageContent.fromWord(type).ifPresent(c -> out.add(new FileVolume(
                            storage + ":" + name, type, c.formatOf(name.substring(prefix.length())), v.getValue())));
                }
            }
        }
        out.sort((a, b) -> a.volid().toLowerCase(Locale.ROOT).compareTo(b.volid().toLowerCase(Locale.ROOT)));
        return out;
    }

    /**
     * The bytes of a file volume ({@code local:snippets/user.yaml}, {@code local:iso/seed.iso})
     * as {@code node} sees it; empty when there is no such volume or it holds no file content
     * (a disk image).
     */
    public synchronized Optional<byte[]> volumeContent(String node, String volid) {
        settle();
        if (node == null || !nodes.containsKey(node)) {
            return Optional.empty();
        }
        return resolveVolume(node, volid).map(v -> v.pool().contents.get(v.name())).map(byte[]::clone);
    }

    /**
     * {@code POST /nodes/{node}/storage/{storage}/upload} (pve-storage {@code PVE/API2/Storage/Status.pm}
     * upload), after pveproxy has stored the file part: checks in the handler's order and with its
     * words, then forks an {@code imgcopy} worker that copies the file into place (replacing a file
     * of that name) when it ends. {@code filename} is normalized as Proxmox does
     * ({@code normalize_content_filename}).
     */
    public synchronized Upid uploadVolume(String node, String storage, String content, String filename, byte[] data) {
        settle();
        requireNode(node);
        Pool pl = enabledPool(node, storage);
        if (pl.spec.path() == null) {
            throw new HypervisorException("can't upload to storage type '" + pl.spec.type() + "'", node, null);
        }
        String name = ai.thinkheads.phoenix.hypervisor.StorageContent.normalizeFilename(filename);
        ai.thinkheads.phoenix.hypervisor.StorageContent type = switch (content) {
            case "iso", "vztmpl", "import" -> ai.thinkheads.phoenix.hypervisor.StorageContent.fromWord(content).orElseThrow();
            default -> throw new ParameterRejectedException(node, null,
                    Map.of("content", "upload content type '" + content + "' not allowed"));
        };
        Map<String, String> errors = type.filenameErrors(name);
        if (!errors.isEmpty()) {
            throw new ParameterRejectedException(node, null, errors);
        }
        requireContent(pl, node, content);
        byte[] copy = data.clone();
        String volname = type.volname(name);
        String dest = pl.spec.directoryFor(content).orElseThrow() + "/" + name;
        String tmp = "/var/tmp/pveupload-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
        return startTask("imgcopy", node, "", 0, Set.of(), Set.of(), Duration.ofSeconds(1), null, ctx -> {
            ctx.log("starting file import from: " + tmp);
            ctx.log("target node: " + node);
            ctx.log("target file: " + dest);
            ctx.log("file size is: " + copy.length);
            ctx.log("command: cp -- " + tmp + " " + dest);
            long growth = copy.length - pl.volumes.getOrDefault(volname, 0L);
            if (pl.used() + growth > pl.spec.capacityBytes()) {
                throw new TaskError("import failed: cp: error writing '" + dest + "': No space left on device");
            }
            ctx.onEnd(() -> {
                putFile(pl, volname, copy);
                ctx.log("finished file import successfully");
            });
        }, null);
    }

    /**
     * Writes a file volume at once, as a shell on the node would ({@code cat > <path>/snippets/x}):
     * the storage must exist on {@code node}, allow {@code content} ({@code storage 'x' does not
     * support 'snippets' content}, the words of pve-storage's upload handler) and have room.
     * Replaces a file of that name. Returns the volume id.
     */
    public synchronized String writeVolume(String node, String storage, String content, String filename, byte[] data) {
        settle();
        requireNode(node);
        Pool pl = enabledPool(node, storage);
        ai.thinkheads.phoenix.hypervisor.StorageContent type = ai.thinkheads.phoenix.hypervisor.StorageContent.fromWord(content)
                .orElseThrow(() -> new ParameterRejectedException(node, null,
                        Map.of("content", "content type '" + content + "' is not a file type")));
        Map<String, String> errors = type.filenameErrors(filename);
        if (!errors.isEmpty()) {
            throw new ParameterRejectedException(node, null, errors);
        }
        requireContent(pl, node, content);
        String volname = type.volname(filename);
        long growth = data.length - pl.volumes.getOrDefault(volname, 0L);
        if (pl.used() + growth > pl.spec.capacityBytes()) {
            throw new ConflictException(notEnoughSpace(pl, growth), node, null);
        }
        putFile(pl, volname, data.clone());
        return type.volid(storage, filename);
    }

    /**
     * Writes the file at absolute {@code path} on {@code node}, as {@code cat > path} does: the
     * path must be a file directly in a content directory of a path-based storage {@code node}
     * sees ({@code /var/lib/vz/snippets/user.yaml} is {@code local:snippets/user.yaml}). A shell does
     * not read {@code storage.cfg}, so the storage need not allow that content type (the file is
     * then just not listed). Returns the volume id; throws {@link NotFoundException} (with the
     * shell's {@code No such file or directory}) for any other path.
     */
    public synchronized String writeFile(String node, String path, byte[] data) {
        settle();
        requireNode(node);
        for (Pool pl : pools) {
            if (!pl.visibleOn(node)) {
                continue;
            }
            for (String type : FILE_CONTENT) {
                Optional<String> dir = pl.spec.directoryFor(type);
                if (dir.isEmpty() || !path.startsWith(dir.get() + "/")) {
                    continue;
                }
                String name = path.substring(dir.get().length() + 1);
                if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
                    continue;
                }
                String volname = type + "/" + name;
                long growth = data.length - pl.volumes.getOrDefault(volname, 0L);
                if (pl.used() + growth > pl.spec.capacityBytes()) {
                    throw new ConflictException(path + ": No space left on device", node, null);
                }
                putFile(pl, volname, data.clone());
                return pl.spec.id() + ":" + volname;
            }
        }
        throw new NotFoundException(path + ": No such file or directory", node, null);
    }

    /** The absolute path of a file volume on its storage ({@code pvesm path}); empty if the storage has none. */
    public synchronized Optional<String> filePath(String volid) {
        Matcher m = VOLID.matcher(volid == null ? "" : volid);
        if (!m.matches()) {
            return Optional.empty();
        }
        StorageSpec spec = storageConfig(m.group(1));
        String volname = m.group(2);
        int slash = volname.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        return spec.directoryFor(volname.substring(0, slash)).map(d -> d + volname.substring(slash));
    }

    /**
     * {@code DELETE /nodes/{node}/storage/{storage}/content/{volume}} (pve-storage
     * {@code PVE/API2/Storage/Content.pm} delete): forks an {@code imgdel} worker
     * ({@code PVE::Storage::vdisk_free}). A volume that is not there only warns, as the dir plugin's
     * {@code free_image} does ({@code disk image '<path>' does not exist}).
     */
    public synchronized Upid deleteVolume(String node, String volid) {
        settle();
        requireNode(node);
        Matcher m = VOLID.matcher(volid == null ? "" : volid);
        if (!m.matches()) {
            // PVE::Storage::parse_volume_id
            throw new HypervisorException("unable to parse volume ID '" + volid + "'", node, null);
        }
        String storage = m.group(1);
        String volname = m.group(2);
        Pool pl = enabledPool(node, storage);
        if (pl.spec.path() != null && !volname.matches("(iso|snippets|import|vztmpl)/[^/]+|images/\\d+/[^/]+|\\d+/[^/]+")) {
            throw new HypervisorException("unable to parse directory volume name '" + volname + "'", node, null);
        }
        String path = filePath(volid).orElse(volid);
        return startTask("imgdel", node, storage, 0, Set.of(), Set.of(), Duration.ofSeconds(1), null, ctx -> {
            if (!pl.volumes.containsKey(volname)) {
                ctx.warn("disk image '" + path + "' does not exist");
            } else {
                pl.volumes.remove(volname);
                pl.contents.remove(volname);
            }
            ctx.log("Removed volume '" + volid + "'");
        }, null);
    }

    private void putFile(Pool pl, String volname, byte[] data) {
        pl.volumes.put(volname, (long) data.length);
        pl.contents.put(volname, data);
    }

    /** PVE::Storage::storage_check_enabled: the storage exists and {@code node} may use it. */
    private Pool enabledPool(String node, String storage) {
        StorageSpec spec = storageConfig(storage);
        return pool(node, storage).orElseThrow(() -> new NotFoundException(
                "storage '" + spec.id() + "' is not available on node '" + node + "'", node, null));
    }

    private Pool storagePool(String node, String storage) {
        requireNode(node);
        return pool(node, storage).orElseThrow(() -> new NotFoundException(
                "storage '" + storage + "' does not exist", node, null));
    }

    private static void requireContent(Pool pl, String node, String content) {
        if (!pl.spec.holds(content)) {
            // pve-storage PVE/API2/Storage/Status.pm upload
            throw new ConflictException("storage '" + pl.spec.id() + "' does not support '" + content + "' content",
                    node, null);
        }
    }

    /**
     * qemu-server {@code PVE::QemuServer::Cloudinit::get_custom_cloudinit_files}, run when a VM
     * with a cloud-init drive starts: each {@code cicustom} volume must be a snippet
     * ({@code read_cloudinit_snippets_file}: {@code <volid> is not in the snippets directory}) and
     * exist ({@code PVE::Storage::abs_filesystem_path}: {@code can't find file '<volid>'}).
     */
    private void checkCicustom(String node, Map<String, String> conf) {
        String cicustom = conf.get("cicustom");
        boolean hasCloudinitDrive = conf.entrySet().stream().anyMatch(e -> ConfigSchema.isDrive(e.getKey())
                && isCloudinit(PropertyString.parse(e.getValue(), "file").get("file").orElse("")));
        if (cicustom == null || !hasCloudinitDrive) {
            return;
        }
        PropertyString files = PropertyString.parse(cicustom);
        for (String key : List.of("network", "user", "meta", "vendor")) {
            Optional<String> volid = files.get(key);
            if (volid.isEmpty()) {
                continue;
            }
            Matcher m = VOLID.matcher(volid.get());
            if (!m.matches() || !m.group(2).startsWith("snippets/")) {
                throw new TaskError(volid.get() + " is not in the snippets directory");
            }
            if (resolveVolume(node, volid.get()).isEmpty()) {
                throw new TaskError("can't find file '" + volid.get() + "'");
            }
        }
    }

    // =====================================================================================
    // test hooks
    // =====================================================================================

    /** Queues a fault for the next task it applies to (first queued, first used). */
    public synchronized void injectTaskFault(TaskFault fault) {
        faults.add(Objects.requireNonNull(fault, "fault"));
    }

    /**
     * Puts a volume on a storage, as an upload or an out-of-band {@code pvesm alloc} would: an
     * image to import from ({@code import/debian-12.qcow2}, {@code iso/x.iso}) or a stray disk.
     * Returns its volume id.
     */
    public synchronized String addVolume(String node, String storage, String volname, long sizeBytes) {
        settle();
        requireNode(node);
        Pool pl = pool(node, storage).orElseThrow(() -> new NotFoundException("storage '" + storage + "' does not exist", node, null));
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("size must be positive");
        }
        if (pl.used() + sizeBytes > pl.spec.capacityBytes()) {
            throw new ConflictException(notEnoughSpace(pl, sizeBytes), node, null);
        }
        pl.volumes.put(volname, sizeBytes);
        return storage + ":" + volname;
    }

    // =====================================================================================
    // machinery
    // =====================================================================================

    private void requireNode(String node) {
        if (node == null || !nodes.containsKey(node)) {
            // PVE::Cluster::check_node_exists
            throw new NotFoundException("no such cluster node '" + node + "'", node, null);
        }
    }

    private void checkVmid(String param, int vmid) {
        if (vmid < 100 || vmid > 999_999_999) {
            throw new ParameterRejectedException(null, vmid, Map.of(param, vmid < 100
                    ? "value must have a minimum value of 100" : "value must have a maximum value of 999999999"));
        }
    }

    /** PVE::AbstractConfig::load_config. */
    private Vm load(String node, int vmid) {
        requireNode(node);
        Vm vm = vms.get(vmid);
        if (vm == null || !vm.node.equals(node)) {
            throw new NotFoundException("Configuration file 'nodes/" + node + "/qemu-server/" + vmid + ".conf' does not exist",
                    node, vmid);
        }
        return vm;
    }

    private Vm loadInWorker(String node, int vmid) {
        try {
            return load(node, vmid);
        } catch (NotFoundException e) {
            throw new TaskError(e.getMessage());
        }
    }

    /** PVE::AbstractConfig::check_lock. */
    private void checkLock(Vm vm) {
        String lock = vm.conf.get("lock");
        if (lock != null) {
            throw new LockedException("VM is locked (" + lock + ")", vm.node, vm.vmid, lock);
        }
    }

    private void checkLockInWorker(Vm vm) {
        String lock = vm.conf.get("lock");
        if (lock != null) {
            throw new TaskError("VM is locked (" + lock + ")");
        }
    }

    /** pve-common PVE::Tools::lock_file_full's message for a flock not had in time. */
    private static String lockTimeout(int vmid) {
        return "can't lock file '/var/lock/qemu-server/lock-" + vmid + ".conf' - got timeout";
    }

    /** The time of the task event being processed, or the clock's time outside of one. */
    private Instant now() {
        return eventTime != null ? eventTime : clock.now();
    }

    private Instant lockFreeAt(int vmid, boolean exclusive) {
        Instant free = Instant.MIN;
        for (TaskState t : active) {
            if (t.exclusive.contains(vmid) || (exclusive && t.shared.contains(vmid))) {
                if (t.end.isAfter(free)) {
                    free = t.end;
                }
            }
        }
        return free;
    }

    /** A synchronous handler's lock_config: waits (on the clock) for running tasks, up to {@code timeout}. */
    private void acquireLockNow(String node, int vmid, Duration timeout) {
        Instant now = now();
        Instant free = lockFreeAt(vmid, true);
        if (!free.isAfter(now)) {
            return;
        }
        Duration wait = Duration.between(now, free);
        if (wait.compareTo(timeout) > 0) {
            sleep(timeout);
            settle();
            throw new LockedException(lockTimeout(vmid), node, vmid, null);
        }
        sleep(wait);
        settle();
    }

    private void sleep(Duration d) {
        try {
            clock.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("interrupted while waiting for a config lock", e);
        }
    }

    @FunctionalInterface
    private interface Worker {
        void run(Ctx ctx);
    }

    /** An error inside a worker: it becomes the task's exit status. */
    private static class TaskError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TaskError(String message) {
            super(message, null, false, false);
        }
    }

    /** A digest mismatch: a task error in a worker, {@link ConfigModifiedException} in a synchronous handler. */
    private static final class ConfigModifiedPending extends TaskError {
        private static final long serialVersionUID = 1L;

        ConfigModifiedPending(String message) {
            super(message);
        }
    }

    private final class Ctx {
        private final TaskState task;

        Ctx(TaskState task) {
            this.task = task;
        }

        void log(String line) {
            task.log.add(line);
        }

        void onEnd(Runnable r) {
            task.onEnd.add(r);
        }

        /** The worker dies with {@code message} when its time is up (e.g. after waiting for a timeout). */
        void failAtEnd(String message) {
            task.deferredError = message;
            task.onEnd.clear();
        }

        /** A Perl {@code warn} in a worker: logged, and counted into {@code WARNINGS: n}. */
        void warn(String message) {
            task.log.add("WARN: " + message);
            task.warnings++;
        }
    }

    private static final class TaskState {
        final Upid upid;
        final String type;
        final Set<Integer> exclusive;
        final Set<Integer> shared;
        /** The storage lock held for the whole task ({@code node:storage}, or {@code cfs:storage} when shared), or null. */
        String storageLock;
        final List<String> log = new ArrayList<>();
        final List<Runnable> onEnd = new ArrayList<>();
        Worker worker;
        Runnable onFail;
        TaskFault fault;
        String presetError;
        Instant begin;
        Instant end;
        Duration duration;
        boolean begun;
        boolean done;
        String error;
        String deferredError;
        int warnings;
        String exitStatus;

        TaskState(Upid upid, String type, Set<Integer> exclusive, Set<Integer> shared) {
            this.upid = upid;
            this.type = type;
            this.exclusive = new java.util.HashSet<>(exclusive);
            this.shared = new java.util.HashSet<>(shared);
        }
    }

    private Upid startTask(String type, String node, int vmid, Set<Integer> exclusive, Set<Integer> shared,
                           Duration lockTimeout, Worker worker, Runnable onFail) {
        return startTask(type, node, vmid, exclusive, shared, lockTimeout, null, worker, onFail);
    }

    private Upid startTask(String type, String node, int vmid, Set<Integer> exclusive, Set<Integer> shared,
                           Duration lockTimeout, Duration ownDuration, Worker worker, Runnable onFail) {
        return startTask(type, node, vmid, exclusive, shared, lockTimeout, ownDuration, null, worker, onFail);
    }

    /** A held storage lock: its key and the error a waiter that times out dies with. */
    private record StorageLock(String key, String timeoutError) {
        /** PVE::Tools::lock_file's default timeout, which cluster_lock_storage's callers leave in place. */
        static final Duration TIMEOUT = Duration.ofSeconds(10);
    }

    private Instant storageLockFreeAt(String key) {
        Instant free = Instant.MIN;
        for (TaskState t : active) {
            if (key.equals(t.storageLock) && t.end.isAfter(free)) {
                free = t.end;
            }
        }
        return free;
    }

    private Upid startTask(String type, String node, int vmid, Set<Integer> exclusive, Set<Integer> shared,
                           Duration lockTimeout, Duration ownDuration, StorageLock storageLock, Worker worker, Runnable onFail) {
        return startTask(type, node, Integer.toString(vmid), vmid, exclusive, shared, lockTimeout, ownDuration, storageLock,
                worker, onFail);
    }

    /** A task whose UPID carries {@code id} (a VMID, a storage id, or nothing, as fork_worker's second argument). */
    private Upid startTask(String type, String node, String upidId, int vmid, Set<Integer> exclusive, Set<Integer> shared,
                           Duration lockTimeout, Duration ownDuration, Worker worker, Runnable onFail) {
        return startTask(type, node, upidId, vmid, exclusive, shared, lockTimeout, ownDuration, null, worker, onFail);
    }

    private Upid startTask(String type, String node, String upidId, int vmid, Set<Integer> exclusive, Set<Integer> shared,
                           Duration lockTimeout, Duration ownDuration, StorageLock storageLock, Worker worker, Runnable onFail) {
        Instant now = now();
        Duration duration = ownDuration != null ? ownDuration : taskDurations.getOrDefault(type, defaultTaskDuration);
        TaskFault fault = null;
        for (Iterator<TaskFault> it = faults.iterator(); it.hasNext(); ) {
            TaskFault f = it.next();
            if (f.appliesTo(type)) {
                fault = f;
                it.remove();
                break;
            }
        }
        if (fault != null) {
            duration = duration.plus(fault.extraDuration());
        }
        long pid = nextPid++;
        long pstart = 100_000 + Duration.between(bootTime, now).toMillis() / 10;
        Upid upid = new Upid(node, pid & 0xFFFFFFFFL, pstart & 0xFFFFFFFFFL, now.getEpochSecond(), type,
                upidId, caller.get());
        TaskState t = new TaskState(upid, type, exclusive, shared);
        t.worker = worker;
        t.onFail = onFail;
        t.fault = fault;
        t.duration = duration;
        Instant free = Instant.MIN;
        int blocking = vmid;
        for (int id : exclusive) {
            Instant f = lockFreeAt(id, true);
            if (f.isAfter(free)) {
                free = f;
                blocking = id;
            }
        }
        for (int id : shared) {
            Instant f = lockFreeAt(id, false);
            if (f.isAfter(free)) {
                free = f;
                blocking = id;
            }
        }
        Instant storageFree = storageLock == null ? Instant.MIN : storageLockFreeAt(storageLock.key());
        if (free.isAfter(now) && Duration.between(now, free).compareTo(lockTimeout) > 0) {
            t.presetError = lockTimeout(blocking);
            t.begin = now;
            t.end = now.plus(lockTimeout);
            t.exclusive.clear();
            t.shared.clear();
        } else if (storageFree.isAfter(free.isAfter(now) ? free : now)
                && Duration.between(free.isAfter(now) ? free : now, storageFree).compareTo(StorageLock.TIMEOUT) > 0) {
            // the worker got its VM locks, then waited for the storage lock in vdisk_clone/vdisk_alloc and gave up
            t.presetError = storageLock.timeoutError();
            t.begin = free.isAfter(now) ? free : now;
            t.end = t.begin.plus(StorageLock.TIMEOUT);
        } else {
            Instant begin = free.isAfter(now) ? free : now;
            t.begin = storageFree.isAfter(begin) ? storageFree : begin;
            t.end = t.begin.plus(duration);
            t.storageLock = storageLock == null ? null : storageLock.key();
        }
        tasks.put(upid.toString(), t);
        active.add(t);
        settle();
        return upid;
    }

    /** Brings every task whose begin or end has come to that point, in time order. */
    private void settle() {
        Instant now = clock.now();
        while (true) {
            TaskState next = null;
            Instant at = null;
            for (TaskState t : active) {
                Instant when = t.begun ? t.end : t.begin;
                if (!when.isAfter(now) && (at == null || when.isBefore(at))) {
                    next = t;
                    at = when;
                }
            }
            if (next == null) {
                return;
            }
            if (!next.begun) {
                begin(next);
            } else {
                finish(next);
            }
        }
    }

    private void begin(TaskState t) {
        eventTime = t.begin;
        try {
            runWorker(t);
        } finally {
            eventTime = null;
        }
    }

    private void runWorker(TaskState t) {
        t.begun = true;
        if (t.presetError != null) {
            t.error = t.presetError;
            return;
        }
        if (t.fault != null && t.fault.error() != null) {
            t.error = t.fault.error();
            t.end = t.begin;
            return;
        }
        try {
            t.worker.run(new Ctx(t));
        } catch (TaskError e) {
            t.error = e.getMessage();
            t.onEnd.clear();
            t.end = t.begin;
            return;
        } catch (HypervisorException e) {
            t.error = e.getMessage();
            t.onEnd.clear();
            t.end = t.begin;
            return;
        }
        if (t.fault != null) {
            for (int i = 1; i <= t.fault.warnings(); i++) {
                t.log.add("WARN: injected warning " + i + " of " + t.fault.warnings());
            }
            t.warnings += t.fault.warnings();
        }
    }

    private void finish(TaskState t) {
        eventTime = t.end;
        try {
            complete(t);
        } finally {
            eventTime = null;
        }
    }

    private void complete(TaskState t) {
        t.done = true;
        if (t.error == null && t.deferredError != null) {
            t.error = t.deferredError;
        }
        active.remove(t);
        t.worker = null;
        if (t.error == null) {
            for (Runnable r : t.onEnd) {
                r.run();
            }
            if (t.warnings > 0) {
                t.exitStatus = "WARNINGS: " + t.warnings;
                t.log.add("TASK WARNINGS: " + t.warnings);
            } else {
                t.exitStatus = "OK";
                t.log.add("TASK OK");
            }
        } else {
            if (t.onFail != null) {
                t.onFail.run();
            }
            t.exitStatus = t.error;
            t.log.add(t.error);
            t.log.add("TASK ERROR: " + t.error);
        }
        t.onEnd.clear();
    }

    // ---- disks ---------------------------------------------------------------------------

    private record Volume(Pool pool, String name, long size) {
        boolean isBase() {
            Matcher m = OWNED.matcher(name);
            return m.find() && m.group(1).equals("base");
        }
    }

    private static final class Pool {
        final StorageSpec spec;
        final String node;
        final TreeMap<String, Long> volumes = new TreeMap<>();
        /** The bytes of file volumes (snippets, ISO images, import images, templates) by volume name. */
        final Map<String, byte[]> contents = new HashMap<>();

        Pool(StorageSpec spec, String node) {
            this.spec = spec;
            this.node = node;
        }

        boolean visibleOn(String n) {
            return node == null ? spec.visibleOn(n) : node.equals(n);
        }

        long used() {
            long sum = 0;
            for (long s : volumes.values()) {
                sum += s;
            }
            return sum;
        }
    }

    private Optional<Pool> pool(String node, String storage) {
        for (Pool p : pools) {
            if (p.spec.id().equals(storage) && p.visibleOn(node)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private Optional<Volume> resolveVolume(String node, String volid) {
        Matcher m = VOLID.matcher(volid == null ? "" : volid);
        if (!m.matches()) {
            return Optional.empty();
        }
        return pool(node, m.group(1)).flatMap(p -> {
            Long size = p.volumes.get(m.group(2));
            return size == null ? Optional.empty() : Optional.of(new Volume(p, m.group(2), size));
        });
    }

    private static boolean ownedBy(String volidOrName, int vmid) {
        String name = volidOrName.contains(":") ? volidOrName.substring(volidOrName.indexOf(':') + 1) : volidOrName;
        Matcher m = OWNED.matcher(name);
        return m.find() && Integer.parseInt(m.group(2)) == vmid;
    }

    private static boolean isCloudinit(String volid) {
        return volid.matches(".*(^|[:/])vm-\\d+-cloudinit(\\.[a-z0-9]+)?$");
    }

    private static boolean isCdrom(PropertyString drive) {
        return "cdrom".equals(drive.get("media").orElse(null));
    }

    private static boolean sameVolume(String a, String b) {
        return PropertyString.parse(a, "file").get("file").equals(PropertyString.parse(b, "file").get("file"));
    }

    /** PVE::API2::Qemu $check_storage_access: storage ids and content types before forking. */
    private void checkDriveParams(String node, int vmid, Map<String, String> params, String defaultStorage) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!ConfigSchema.isDrive(e.getKey())) {
                continue;
            }
            PropertyString drive = PropertyString.parse(e.getValue(), "file");
            String file = drive.get("file").orElse("");
            Matcher nd = NEW_DISK.matcher(file);
            Matcher vol = VOLID.matcher(file);
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
                Optional<Pool> pl = pool(node, storeid);
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
                } else if (!VOLID.matcher(src).matches()) {
                    errors.put(e.getKey(), "absolute paths are not supported by the simulated cluster");
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ParameterRejectedException(node, vmid, errors);
        }
    }

    /** PVE::API2::Qemu $create_disks for one drive, inside the worker. */
    private String createDisk(Ctx ctx, String node, int vmid, String key, String value, String defaultStorage,
                              Map<String, String> conf, List<String[]> allocated, String emsg, boolean template) {
        PropertyString drive = PropertyString.parse(value, "file");
        String file = drive.get("file").orElse("");
        if (file.equals("none") || file.equals("cdrom")) {
            return drive.with("size", null).format();
        }
        Matcher vol = VOLID.matcher(file);
        if (vol.matches() && vol.group(2).equals("cloudinit")) {
            for (Map.Entry<String, String> e : conf.entrySet()) {
                if (ConfigSchema.isDrive(e.getKey()) && isCloudinit(PropertyString.parse(e.getValue(), "file").get("file").orElse(""))) {
                    throw new TaskError(key + " - cloud-init drive is already attached at '" + e.getKey() + "'");
                }
            }
            Pool pl = pool(node, vol.group(1)).orElseThrow(() -> new TaskError("storage '" + vol.group(1) + "' does not exist"));
            String name = cloudinitName(pl, vmid);
            allocate(pl, name, CLOUDINIT_SIZE, allocated);
            String result = drive.with("file", pl.spec.id() + ":" + name).with("media", "cdrom").format();
            if (ctx != null) {
                ctx.log(key + ": successfully created disk '" + result + "'");
            }
            return result;
        }
        Matcher nd = NEW_DISK.matcher(file);
        if (nd.matches() && !isCdrom(drive)) {
            String storeid = nd.group(2) != null ? nd.group(2) : defaultStorage;
            Pool pl = pool(node, storeid).orElseThrow(() -> new TaskError("storage '" + storeid + "' does not exist"));
            long size = (long) (Double.parseDouble(nd.group(3)) * (1L << 30));
            Optional<String> importFrom = drive.get("import-from");
            if (importFrom.isPresent()) {
                Volume src = resolveVolume(node, importFrom.get()).orElseThrow(
                        () -> new TaskError("could not get size of " + importFrom.get()));
                size = src.size();
                if (ctx != null) {
                    ctx.log("importing disk '" + importFrom.get() + "' to VM " + vmid + " ...");
                }
            } else if (key.equals("efidisk0")) {
                size = 4L << 20;
            } else if (size <= 0) {
                throw new TaskError(emsg + " unable to create image: size must be positive");
            }
            // "change created disk to a base volume in case the VM is a template" (PVE::API2::Qemu $create_disks)
            String name = newDiskName(pl, vmid, template ? "base" : "vm", pl.spec.pathBased() ? drive.get("format").orElse("qcow2") : null);
            if (pl.used() + size > pl.spec.capacityBytes()) {
                throw new TaskError(emsg + " " + notEnoughSpace(pl, size));
            }
            allocate(pl, name, size, allocated);
            PropertyString result = drive.with("file", storeid + ":" + name).with("import-from", null)
                    .with("format", null).with("size", new DiskSize(size).toString());
            if (ctx != null && importFrom.isPresent()) {
                ctx.log(key + ": successfully imported disk '" + storeid + ":" + name + "'");
            }
            return result.format();
        }
        if (vol.matches()) {
            Optional<Volume> existing = resolveVolume(node, file);
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

    private static String notEnoughSpace(Pool pl, long size) {
        // the storage plugin's words differ (lvcreate, zfs, qemu-img); this one names the facts
        return "unable to allocate " + new DiskSize(size).human() + " on storage '" + pl.spec.id()
                + "' - not enough free space (" + Math.max(0, pl.spec.capacityBytes() - pl.used()) + " bytes free)";
    }

    private void allocate(Pool pl, String name, long size, List<String[]> allocated) {
        if (pl.used() + size > pl.spec.capacityBytes()) {
            throw new TaskError(notEnoughSpace(pl, size));
        }
        pl.volumes.put(name, size);
        allocated.add(new String[] {pl.spec.id(), name});
    }

    /** PVE::Storage::Plugin::find_free_diskname: the lowest free {@code disk-N} for the VMID on that storage. */
    private static String newDiskName(Pool pl, int vmid, String kind, String format) {
        Set<Integer> taken = new TreeSet<>();
        for (String name : pl.volumes.keySet()) {
            Matcher m = OWNED.matcher(name);
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

    private String defaultBootOrder(Map<String, String> conf) {
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

    /** qemu-server PVE::QemuServer::Network::add_random_macs with datacenter.cfg's default mac_prefix BC:24:11. */
    private void addRandomMacs(Map<String, String> params) {
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getKey().matches("net\\d+")) {
                PropertyString net = ConfigSchema.parseNet(e.getValue());
                if (!net.has("macaddr")) {
                    net = net.with("macaddr", randomMac());
                }
                e.setValue(ConfigSchema.printNet(net));
            }
        }
    }

    /** pve-common PVE::Tools::random_ether_addr: locally administered unicast bytes under the prefix. */
    private String randomMac() {
        byte[] b = new byte[6];
        random.nextBytes(b);
        b[0] = (byte) ((b[0] & 0xFE) | 2);
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(String.format("%02X", x & 0xFF));
        }
        String addr = sb.toString();
        return macPrefix.toUpperCase(Locale.ROOT) + addr.substring(macPrefix.length());
    }

    private String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static List<String> splitList(String s) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        return Arrays.stream(s.split("[,;\\s]+")).filter(x -> !x.isEmpty()).toList();
    }

    private String nextDhcpAddress() {
        if (nextDhcp >= dhcpPool.size()) {
            return null;
        }
        return dhcpPool.get(nextDhcp++) + "/" + dhcpPrefix;
    }

    /** A guest-exec process: its outcome, or (for one that waits on the guest) how to compute it when it ends. */
    private record Exec(Instant endsAt, GuestBehaviour.Outcome outcome, java.util.function.Supplier<GuestBehaviour.Outcome> late) {
    }

    private final class Vm {
        final int vmid;
        final String node;
        final TreeMap<String, String> conf = new TreeMap<>();
        final TreeMap<String, String> pending = new TreeMap<>();
        final TreeSet<String> pendingDelete = new TreeSet<>();
        final TreeMap<String, TreeMap<String, String>> snapshots = new TreeMap<>();
        final Map<Integer, String> addresses = new HashMap<>();
        final Map<Integer, String> dhcpLeases = new HashMap<>();
        final Map<Integer, Exec> execs = new HashMap<>();
        /** The guest OS on each disk that holds one, by drive key; it lives with the disk. */
        final Map<String, GuestSystem> diskOs = new TreeMap<>();
        /** The guest OS state each snapshot saved, by snapshot name. */
        final Map<String, Map<String, GuestSystem>> snapshotOs = new TreeMap<>();
        PowerState power = PowerState.STOPPED;
        Instant startedAt;
        int nextExecPid = 1000;

        Vm(int vmid, String node) {
            this.vmid = vmid;
            this.node = node;
        }

        String text() {
            return ConfigFile.render(conf, pending, pendingDelete, snapshots);
        }

        String digest() {
            return ConfigFile.sha1Hex(text());
        }

        Map<String, String> effectiveConf() {
            TreeMap<String, String> out = new TreeMap<>(conf);
            out.putAll(pending);
            pendingDelete.forEach(out::remove);
            return out;
        }

        boolean isTemplate() {
            return "1".equals(conf.get("template"));
        }

        boolean agentEnabled() {
            String agent = conf.get("agent");
            if (agent == null) {
                return false;
            }
            return "1".equals(PropertyString.parse(agent, "enabled").get("enabled").orElse("0"));
        }

        long memoryBytes() {
            String mem = conf.get("memory");
            long mib = mem == null ? 512 : Long.parseLong(PropertyString.parse(mem, "current").get("current").orElse("512"));
            return mib << 20;
        }

        int cpus() {
            return Integer.parseInt(conf.getOrDefault("sockets", "1")) * Integer.parseInt(conf.getOrDefault("cores", "1"));
        }

        long bootDiskSize() {
            for (String bus : List.of("scsi", "virtio", "sata", "ide")) {
                for (int i = 0; i <= ConfigSchema.INDEXED.get(bus); i++) {
                    String v = conf.get(bus + i);
                    if (v != null) {
                        PropertyString d = PropertyString.parse(v, "file");
                        if (!isCdrom(d) && d.get("size").isPresent()) {
                            return DiskSize.parse(d.get("size").get()).bytes();
                        }
                    }
                }
            }
            return 0;
        }

        /** The drive the VM boots from: the first disk of {@code boot: order=...}, else the first disk by bus. */
        String bootDiskKey() {
            String boot = conf.get("boot");
            if (boot != null) {
                String order = PropertyString.parse(boot, "legacy").get("order").orElse("");
                for (String k : order.split(";")) {
                    String v = conf.get(k);
                    if (v != null && ConfigSchema.isDrive(k) && !isCdrom(PropertyString.parse(v, "file"))) {
                        return k;
                    }
                }
            }
            for (String bus : List.of("scsi", "virtio", "sata", "ide")) {
                for (int i = 0; i <= ConfigSchema.INDEXED.get(bus); i++) {
                    String v = conf.get(bus + i);
                    if (v != null && !isCdrom(PropertyString.parse(v, "file"))) {
                        return bus + i;
                    }
                }
            }
            return null;
        }

        /** The guest OS on the boot disk, or null: none. */
        GuestSystem bootOs() {
            String key = bootDiskKey();
            return key == null ? null : diskOs.get(key);
        }

        Set<String> referencedVolumes() {
            Set<String> out = new LinkedHashSet<>();
            List<Map<String, String>> all = new ArrayList<>();
            all.add(conf);
            all.add(pending);
            all.addAll(snapshots.values());
            for (Map<String, String> c : all) {
                c.forEach((k, v) -> {
                    if (ConfigSchema.isDrive(k) || k.startsWith("unused")) {
                        PropertyString.parse(v, "file").get("file").filter(f -> VOLID.matcher(f).matches()).ifPresent(out::add);
                    }
                });
            }
            return out;
        }

        boolean references(String volid) {
            return referencedVolumes().contains(volid);
        }

        VmSummary summary() {
            List<String> tags = splitList(conf.getOrDefault("tags", ""));
            return new VmSummary(vmid, node, conf.getOrDefault("name", ""), power, isTemplate(), tags, conf.get("lock"));
        }

        /** Starts: pending changes apply (vmconfig_apply_pending), cloud-init addresses are handed out. */
        void boot(Instant at) {
            pending.forEach((k, v) -> {
                replaceDrive(this, k, v);
                conf.put(k, v);
            });
            pending.clear();
            for (String k : new ArrayList<>(pendingDelete)) {
                deleteOption(this, k);
            }
            pendingDelete.clear();
            power = PowerState.RUNNING;
            startedAt = at;
            execs.clear();
            GuestSystem os = bootOs();
            if (os != null) {
                // vm_start generates the cloud-init drive from the config (Cloudinit::generate_cloudinit_config)
                boolean hostpci = conf.keySet().stream().anyMatch(k -> k.matches("hostpci\\d+"));
                os.boot(at.plus(guestBootDelay), agentEnabled(), hostpci,
                        CloudInitDatasource.find(vmid, node, conf, volumeReader), cloudInitBase, cloudInitPerPackage);
            }
            addresses.clear();
            for (int i = 0; i <= 31; i++) {
                if (!conf.containsKey("net" + i)) {
                    continue;
                }
                String ipconfig = conf.get("ipconfig" + i);
                String ip = ipconfig == null ? (i == 0 ? "dhcp" : null) : PropertyString.parse(ipconfig).get("ip").orElse(null);
                if ("dhcp".equals(ip)) {
                    String lease = dhcpLeases.get(i);
                    if (lease == null) {
                        lease = nextDhcpAddress();
                        if (lease != null) {
                            dhcpLeases.put(i, lease);
                        }
                    }
                    ip = lease;
                }
                if (ip != null) {
                    addresses.put(i, ip);
                }
            }
        }

        void halt() {
            settleGuest(this);
            diskOs.values().forEach(GuestSystem::halt);
            power = PowerState.STOPPED;
            startedAt = null;
            execs.clear();
            addresses.clear();
        }
    }

    /**
     * How to build a {@link PveCluster}. At least one node; storages, task durations, the guest's
     * boot delay and DHCP pool are optional.
     */
    public static final class Builder {
        private TimeSource clock = TimeSource.system();
        private final List<NodeSpec> nodes = new ArrayList<>();
        private final List<StorageSpec> storages = new ArrayList<>();
        private final Map<String, Duration> taskDurations = new HashMap<>();
        private Duration defaultTaskDuration = Duration.ofSeconds(1);
        private Duration guestBootDelay = Duration.ofSeconds(20);
        private final List<String> dhcpPool = new ArrayList<>();
        private int dhcpPrefix = 24;
        private GuestBehaviour guest;
        private GuestImages guestImages = GuestImages.stock();
        private VolumeReader volumeReader;
        private Duration cloudInitBase = Duration.ofSeconds(30);
        private Duration cloudInitPerPackage = Duration.ofSeconds(3);
        private String macPrefix = "BC:24:11";
        private long seed = 42;
        private boolean storageLocks;

        private Builder() {
        }

        /**
         * Models Proxmox's per-storage lock for clones: a clone task holds its target storage's lock
         * for its whole run and waits up to 10 s behind others (see {@code PveCluster#cloneVm}).
         * Off by default, so clones of one template run side by side as before.
         */
        public Builder storageLocks(boolean value) {
            this.storageLocks = value;
            return this;
        }

        public Builder clock(TimeSource value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder node(NodeSpec node) {
            nodes.add(Objects.requireNonNull(node, "node"));
            return this;
        }

        public Builder storage(StorageSpec storage) {
            storages.add(Objects.requireNonNull(storage, "storage"));
            return this;
        }

        /** How long tasks of {@code type} ({@code qmstart}, {@code qmclone}...) run. */
        public Builder taskDuration(String type, Duration duration) {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("negative duration");
            }
            taskDurations.put(Objects.requireNonNull(type, "type"), duration);
            return this;
        }

        /** How long tasks of any other type run (default 1 s). */
        public Builder defaultTaskDuration(Duration duration) {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("negative duration");
            }
            this.defaultTaskDuration = duration;
            return this;
        }

        /** How long after a start the guest agent answers (default 20 s). */
        public Builder guestBootDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("negative delay");
            }
            this.guestBootDelay = delay;
            return this;
        }

        /** Addresses DHCP hands out, in order, with their prefix length. */
        public Builder dhcpPool(List<String> addresses, int prefixLength) {
            dhcpPool.clear();
            dhcpPool.addAll(addresses);
            this.dhcpPrefix = prefixLength;
            return this;
        }

        /**
         * Replaces the guest OS model's command interpreter for agent exec with {@code value}
         * (null: the model's, the default). Whether the agent answers stays the model's decision.
         */
        public Builder guestBehaviour(GuestBehaviour value) {
            this.guest = value;
            return this;
        }

        /** Which image an imported disk holds (default {@link GuestImages#stock()}: {@code *cloudimg*} is stock Ubuntu 24.04). */
        public Builder guestImages(GuestImages value) {
            this.guestImages = Objects.requireNonNull(value, "guestImages");
            return this;
        }

        /** Where cloud-init reads cicustom snippets and seed ISOs from (null, the default: the cluster's own volumes). */
        public Builder volumeReader(VolumeReader value) {
            this.volumeReader = value;
            return this;
        }

        /** How long cloud-init runs after the guest is up: {@code base}, plus {@code perPackage} per package on a new instance (default 30 s + 3 s). */
        public Builder cloudInitDuration(Duration base, Duration perPackage) {
            if (base.isNegative() || perPackage.isNegative()) {
                throw new IllegalArgumentException("negative duration");
            }
            this.cloudInitBase = base;
            this.cloudInitPerPackage = perPackage;
            return this;
        }

        /** datacenter.cfg's {@code mac_prefix} (default {@code BC:24:11}, Proxmox's OUI). */
        public Builder macPrefix(String prefix) {
            if (!prefix.matches("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){0,4}")) {
                throw new IllegalArgumentException("not a MAC prefix: " + prefix);
            }
            this.macPrefix = prefix;
            return this;
        }

        /** Seed for generated MACs and UUIDs, so runs repeat. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public PveCluster build() {
            return new PveCluster(this);
        }
    }
}
