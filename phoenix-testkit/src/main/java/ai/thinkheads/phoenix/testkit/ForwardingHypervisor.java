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
import ai.thinkheads.phoenix.hypervisor.PendingChanges;
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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link Hypervisor} that forwards every primitive to another (guava's {@code Forwarding*}
 * style): override what a decorator changes — count calls, inject latency, or, as the backend
 * contract tests do, close a simulator along with the client in {@link #close()}.
 */
public abstract class ForwardingHypervisor implements Hypervisor {

    /** The hypervisor every call goes to. */
    protected abstract Hypervisor delegate();

    /** Forwards to {@link #delegate()}'s own {@code findVm}, which a backend may do in one request. */
    @Override
    public Optional<VmSummary> findVm(int vmid) {
        return delegate().findVm(vmid);
    }

    /** Forwards to {@link #delegate()}'s own {@code getConfigs}, which a backend may do in one request. */
    @Override
    public Map<Integer, VmConfig> getConfigs(Collection<VmRef> vms, int parallelism) {
        return delegate().getConfigs(vms, parallelism);
    }

    @Override
    public List<VmSummary> listVms() {
        return delegate().listVms();
    }

    @Override
    public List<NodeResources> listNodes() {
        return delegate().listNodes();
    }

    @Override
    public List<StorageInfo> listStorages(String node) {
        return delegate().listStorages(node);
    }

    @Override
    public List<String> listBridges(String node) {
        return delegate().listBridges(node);
    }

    @Override
    public int nextFreeVmid() {
        return delegate().nextFreeVmid();
    }

    @Override
    public VmConfig getConfig(VmRef vm) {
        return delegate().getConfig(vm);
    }

    @Override
    public PendingChanges getPending(VmRef vm) {
        return delegate().getPending(vm);
    }

    @Override
    public Task create(CreateRequest request) {
        return delegate().create(request);
    }

    @Override
    public Task updateConfig(VmRef vm, ConfigUpdate update) {
        return delegate().updateConfig(vm, update);
    }

    @Override
    public Task resizeDisk(VmRef vm, String disk, DiskSize newSize) {
        return delegate().resizeDisk(vm, disk, newSize);
    }

    @Override
    public Task start(VmRef vm) {
        return delegate().start(vm);
    }

    @Override
    public Task stop(VmRef vm) {
        return delegate().stop(vm);
    }

    @Override
    public Task shutdown(VmRef vm, ShutdownOptions options) {
        return delegate().shutdown(vm, options);
    }

    @Override
    public Task reboot(VmRef vm) {
        return delegate().reboot(vm);
    }

    @Override
    public Task clone(VmRef source, CloneRequest request) {
        return delegate().clone(source, request);
    }

    @Override
    public Task convertToTemplate(VmRef vm) {
        return delegate().convertToTemplate(vm);
    }

    @Override
    public Task destroy(VmRef vm, DestroyOptions options) {
        return delegate().destroy(vm, options);
    }

    @Override
    public List<Snapshot> listSnapshots(VmRef vm) {
        return delegate().listSnapshots(vm);
    }

    @Override
    public Task createSnapshot(VmRef vm, String name, String description, boolean withRamState) {
        return delegate().createSnapshot(vm, name, description, withRamState);
    }

    @Override
    public Task rollbackSnapshot(VmRef vm, String name) {
        return delegate().rollbackSnapshot(vm, name);
    }

    @Override
    public Task deleteSnapshot(VmRef vm, String name) {
        return delegate().deleteSnapshot(vm, name);
    }

    @Override
    public void agentPing(VmRef vm) {
        delegate().agentPing(vm);
    }

    @Override
    public List<GuestInterface> agentNetworkInterfaces(VmRef vm) {
        return delegate().agentNetworkInterfaces(vm);
    }

    @Override
    public int agentExec(VmRef vm, List<String> command, String stdin) {
        return delegate().agentExec(vm, command, stdin);
    }

    @Override
    public GuestExecStatus agentExecStatus(VmRef vm, int pid) {
        return delegate().agentExecStatus(vm, pid);
    }

    @Override
    public List<StorageVolume> listVolumes(String node, String storage,
            StorageContent content) {
        return delegate().listVolumes(node, storage, content);
    }

    @Override
    public Set<StorageContent> uploadableContent() {
        return delegate().uploadableContent();
    }

    @Override
    public Task uploadFile(String node, String storage, StorageContent content,
                           String filename, byte[] data) {
        return delegate().uploadFile(node, storage, content, filename, data);
    }

    @Override
    public Task deleteVolume(String node, String volid) {
        return delegate().deleteVolume(node, volid);
    }

    @Override
    public TaskStatus taskStatus(Upid upid) {
        return delegate().taskStatus(upid);
    }

    @Override
    public List<String> taskLog(Upid upid, int lines) {
        return delegate().taskLog(upid, lines);
    }

    @Override
    public void close() {
        delegate().close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate() + "]";
    }
}
