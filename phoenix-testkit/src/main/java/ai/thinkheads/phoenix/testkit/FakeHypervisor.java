package ai.thinkheads.phoenix.testkit;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.PendingChange;
import ai.thinkheads.phoenix.hypervisor.PendingChanges;
import ai.thinkheads.phoenix.hypervisor.ShutdownOptions;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.StorageVolume;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Tasks;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.testkit.model.GuestBehaviour;
import ai.thinkheads.phoenix.testkit.model.GuestImages;
import ai.thinkheads.phoenix.testkit.model.GuestState;
import ai.thinkheads.phoenix.testkit.model.VolumeReader;
import ai.thinkheads.phoenix.testkit.model.NodeSpec;
import ai.thinkheads.phoenix.testkit.model.PveCluster;
import ai.thinkheads.phoenix.testkit.model.StorageSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An in-memory {@link Hypervisor} that is as strict as Proxmox: a thin adapter over a
 * {@link PveCluster}, the model a PVE simulator serves too. Start with a preset and adjust it:
 *
 * <pre>{@code
 * FakeHypervisor hv = FakeHypervisor.singleNode();           // node "pve": local + local-lvm
 * FakeHypervisor three = FakeHypervisor.cluster(3);          // pve1..pve3 + shared "ceph"
 * FakeHypervisor slow = FakeHypervisor.singleNode().toBuilder()
 *         .taskDuration("qmclone", Duration.ofMinutes(2))
 *         .guestBootDelay(Duration.ofSeconds(45))
 *         .build();
 * Task t = hv.start(VmRef.of("pve", 100));
 * t.await(Duration.ofMinutes(1));                             // advances hv.time(), never sleeps
 * }</pre>
 *
 * <p>Tasks run in virtual time on {@link #time()}: {@code await} on a task polls with the clock's
 * {@code sleep}, which advances it, so the task ends when its configured duration has passed.
 * Code under test should get the same clock as its {@code TimeSource}.
 *
 * <p>Where Proxmox checks something before forking a worker, the primitive throws; where the worker
 * checks it (a template asked to start, a disk asked to shrink, a lock met inside the worker), the
 * task fails and {@code await} throws {@code TaskFailedException} with Proxmox's exit status.
 * {@link #updateConfig} is the synchronous {@code PUT .../config}, so its lock and digest errors
 * are thrown at once.
 *
 * <p>Faults: {@link #faults()}. Thread-safe.
 */
public final class FakeHypervisor implements Hypervisor {

    private final PveCluster cluster;
    private final FakeClock clock;
    private final FakeFaults faults;
    private final Builder spec;
    private volatile boolean closed;

    private FakeHypervisor(Builder b) {
        this.spec = b.copy();
        this.clock = b.clock;
        this.cluster = b.cluster.copy().build();
        this.faults = new FakeFaults(cluster, b.hooks);
    }

    /** One node {@code pve} (16 CPUs, 64 GiB) with {@code local} (dir: iso, snippets, import, vztmpl, backup) and {@code local-lvm} (lvmthin: images). */
    public static FakeHypervisor singleNode() {
        return builder().build();
    }

    /** Nodes {@code pve1..pveN}, each with {@code local} and {@code local-lvm}, plus a shared {@code ceph} (rbd: images). */
    public static FakeHypervisor cluster(int nodes) {
        return clusterBuilder(nodes).build();
    }

    /** The builder behind {@link #singleNode()}. */
    public static Builder builder() {
        return new Builder(PveCluster.builder(), new FakeClock()).node(NodeSpec.of("pve", 16, 64))
                .storage(StorageSpec.local("local", "dir", 100, "iso", "snippets", "import", "vztmpl", "backup"))
                .storage(StorageSpec.local("local-lvm", "lvmthin", 1024, "images", "rootdir"));
    }

    /** The builder behind {@link #cluster(int)}. */
    public static Builder clusterBuilder(int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("a cluster has at least one node");
        }
        Builder b = new Builder(PveCluster.builder(), new FakeClock());
        for (int i = 1; i <= nodes; i++) {
            b.node(NodeSpec.of("pve" + i, 16, 64));
        }
        return b.storage(StorageSpec.local("local", "dir", 100, "iso", "snippets", "import", "vztmpl", "backup"))
                .storage(StorageSpec.local("local-lvm", "lvmthin", 1024, "images", "rootdir"))
                .storage(StorageSpec.shared("ceph", "rbd", 4096, "images"));
    }

    /** A builder holding this fake's settings (same clock), to build another like it. */
    public Builder toBuilder() {
        return spec.copy();
    }

    /** The model behind this fake, for the assertions and set-up the seam does not offer. */
    public PveCluster cluster() {
        return cluster;
    }

    /** A read-only picture of the guest OS on {@code vmid}'s boot disk ({@link PveCluster#guest}). */
    public GuestState guest(int vmid) {
        return cluster.guest(vmid);
    }

    /** The virtual clock tasks run on: the fake's {@code TimeSource}. */
    public FakeClock time() {
        return clock;
    }

    /** Fault hooks. */
    public FakeFaults faults() {
        return faults;
    }

    // ---- reads ----------------------------------------------------------------------------

    @Override
    public List<VmSummary> listVms() {
        before("listVms", null);
        return cluster.clusterResources();
    }

    @Override
    public Optional<VmSummary> findVm(int vmid) {
        before("findVm", null);
        return cluster.clusterResources().stream().filter(v -> v.vmid() == vmid).findFirst();
    }

    @Override
    public List<NodeResources> listNodes() {
        before("listNodes", null);
        return cluster.nodes();
    }

    @Override
    public List<StorageInfo> listStorages(String node) {
        before("listStorages", null);
        return cluster.storageStatus(node);
    }

    @Override
    public List<String> listBridges(String node) {
        before("listBridges", null);
        return cluster.bridges(node).stream().sorted().toList();
    }

    @Override
    public int nextFreeVmid() {
        before("nextFreeVmid", null);
        return cluster.nextid();
    }

    @Override
    public VmConfig getConfig(VmRef vm) {
        before("getConfig", vm);
        return cluster.vmConfig(vm.node(), vm.vmid(), false);
    }

    /**
     * The model's pending keys with the values in effect, as qemu-server's {@code vm_pending} gives
     * them (a {@code cipassword} masked, as there).
     */
    @Override
    public PendingChanges getPending(VmRef vm) {
        before("getPending", vm);
        Map<String, String> inEffect = cluster.vmConfig(vm.node(), vm.vmid(), true).values();
        List<PendingChange> out = new ArrayList<>();
        cluster.vmPending(vm.node(), vm.vmid()).forEach((key, value) -> {
            String current = masked(key, inEffect.get(key));
            out.add(value == null ? PendingChange.deletion(key, current, false)
                    : PendingChange.value(key, current, masked(key, value)));
        });
        return new PendingChanges(vm, out);
    }

    private static String masked(String key, String value) {
        return value != null && key.equals("cipassword") ? "**********" : value;
    }

    // ---- files on storages ----------------------------------------------------------------

    @Override
    public List<StorageVolume> listVolumes(String node, String storage, StorageContent content) {
        before("listVolumes", null);
        return cluster.fileVolumes(node, storage, content.word()).stream()
                .map(v -> new StorageVolume(v.volid(), content, v.format(), v.size())).toList();
    }

    /** Every file type: the fake stands for a node where both the API and a shell can write. */
    @Override
    public Set<StorageContent> uploadableContent() {
        return EnumSet.allOf(StorageContent.class);
    }

    /**
     * ISO images, import images and templates go the API's way (an {@code imgcopy} task, the file
     * in place when it ends); snippets the shell's way (written at once).
     */
    @Override
    public Task uploadFile(String node, String storage, StorageContent content, String filename, byte[] data) {
        before("uploadFile", null);
        StorageContent.checkUpload(this, node, storage, content, filename, data);
        if (content == StorageContent.SNIPPETS) {
            cluster.writeVolume(node, storage, content.word(), filename, data);
            return Tasks.completed(node, null, TaskStatus.stopped(null, "OK"), List.of());
        }
        return task(cluster.uploadVolume(node, storage, content.word(), filename, data), null);
    }

    @Override
    public Task deleteVolume(String node, String volid) {
        before("deleteVolume", null);
        return task(cluster.deleteVolume(node, volid), null);
    }

    // ---- changes --------------------------------------------------------------------------

    @Override
    public Task create(CreateRequest request) {
        before("create", request.ref());
        Map<String, String> params = new TreeMap<>(request.config());
        request.poolIfAny().ifPresent(p -> params.put("pool", p));
        if (request.start()) {
            params.put("start", "1");
        }
        return task(cluster.createVm(request.node(), request.vmid(), params), request.vmid());
    }

    @Override
    public Task updateConfig(VmRef vm, ConfigUpdate update) {
        before("updateConfig", vm);
        Map<String, String> params = new LinkedHashMap<>(update.set());
        if (!update.delete().isEmpty()) {
            params.put("delete", String.join(",", update.delete()));
        }
        update.digestIfAny().ifPresent(d -> params.put("digest", d));
        cluster.updateVm(vm.node(), vm.vmid(), params);
        return Tasks.completed(vm.node(), vm.vmid(), TaskStatus.stopped(null, "OK"), List.of());
    }

    @Override
    public Task resizeDisk(VmRef vm, String disk, DiskSize newSize) {
        before("resizeDisk", vm);
        return task(cluster.resizeVm(vm.node(), vm.vmid(), disk, newSize.toString(), null), vm.vmid());
    }

    @Override
    public Task start(VmRef vm) {
        before("start", vm);
        return task(cluster.vmStart(vm.node(), vm.vmid()), vm.vmid());
    }

    @Override
    public Task stop(VmRef vm) {
        before("stop", vm);
        return task(cluster.vmStop(vm.node(), vm.vmid()), vm.vmid());
    }

    @Override
    public Task shutdown(VmRef vm, ShutdownOptions options) {
        before("shutdown", vm);
        return task(cluster.vmShutdown(vm.node(), vm.vmid(), options.forceStop(), options.timeout()), vm.vmid());
    }

    @Override
    public Task reboot(VmRef vm) {
        before("reboot", vm);
        return task(cluster.vmReboot(vm.node(), vm.vmid()), vm.vmid());
    }

    @Override
    public Task clone(VmRef source, CloneRequest request) {
        before("clone", source);
        Map<String, String> params = new TreeMap<>();
        params.put("full", request.full() ? "1" : "0");
        putIfNotNull(params, "name", request.name());
        putIfNotNull(params, "target", request.targetNode());
        putIfNotNull(params, "storage", request.targetStorage());
        putIfNotNull(params, "snapname", request.snapshot());
        putIfNotNull(params, "pool", request.pool());
        putIfNotNull(params, "description", request.description());
        return task(cluster.cloneVm(source.node(), source.vmid(), request.newVmid(), params), request.newVmid());
    }

    @Override
    public Task convertToTemplate(VmRef vm) {
        before("convertToTemplate", vm);
        return task(cluster.template(vm.node(), vm.vmid()), vm.vmid());
    }

    @Override
    public Task destroy(VmRef vm, DestroyOptions options) {
        before("destroy", vm);
        return task(cluster.destroyVm(vm.node(), vm.vmid(), options.purge(), options.destroyUnreferencedDisks()), vm.vmid());
    }

    // ---- snapshots ------------------------------------------------------------------------

    @Override
    public List<Snapshot> listSnapshots(VmRef vm) {
        before("listSnapshots", vm);
        return cluster.snapshotList(vm.node(), vm.vmid());
    }

    @Override
    public Task createSnapshot(VmRef vm, String name, String description, boolean withRamState) {
        before("createSnapshot", vm);
        return task(cluster.snapshot(vm.node(), vm.vmid(), name, withRamState, description), vm.vmid());
    }

    @Override
    public Task rollbackSnapshot(VmRef vm, String name) {
        before("rollbackSnapshot", vm);
        return task(cluster.rollback(vm.node(), vm.vmid(), name, false), vm.vmid());
    }

    @Override
    public Task deleteSnapshot(VmRef vm, String name) {
        before("deleteSnapshot", vm);
        return task(cluster.delsnapshot(vm.node(), vm.vmid(), name), vm.vmid());
    }

    // ---- agent ----------------------------------------------------------------------------

    @Override
    public void agentPing(VmRef vm) {
        before("agentPing", vm);
        cluster.agentPing(vm.node(), vm.vmid());
    }

    @Override
    public List<GuestInterface> agentNetworkInterfaces(VmRef vm) {
        before("agentNetworkInterfaces", vm);
        return cluster.agentNetworkGetInterfaces(vm.node(), vm.vmid());
    }

    @Override
    public int agentExec(VmRef vm, List<String> command, String stdin) {
        before("agentExec", vm);
        return cluster.agentExec(vm.node(), vm.vmid(), command, stdin);
    }

    @Override
    public GuestExecStatus agentExecStatus(VmRef vm, int pid) {
        before("agentExecStatus", vm);
        return cluster.agentExecStatus(vm.node(), vm.vmid(), pid);
    }

    // ---- tasks ----------------------------------------------------------------------------

    @Override
    public TaskStatus taskStatus(Upid upid) {
        before("taskStatus", null);
        return cluster.taskStatus(upid);
    }

    @Override
    public List<String> taskLog(Upid upid, int lines) {
        before("taskLog", null);
        List<String> log = cluster.taskLog(upid);
        return lines >= log.size() ? log : log.subList(log.size() - Math.max(0, lines), log.size());
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "FakeHypervisor[" + clock + "]";
    }

    private void before(String primitive, VmRef vm) {
        if (closed) {
            throw new TransportException("FakeHypervisor is closed", false, null);
        }
        faults.before(primitive, vm);
    }

    private Task task(Upid upid, Integer vmid) {
        return Tasks.polling(upid, vmid, this, clock);
    }

    private static void putIfNotNull(Map<String, String> params, String key, String value) {
        if (value != null) {
            params.put(key, value);
        }
    }

    /**
     * Settings of a {@link FakeHypervisor}: the model's own builder ({@link PveCluster.Builder}:
     * nodes, storages, task durations, the guest's boot delay, the DHCP pool, the guest images and
     * behaviour...), whose defaults and checks hold here too, plus the fake's {@link FakeClock} and
     * its primitive hooks. Each model option is forwarded as is; {@link #cluster(Consumer)} reaches
     * any other.
     */
    public static final class Builder {
        private final PveCluster.Builder cluster;
        private FakeClock clock;
        private final List<PrimitiveHook> hooks = new ArrayList<>();

        private Builder(PveCluster.Builder cluster, FakeClock clock) {
            this.cluster = cluster;
            this.clock = clock;
            cluster.time(clock);
        }

        Builder copy() {
            Builder b = new Builder(cluster.copy(), clock);
            b.hooks.addAll(hooks);
            return b;
        }

        /** Sets model options directly on the {@link PveCluster.Builder} behind this builder. */
        public Builder cluster(Consumer<PveCluster.Builder> settings) {
            settings.accept(cluster);
            cluster.time(clock);
            return this;
        }

        /** {@link PveCluster.Builder#node(NodeSpec)}: a node of that name is replaced. */
        public Builder node(NodeSpec node) {
            cluster.node(node);
            return this;
        }

        /** A node with {@code cpus} CPUs and {@code memoryGiB} GiB. */
        public Builder node(String name, int cpus, long memoryGiB) {
            cluster.node(name, cpus, memoryGiB);
            return this;
        }

        public Builder withoutNode(String name) {
            cluster.withoutNode(name);
            return this;
        }

        /** {@link PveCluster.Builder#storage(StorageSpec)}: a storage of that id is replaced. */
        public Builder storage(StorageSpec storage) {
            cluster.storage(storage);
            return this;
        }

        public Builder withoutStorage(String id) {
            cluster.withoutStorage(id);
            return this;
        }

        /** The virtual clock tasks run on (default a new {@link FakeClock}). */
        public Builder time(FakeClock value) {
            this.clock = Objects.requireNonNull(value, "time");
            cluster.time(value);
            return this;
        }

        /**
         * Runs on a {@link FakeClock#wallClock() wall clock}, for serving real clients (the PVE
         * simulator): tasks then take their durations in real time, so keep those short.
         */
        public Builder realTime() {
            return time(FakeClock.wallClock());
        }

        /** {@link PveCluster.Builder#taskDuration}: how long tasks of {@code type} ({@code qmcreate}, {@code qmclone}...) run. */
        public Builder taskDuration(String type, Duration duration) {
            cluster.taskDuration(type, duration);
            return this;
        }

        /** {@link PveCluster.Builder#defaultTaskDuration} (default 1 s). */
        public Builder defaultTaskDuration(Duration duration) {
            cluster.defaultTaskDuration(duration);
            return this;
        }

        /** {@link PveCluster.Builder#guestBootDelay}: how long after a start the guest is up (default 20 s). */
        public Builder guestBootDelay(Duration delay) {
            cluster.guestBootDelay(delay);
            return this;
        }

        /** {@link PveCluster.Builder#dhcpPool}: the addresses DHCP hands out, in order (default 10.10.0.100–199/24). */
        public Builder dhcpPool(List<String> addresses, int prefixLength) {
            cluster.dhcpPool(addresses, prefixLength);
            return this;
        }

        /**
         * {@link PveCluster.Builder#guestBehaviour}: replaces the guest OS model's command interpreter
         * for agent exec (null: the model's, the default). Whether the agent answers stays the model's decision.
         */
        public Builder guestBehaviour(GuestBehaviour value) {
            cluster.guestBehaviour(value);
            return this;
        }

        /**
         * {@link PveCluster.Builder#guestImages}: which image a disk imported with {@code import-from}
         * holds. The default, {@link GuestImages#stock()}, is faithful: {@code *cloudimg*} is the
         * stock Ubuntu 24.04 cloud image, without qemu-guest-agent. Map other images, e.g. one that
         * ships the agent:
         * {@code GuestImages.stock().with("my-image", GuestImage.ubuntuNobleCloud().withPackages("with-agent", "qemu-guest-agent"))}.
         */
        public Builder guestImages(GuestImages value) {
            cluster.guestImages(value);
            return this;
        }

        /** {@link PveCluster.Builder#volumeReader}: where guests read cicustom snippets and NoCloud ISOs from (default the cluster's own volumes). */
        public Builder volumeReader(VolumeReader value) {
            cluster.volumeReader(value);
            return this;
        }

        /** {@link PveCluster.Builder#cloudInitDuration}: {@code base} plus {@code perPackage} per package (default 30 s + 3 s). */
        public Builder cloudInitDuration(Duration base, Duration perPackage) {
            cluster.cloudInitDuration(base, perPackage);
            return this;
        }

        /**
         * {@link PveCluster.Builder#storageLocks}: clones hold their target storage's lock for their
         * whole task, as pve-storage's {@code cluster_lock_storage} does around {@code vdisk_clone};
         * a clone that would wait more than 10 s for it fails with
         * {@code can't lock file '/var/lock/pve-manager/pve-storage-<id>' - got timeout}. Off by default.
         */
        public Builder storageLocks(boolean value) {
            cluster.storageLocks(value);
            return this;
        }

        /** {@link PveCluster.Builder#seed}: seed for generated MACs and UUIDs. */
        public Builder seed(long value) {
            cluster.seed(value);
            return this;
        }

        /** A hook that runs before every primitive (see {@link PrimitiveHook}). */
        public Builder beforePrimitive(PrimitiveHook hook) {
            hooks.add(Objects.requireNonNull(hook, "hook"));
            return this;
        }

        public FakeHypervisor build() {
            return new FakeHypervisor(this);
        }
    }
}
