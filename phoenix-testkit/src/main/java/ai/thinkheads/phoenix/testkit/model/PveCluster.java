package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

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
 *
 * <h2>Parts</h2>
 * This class is the facade: each public method is one handler, run under the cluster's monitor
 * and handed to the package-private part that holds what it works on:
 * <ul>
 *   <li>{@code Inventory}: nodes and VM records ({@code VmRecord}), the reads, {@code load_config}
 *       and {@code check_lock};</li>
 *   <li>{@code TaskEngine}: tasks and locks (UPIDs, begin and end in time, lock waits, task faults);</li>
 *   <li>{@code Storages}: storages and volumes (pools, file volumes and their bytes, uploads, deletes);</li>
 *   <li>{@code Drives}: drive allocation (new disks, imports, cloud-init drives, a clone's drives,
 *       detaching to {@code unusedN});</li>
 *   <li>{@code Guests}: guest state (boot and halt, the guest OS per disk, DHCP, the guest agent);</li>
 *   <li>{@code ConfigHandlers}, {@code PowerHandlers}, {@code CloneHandlers}, {@code SnapshotHandlers}:
 *       qemu-server's API handlers over those parts;</li>
 *   <li>{@code Identifiers}: generated MACs and UUIDs from the seed.</li>
 * </ul>
 */
public final class PveCluster {

    private final TimeSource time;
    private final TaskEngine tasks;
    private final Inventory inventory;
    private final Storages storages;
    private final Guests guests;
    private final ConfigHandlers config;
    private final PowerHandlers power;
    private final CloneHandlers clones;
    private final SnapshotHandlers snapshots;

    private PveCluster(Builder b) {
        this.time = Objects.requireNonNull(b.time, "time");
        if (b.nodes.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one node");
        }
        Map<String, NodeSpec> nodes = new TreeMap<>(b.nodes);
        Random random = new Random(b.seed);
        this.tasks = new TaskEngine(time, b.taskDurations, b.defaultTaskDuration);
        this.inventory = new Inventory(nodes, tasks);
        this.storages = new Storages(b.storages.values(), nodes.keySet(), inventory, tasks, random);
        Drives drives = new Drives(storages);
        // no reader given: the cluster's own file volumes (read without settling: the reader runs while a boot settles)
        VolumeReader reader = b.volumeReader != null ? b.volumeReader : (node, volid) -> !inventory.hasNode(node)
                ? Optional.empty() : storages.resolveVolume(node, volid).map(v -> v.pool().contents.get(v.name())).map(byte[]::clone);
        this.guests = new Guests(inventory, drives, tasks, b, reader);
        Identifiers ids = new Identifiers(random, b.macPrefix);
        this.config = new ConfigHandlers(inventory, storages, drives, guests, tasks, ids);
        this.power = new PowerHandlers(inventory, storages, guests, tasks);
        this.clones = new CloneHandlers(inventory, storages, drives, guests, tasks, ids, b.storageLocks);
        this.snapshots = new SnapshotHandlers(inventory, storages, guests, tasks);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code action} as {@code userId} ({@code root@pam}, or a token {@code root@pam!ci}): the
     * tasks it starts carry that user in their UPID, as PVE's workers do.
     */
    public <T> T actingAs(String userId, java.util.function.Supplier<T> action) {
        return tasks.actingAs(userId, action);
    }

    /** The time source the cluster reads. */
    public TimeSource time() {
        return time;
    }

    // ---- reads -------------------------------------------------------------------------

    /** {@code GET /nodes}: every node with its capacity and use, in name order. */
    public synchronized List<NodeResources> nodes() {
        return inventory.nodes();
    }

    /** The Linux bridges of {@code node} ({@code GET /nodes/{node}/network?type=bridge}), in their configured order. */
    public synchronized List<String> bridges(String node) {
        return inventory.bridges(node);
    }

    /** {@code GET /nodes/{node}/storage}: the storages {@code node} sees, in id order. */
    public synchronized List<StorageInfo> storageStatus(String node) {
        return storages.storageStatus(node);
    }

