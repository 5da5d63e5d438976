package ai.thinkheads.phoenix.hypervisor;

import ai.thinkheads.phoenix.config.DiskSize;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The small set of Proxmox VE primitives Phoenix builds on: the seam between the orchestration in
 * core (plan/apply, waiting, retries, placement) and a backend that only translates each primitive
 * into one request (the HTTP API backend) or one command (the qm-over-SSH backend). The testkit's
 * {@code FakeHypervisor} implements it in memory, and its contract suite pins the behaviour every
 * implementation shares.
 *
 * <h2>Not-found semantics, decided once</h2>
 * <ul>
 *   <li>{@code find...} methods return {@link Optional#empty()} when the thing does not exist;</li>
 *   <li>every other method that addresses a VM, node, storage, snapshot or task throws
 *       {@link NotFoundException} when it does not exist — including {@link #destroy}: destroying
 *       what is already gone is an error, not a no-op.</li>
 * </ul>
 *
 * <h2>Tasks</h2>
 * Primitives that are workers in Proxmox (create, clone, start, stop, ...) return a {@link Task} at
 * once; {@link Task#await} waits for it. Validation and state errors that Proxmox raises before
 * forking the worker (a taken VMID, a running VM, a locked config) are thrown by the primitive
 * itself; errors inside the worker surface from {@code await} as {@link TaskFailedException}.
 *
 * <h2>Errors</h2>
 * Every failure is a {@link HypervisorException}: {@link NotFoundException},
 * {@link ConflictException} (and its {@link AlreadyExistsException}, {@link LockedException},
 * {@link WrongStateException}, {@link ConfigModifiedException}), {@link ParameterRejectedException},
 * {@link TaskFailedException}, {@link TaskTimeoutException}, {@link AuthenticationException},
 * {@link PermissionDeniedException}, {@link TransportException}. Messages keep Proxmox's words.
 *
 * <p>Implementations are thread-safe. {@link #close()} releases connections; it does not touch VMs.
 */
public interface Hypervisor extends TaskTracker, AutoCloseable {

    // ---- cluster-wide reads -------------------------------------------------------------

    /** Every VM in the cluster (not containers), in VMID order. */
    List<VmSummary> listVms();

    /** The VM with this VMID, wherever it lives; empty when there is none. */
    default Optional<VmSummary> findVm(int vmid) {
        return listVms().stream().filter(v -> v.vmid() == vmid).findFirst();
    }

    /** Every node of the cluster with its capacity and use, in name order. */
    List<NodeResources> listNodes();

    /** The storages {@code node} sees, in id order. Throws {@link NotFoundException} for an unknown node. */
    List<StorageInfo> listStorages(String node);

    /**
     * The bridges a NIC on {@code node} can join ({@code GET /nodes/{node}/network?type=any_bridge}:
     * Linux and OVS bridges, and SDN vnets where SDN is installed), in name order. A VM with a NIC on
     * any other bridge fails to start there. Throws {@link NotFoundException} for an unknown node.
     */
    List<String> listBridges(String node);

    /** The lowest free VMID ({@code GET /cluster/nextid}). Not reserved: creating with it may still race. */
    int nextFreeVmid();

    // ---- one VM's config ----------------------------------------------------------------

    /** The VM's current config and digest. */
    VmConfig getConfig(VmRef vm);

    /**
     * The configs of many VMs at once, keyed by VMID; a VM that does not exist (any more) is left
     * out rather than thrown for. By default each is read with {@link #getConfig}, at most
     * {@code parallelism} at a time ({@link ConfigReads#oneByOne}); a backend that can read them
     * all in one request overrides this and may ignore {@code parallelism}. The planner reads the
     * configs of the VMs it matched through this method.
     */
    default Map<Integer, VmConfig> getConfigs(Collection<VmRef> vms, int parallelism) {
        return ConfigReads.oneByOne(this, vms, parallelism);
    }

    /** {@link #getConfigs(Collection, int)} one at a time. */
    default Map<Integer, VmConfig> getConfigs(Collection<VmRef> vms) {
        return getConfigs(vms, 1);
    }

    /**
     * The changes the VM holds pending until its next start ({@code GET .../qemu/{vmid}/pending}):
     * keys whose new value or deletion could not be hot-plugged into the running VM. {@link #getConfig}
     * shows them as if applied, as Proxmox's config read does; this says which of its values are not
     * in effect yet. Throws {@link NotFoundException} for a missing VM.
     */
    PendingChanges getPending(VmRef vm);

    /** Creates a VM. Throws {@link AlreadyExistsException} if the VMID is taken anywhere in the cluster. */
    Task create(CreateRequest request);

    /**
     * Sets and deletes config keys. Hot-pluggable changes to a running VM take effect at once;
     * others become pending until the next start (as in Proxmox).
     */
    Task updateConfig(VmRef vm, ConfigUpdate update);

    /**
     * Grows a disk to {@code newSize}. Shrinking is refused with Proxmox's {@code shrinking disks is
     * not supported}: qemu-server checks it inside the {@code resize} worker, so a backend that
     * starts the task reports it from {@link Task#await} as {@link TaskFailedException}; a backend
     * that checks before starting throws {@link WrongStateException}. The contract suite accepts both.
     */
    Task resizeDisk(VmRef vm, String disk, DiskSize newSize);

    // ---- power --------------------------------------------------------------------------

    Task start(VmRef vm);

    /** Hard stop: like pulling the plug. */
    Task stop(VmRef vm);

    /** Asks the guest to power off, within {@code options.timeout()}. */
    Task shutdown(VmRef vm, ShutdownOptions options);

    Task reboot(VmRef vm);

    // ---- lifecycle ----------------------------------------------------------------------

    /** Clones {@code source} (a template, for a linked clone) into a new VM. */
    Task clone(VmRef source, CloneRequest request);

    /** Converts a stopped VM into a template. Irreversible. */
    Task convertToTemplate(VmRef vm);

    /** Destroys a stopped VM and its disks. */
    Task destroy(VmRef vm, DestroyOptions options);

    // ---- snapshots ----------------------------------------------------------------------

    /** The VM's snapshots, oldest first, without the {@code current} pseudo-entry. */
    List<Snapshot> listSnapshots(VmRef vm);

    Task createSnapshot(VmRef vm, String name, String description, boolean withRamState);

    Task rollbackSnapshot(VmRef vm, String name);

    Task deleteSnapshot(VmRef vm, String name);

    // ---- guest agent --------------------------------------------------------------------

    /**
     * Pings the guest agent. Returns normally when it answers; throws {@link WrongStateException}
     * when the VM is not running or the agent is not configured or not running ({@code QEMU guest
     * agent is not running}).
     */
    void agentPing(VmRef vm);

    /** The guest's interfaces and addresses, as the agent reports them. */
    List<GuestInterface> agentNetworkInterfaces(VmRef vm);

    /**
     * Starts {@code command} (program and arguments, no shell) in the guest, feeding it
     * {@code stdin} when not null, and returns the guest-side PID.
     */
    int agentExec(VmRef vm, List<String> command, String stdin);

    /** The state and output of a command started with {@link #agentExec}. */
    GuestExecStatus agentExecStatus(VmRef vm, int pid);

    // ---- files on storages -------------------------------------------------------------

    /**
     * The files of type {@code content} on {@code storage} as {@code node} sees it, in volume-id
     * order ({@code GET /nodes/{node}/storage/{storage}/content?content=...}). A storage that does
     * not hold that content type lists nothing, as in Proxmox. Throws {@link NotFoundException}
     * for an unknown node or storage.
     */
    List<StorageVolume> listVolumes(String node, String storage, StorageContent content);

    /**
     * The content types {@link #uploadFile} can write through this backend. The HTTP API uploads
     * only {@code iso}, {@code vztmpl} and {@code import} (its upload endpoint's enum), so it cannot
     * write snippets; a backend with a shell on the node writes files directly.
     */
    Set<StorageContent> uploadableContent();

    /**
     * Writes {@code data} as file {@code filename} of type {@code content} on {@code storage},
     * replacing a file of that name: afterwards the volume
     * {@link StorageContent#volid content.volid(storage, filename)} holds exactly {@code data}.
     *
     * <p>Refusals, before anything is written; the first two, in this order, before anything is
     * sent ({@link StorageContent#checkUpload}, which every backend calls first):
     * <ul>
     *   <li>{@link UnsupportedOperationException} when {@code content} is not in
     *       {@link #uploadableContent()}, naming the content and the backend;</li>
     *   <li>{@link ParameterRejectedException} for a file name Proxmox would refuse or rename
     *       ({@link StorageContent#filenameErrors});</li>
     *   <li>{@link NotFoundException} for an unknown node or storage;</li>
     *   <li>a storage that does not allow {@code content}: Proxmox's {@code storage 'x' does not
     *       support 'iso' content} (pve-storage {@code Status.pm} upload) as a
     *       {@link HypervisorException}, thrown or from the task;</li>
     *   <li>not enough room: from the task, or thrown.</li>
     * </ul>
     * The API backend's upload is an {@code imgcopy} task; others may have written the file already
     * when the task is returned.
     */
    Task uploadFile(String node, String storage, StorageContent content, String filename, byte[] data);

    /**
     * Deletes a volume ({@code DELETE /nodes/{node}/storage/{storage}/content/{volume}}, an
     * {@code imgdel} task). Deleting a file that is not there is not an error: Proxmox's worker
     * only warns ({@code disk image '...' does not exist}, pve-storage {@code Plugin.pm}
     * {@code free_image}), so the task ends with warnings or OK. Throws {@link NotFoundException}
     * for an unknown node or storage.
     */
    Task deleteVolume(String node, String volid);

    // ---- tasks (TaskTracker) ------------------------------------------------------------

    /** One reading of a task's status. Throws {@link NotFoundException} for an unknown UPID. */
    @Override
    TaskStatus taskStatus(Upid upid);

    /** The last {@code lines} lines of a task's log, oldest first. */
    @Override
    List<String> taskLog(Upid upid, int lines);

    /** Releases connections and threads. Idempotent. */
    @Override
    void close();
}
