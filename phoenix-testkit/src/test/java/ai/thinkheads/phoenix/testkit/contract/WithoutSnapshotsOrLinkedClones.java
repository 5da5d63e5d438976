package ai.thinkheads.phoenix.testkit.contract;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.ShutdownOptions;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.StorageVolume;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import java.util.List;
import java.util.Set;

/** A backend that cannot do snapshots or linked clones, as a stand-in for one: refuses them with UnsupportedOperationException. */
final class WithoutSnapshotsOrLinkedClones implements Hypervisor {
    private final Hypervisor d;

    WithoutSnapshotsOrLinkedClones(Hypervisor delegate) {
        this.d = delegate;
    }

    private static UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException(what + " is not supported by this backend");
    }

    @Override public List<VmSummary> listVms() { return d.listVms(); }
    @Override public List<NodeResources> listNodes() { return d.listNodes(); }
    @Override public List<StorageInfo> listStorages(String node) { return d.listStorages(node); }
    @Override public List<String> listBridges(String node) { return d.listBridges(node); }
    @Override public List<StorageVolume> listVolumes(String node, String storage, StorageContent content) {
        return d.listVolumes(node, storage, content);
    }
    /** Like the API backend, it writes only ISO images. */
    @Override public Set<StorageContent> uploadableContent() { return Set.of(StorageContent.ISO); }
    @Override public Task uploadFile(String node, String storage, StorageContent content, String filename, byte[] data) {
        if (content != StorageContent.ISO) {
            throw unsupported("uploading '" + content.word() + "' content");
        }
        return d.uploadFile(node, storage, content, filename, data);
    }
    @Override public Task deleteVolume(String node, String volid) { return d.deleteVolume(node, volid); }
    @Override public int nextFreeVmid() { return d.nextFreeVmid(); }
    @Override public VmConfig getConfig(VmRef vm) { return d.getConfig(vm); }
    @Override public ai.thinkheads.phoenix.hypervisor.PendingChanges getPending(VmRef vm) { return d.getPending(vm); }
    @Override public Task create(CreateRequest request) { return d.create(request); }
    @Override public Task updateConfig(VmRef vm, ConfigUpdate update) { return d.updateConfig(vm, update); }
    @Override public Task resizeDisk(VmRef vm, String disk, DiskSize newSize) { return d.resizeDisk(vm, disk, newSize); }
    @Override public Task start(VmRef vm) { return d.start(vm); }
    @Override public Task stop(VmRef vm) { return d.stop(vm); }
    @Override public Task shutdown(VmRef vm, ShutdownOptions options) { return d.shutdown(vm, options); }
    @Override public Task reboot(VmRef vm) { return d.reboot(vm); }

    @Override
    public Task clone(VmRef source, CloneRequest request) {
        if (!request.full()) {
            throw unsupported("a linked clone");
        }
        return d.clone(source, request);
    }

    @Override public Task convertToTemplate(VmRef vm) { return d.convertToTemplate(vm); }
    @Override public Task destroy(VmRef vm, DestroyOptions options) { return d.destroy(vm, options); }
    @Override public List<Snapshot> listSnapshots(VmRef vm) { throw unsupported("listing snapshots"); }
    @Override public Task createSnapshot(VmRef vm, String name, String description, boolean withRamState) { throw unsupported("a snapshot"); }
    @Override public Task rollbackSnapshot(VmRef vm, String name) { throw unsupported("a rollback"); }
    @Override public Task deleteSnapshot(VmRef vm, String name) { throw unsupported("deleting a snapshot"); }
    @Override public void agentPing(VmRef vm) { d.agentPing(vm); }
    @Override public List<GuestInterface> agentNetworkInterfaces(VmRef vm) { return d.agentNetworkInterfaces(vm); }
    @Override public int agentExec(VmRef vm, List<String> command, String stdin) { return d.agentExec(vm, command, stdin); }
    @Override public GuestExecStatus agentExecStatus(VmRef vm, int pid) { return d.agentExecStatus(vm, pid); }
    @Override public TaskStatus taskStatus(Upid upid) { return d.taskStatus(upid); }
    @Override public List<String> taskLog(Upid upid, int lines) { return d.taskLog(upid, lines); }
    @Override public void close() { d.close(); }
}