    /** {@code GET /nodes/{node}/storage/{storage}/content}: volume id → size in bytes. */
    public synchronized Map<String, Long> storageContent(String node, String storage) {
        return storages.storageContent(node, storage);
    }

    /** {@code GET /cluster/resources?type=vm}: every VM, in VMID order. */
    public synchronized List<VmSummary> clusterResources() {
        return inventory.clusterResources();
    }

    /** {@code GET /nodes/{node}/qemu}: the VMs of one node, in VMID order. */
    public synchronized List<VmSummary> vmlist(String node) {
        return inventory.vmlist(node);
    }

    /** {@code GET /cluster/nextid}: the lowest unused VMID from 100 on. */
    public synchronized int nextid() {
        return inventory.nextid();
    }

    /**
     * {@code GET /nodes/{node}/qemu/{vmid}/config}: the config with its digest. With {@code current}
     * false (Proxmox's default) pending changes are shown applied.
     */
    public synchronized VmConfig vmConfig(String node, int vmid, boolean current) {
        return inventory.vmConfig(node, vmid, current);
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/pending}-style view: key → pending value, deletions as null. */
    public synchronized Map<String, String> vmPending(String node, int vmid) {
        return inventory.vmPending(node, vmid);
    }

    /** The config file text as {@code /etc/pve/nodes/{node}/qemu-server/{vmid}.conf} would hold it. */
    public synchronized String configFileText(String node, int vmid) {
        return inventory.configFileText(node, vmid);
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/status/current}. */
    public synchronized VmStatus vmStatus(String node, int vmid) {
        return inventory.vmStatus(node, vmid);
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/snapshot}: snapshots oldest first, without {@code current}. */
    public synchronized List<Snapshot> snapshotList(String node, int vmid) {
        return inventory.snapshotList(node, vmid);
    }

    /** The config a snapshot saved ({@code GET .../snapshot/{name}/config}). */
    public synchronized Map<String, String> snapshotConfig(String node, int vmid, String snapname) {
        return inventory.snapshotConfig(node, vmid, snapname);
    }

    // ---- create / config ---------------------------------------------------------------

    /**
     * {@code create_vm} ({@code POST /nodes/{node}/qemu}): {@code params} are the config options plus
     * the handler's own {@code start} and {@code pool}. Returns the {@code qmcreate} task.
     */
    public synchronized Upid createVm(String node, int vmid, Map<String, String> params) {
        return config.createVm(node, vmid, params);
    }

    /**
     * {@code update_vm} ({@code PUT .../config}, synchronous): config keys to set plus the handler's
     * {@code delete} (comma list), {@code revert}, {@code digest} and {@code skiplock}. Returns the
     * lines the handler printed on its stdout (for each new disk, qemu-server's {@code <drive>:
     * successfully created disk '<drive string>'}): a CLI shows them, an HTTP client never sees them.
     */
    public synchronized List<String> updateVm(String node, int vmid, Map<String, String> params) {
        return config.updateVm(node, vmid, params);
    }

    /** {@code update_vm_async} ({@code POST .../config}): the same as {@link #updateVm} in a {@code qmconfig} task. */
    public synchronized Upid updateVmAsync(String node, int vmid, Map<String, String> params) {
        return config.updateVmAsync(node, vmid, params);
    }

    /**
     * {@code resize_vm} ({@code PUT .../resize}): grows {@code disk} to {@code size}
     * ({@code \+?\d+(\.\d+)?[KMGT]?}; {@code +} is relative). Returns the {@code resize} task.
     */
    public synchronized Upid resizeVm(String node, int vmid, String disk, String size, String digest) {
        return config.resizeVm(node, vmid, disk, size, digest);
    }

    // ---- power -------------------------------------------------------------------------

    /** {@code vm_start}: the {@code qmstart} task. Template, lock and "already running" are the worker's errors. */
    public synchronized Upid vmStart(String node, int vmid) {
        return power.vmStart(node, vmid);
    }

    /** {@code vm_stop}: hard stop; a stopped VM stays stopped and the task ends OK. */
    public synchronized Upid vmStop(String node, int vmid) {
        return power.vmStop(node, vmid);
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
        return power.vmShutdown(node, vmid, forceStop, timeout);
    }

    /** {@code vm_reboot}: shutdown and start, applying pending changes. */
    public synchronized Upid vmReboot(String node, int vmid) {
        return power.vmReboot(node, vmid);
    }

    /** {@code vm_suspend} (to RAM): the VM becomes paused. */
    public synchronized Upid vmSuspend(String node, int vmid) {
        return power.vmSuspend(node, vmid);
    }

    /** {@code vm_resume}: a paused VM runs again. */
    public synchronized Upid vmResume(String node, int vmid) {
        return power.vmResume(node, vmid);
    }

    // ---- clone / template / destroy ----------------------------------------------------

    /**
     * {@code clone_vm} ({@code POST .../clone}): {@code params} may hold {@code name},
     * {@code description}, {@code target}, {@code full} (0/1; default: full unless the source is a
     * template), {@code storage}, {@code format}, {@code snapname} and {@code pool}. Returns the
     * {@code qmclone} task, which runs under the source's VMID as in Proxmox.
     */
    public synchronized Upid cloneVm(String node, int vmid, int newid, Map<String, String> params) {
        return clones.cloneVm(node, vmid, newid, params);
    }

    /**
     * {@code template} ({@code POST .../template}): converts a stopped VM without snapshots into a
     * template; its disks become {@code base-<vmid>-disk-<n>}. Returns the {@code qmtemplate} task.
     */
    public synchronized Upid template(String node, int vmid) {
        return clones.template(node, vmid);
    }

    /**
     * {@code destroy_vm} ({@code DELETE .../{vmid}}): removes a stopped VM, its config and the volumes
     * it references; with {@code destroyUnreferencedDisks} also the volumes of its VMID that nothing
     * references. Returns the {@code qmdestroy} task.
     */
    public synchronized Upid destroyVm(String node, int vmid, boolean purge, boolean destroyUnreferencedDisks) {
        return clones.destroyVm(node, vmid, purge, destroyUnreferencedDisks);
    }

    // ---- snapshots ---------------------------------------------------------------------

    /** {@code snapshot} ({@code POST .../snapshot}): the {@code qmsnapshot} task. */
    public synchronized Upid snapshot(String node, int vmid, String snapname, boolean vmstate, String description) {
        return snapshots.snapshot(node, vmid, snapname, vmstate, description);
    }

    /** {@code rollback}: stops the VM, restores the snapshot's config and disk sizes; the {@code qmrollback} task. */
    public synchronized Upid rollback(String node, int vmid, String snapname, boolean start) {
        return snapshots.rollback(node, vmid, snapname, start);
    }

    /** {@code delsnapshot}: the {@code qmdelsnapshot} task. */
    public synchronized Upid delsnapshot(String node, int vmid, String snapname) {
        return snapshots.delsnapshot(node, vmid, snapname);
    }

    // ---- guest agent -------------------------------------------------------------------

    /** {@code agent/ping}: returns when the agent answers. */
    public synchronized void agentPing(String node, int vmid) {
        guests.agentPing(node, vmid);
    }

    /** {@code agent/network-get-interfaces}: {@code lo} and one interface per NIC, with cloud-init's addresses. */
    public synchronized List<GuestInterface> agentNetworkGetInterfaces(String node, int vmid) {
        return guests.agentNetworkGetInterfaces(node, vmid);
    }

    /** {@code agent/exec}: starts {@code command} in the guest and returns its PID. */
    public synchronized int agentExec(String node, int vmid, List<String> command, String inputData) {
        return guests.agentExec(node, vmid, command, inputData);
    }

    /** {@code agent/exec-status}. */
    public synchronized GuestExecStatus agentExecStatus(String node, int vmid, int pid) {
        return guests.agentExecStatus(node, vmid, pid);
    }

    /**
     * A read-only picture of the guest OS on {@code vmid}'s boot disk, for tests: packages,
     * services, users, files, mounts, cloud-init's status and the commands run. A VM whose boot
     * disk holds no OS gives {@link GuestState#noOs()}.
     */
    public synchronized GuestState guest(int vmid) {
        return guests.guest(vmid);
    }

    // ---- tasks -------------------------------------------------------------------------

    /** {@code GET /nodes/{node}/tasks/{upid}/status}. */
    public synchronized TaskStatus taskStatus(Upid upid) {
        return tasks.taskStatus(upid);
    }

    /** {@code GET /nodes/{node}/tasks/{upid}/log}: every line so far, the last one {@code TASK ...} once it ended. */
    public synchronized List<String> taskLog(Upid upid) {
        return tasks.taskLog(upid);
    }

    /** When the task ended, if it has. */
    public synchronized Optional<Instant> taskEnd(Upid upid) {
        return tasks.taskEnd(upid);
    }

    /** {@code GET /nodes/{node}/tasks}: the node's tasks, oldest first. */
    public synchronized List<Upid> tasks(String node) {
        inventory.requireNode(node);
        return tasks.tasks(node);
    }

    // ---- files on storages: snippets, ISO images, import images, templates -------------

    /**
     * {@code GET /storage/{storage}} (pve-storage {@code PVE::API2::Storage::Config} read): the
     * storage's declaration. Throws {@link NotFoundException} {@code storage 'x' does not exist}.
     */
    public synchronized StorageSpec storageConfig(String storage) {
        return storages.storageConfig(storage);
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
        return storages.fileVolumes(node, storage, content);
    }

    /**
     * The bytes of a file volume ({@code local:snippets/user.yaml}, {@code local:iso/seed.iso})
     * as {@code node} sees it; empty when there is no such volume or it holds no file content
     * (a disk image).
     */
    public synchronized Optional<byte[]> volumeContent(String node, String volid) {
        return storages.volumeContent(node, volid);
    }

    /**
     * {@code POST /nodes/{node}/storage/{storage}/upload} (pve-storage {@code PVE/API2/Storage/Status.pm}
     * upload), after pveproxy has stored the file part: checks in the handler's order and with its
     * words, then forks an {@code imgcopy} worker that copies the file into place (replacing a file
     * of that name) when it ends. {@code filename} is normalized as Proxmox does
     * ({@code normalize_content_filename}).
     */
    public synchronized Upid uploadVolume(String node, String storage, String content, String filename, byte[] data) {
        return storages.uploadVolume(node, storage, content, filename, data);
    }

    /**
     * Writes a file volume at once, as a shell on the node would ({@code cat > <path>/snippets/x}):
     * the storage must exist on {@code node}, allow {@code content} ({@code storage 'x' does not
     * support 'snippets' content}, the words of pve-storage's upload handler) and have room.
     * Replaces a file of that name. Returns the volume id.
     */
    public synchronized String writeVolume(String node, String storage, String content, String filename, byte[] data) {
        return storages.writeVolume(node, storage, content, filename, data);
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
        return storages.writeFile(node, path, data);
    }

    /** The absolute path of a file volume on its storage ({@code pvesm path}); empty if the storage has none. */
    public synchronized Optional<String> filePath(String volid) {
        return storages.filePath(volid);
    }

    /**
     * {@code DELETE /nodes/{node}/storage/{storage}/content/{volume}} (pve-storage
     * {@code PVE/API2/Storage/Content.pm} delete): forks an {@code imgdel} worker
     * ({@code PVE::Storage::vdisk_free}). A volume that is not there only warns, as the dir plugin's
     * {@code free_image} does ({@code disk image '<path>' does not exist}).
     */
    public synchronized Upid deleteVolume(String node, String volid) {
        return storages.deleteVolume(node, volid);
    }

    // ---- test hooks --------------------------------------------------------------------

    /** Queues a fault for the next task it applies to (first queued, first used). */
    public synchronized void injectTaskFault(TaskFault fault) {
        tasks.injectTaskFault(fault);
    }

    /**
     * Puts a volume on a storage, as an upload or an out-of-band {@code pvesm alloc} would: an
     * image to import from ({@code import/debian-12.qcow2}, {@code iso/x.iso}) or a stray disk.
     * Returns its volume id.
     */
    public synchronized String addVolume(String node, String storage, String volname, long sizeBytes) {
        return storages.addVolume(node, storage, volname, sizeBytes);
    }

    /**
     * How to build a {@link PveCluster}. At least one node; storages, task durations, the guest's
     * boot delay and DHCP pool are optional. Adding a node or storage with a name that exists
     * replaces it.
     */
    public static final class Builder {
        TimeSource time = TimeSource.system();
        final Map<String, NodeSpec> nodes = new LinkedHashMap<>();
        final Map<String, StorageSpec> storages = new LinkedHashMap<>();
        final Map<String, Duration> taskDurations = new HashMap<>();
        Duration defaultTaskDuration = Duration.ofSeconds(1);
        Duration guestBootDelay = Duration.ofSeconds(20);
        final List<String> dhcpPool = new ArrayList<>(defaultDhcpPool());
        int dhcpPrefix = 24;
        GuestBehaviour guest;
        GuestImages guestImages = GuestImages.stock();
        VolumeReader volumeReader;
        Duration cloudInitBase = Duration.ofSeconds(30);
        Duration cloudInitPerPackage = Duration.ofSeconds(3);
        String macPrefix = "BC:24:11";
        long seed = 42;
        boolean storageLocks;

        private Builder() {
        }

        /** 10.10.0.100 to 10.10.0.199. */
        private static List<String> defaultDhcpPool() {
            List<String> pool = new ArrayList<>();
            for (int i = 100; i < 200; i++) {
                pool.add("10.10.0." + i);
            }
            return pool;
        }

        /** A new builder holding the same settings (the same time source). */
        public Builder copy() {
            Builder b = new Builder();
            b.time = time;
            b.nodes.putAll(nodes);
            b.storages.putAll(storages);
            b.taskDurations.putAll(taskDurations);
            b.defaultTaskDuration = defaultTaskDuration;
            b.guestBootDelay = guestBootDelay;
            b.dhcpPool.clear();
            b.dhcpPool.addAll(dhcpPool);
            b.dhcpPrefix = dhcpPrefix;
            b.guest = guest;
            b.guestImages = guestImages;
            b.volumeReader = volumeReader;
            b.cloudInitBase = cloudInitBase;
            b.cloudInitPerPackage = cloudInitPerPackage;
            b.macPrefix = macPrefix;
            b.seed = seed;
            b.storageLocks = storageLocks;
            return b;
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

        /** The time source the cluster reads (default the system clock). */
        public Builder time(TimeSource value) {
            this.time = Objects.requireNonNull(value, "time");
            return this;
        }

        /** Adds a node; a node of that name is replaced. */
        public Builder node(NodeSpec node) {
            nodes.put(Objects.requireNonNull(node, "node").name(), node);
            return this;
        }

        /** A node with {@code cpus} CPUs and {@code memoryGiB} GiB. */
        public Builder node(String name, int cpus, long memoryGiB) {
            return node(NodeSpec.of(name, cpus, memoryGiB));
        }

        public Builder withoutNode(String name) {
            nodes.remove(name);
            return this;
        }

        /** Adds a storage; a storage of that id is replaced. */
        public Builder storage(StorageSpec storage) {
            storages.put(Objects.requireNonNull(storage, "storage").id(), storage);
            return this;
        }

        public Builder withoutStorage(String id) {
            storages.remove(id);
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

        /** Addresses DHCP hands out, in order, with their prefix length (default 10.10.0.100 to 10.10.0.199, /24). */
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
