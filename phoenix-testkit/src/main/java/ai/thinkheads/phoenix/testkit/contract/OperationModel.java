package ai.thinkheads.phoenix.testkit.contract;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.AlreadyExistsException;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigModifiedException;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskFailedException;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.Transformer;

/**
 * The state of one run of the stateful contract property: the hypervisor under test and the
 * simple model it must agree with (which VMs exist, their power state, template flag, disk size,
 * snapshots and linked-clone parents). Each operation acts on both and checks the backend's answer,
 * including the refusals Proxmox makes.
 */
final class OperationModel implements AutoCloseable {

    static final List<String> SNAPSHOT_NAMES = List.of("alpha", "beta", "gamma");

    /** What the model expects of one VM. */
    static final class Expected {
        PowerState state = PowerState.STOPPED;
        boolean template;
        long diskBytes;
        final Map<String, Long> snapshots = new LinkedHashMap<>();
        Integer linkedFrom;

        Expected(long diskBytes) {
            this.diskBytes = diskBytes;
        }
    }

    private final ContractFixture fixture;
    private final Hypervisor hv;
    private final Duration timeout;
    final TreeMap<Integer, Expected> vms = new TreeMap<>();
    /** How many operations the backend refused as the model expected. */
    int refusals;

    OperationModel(ContractFixture fixture, Duration timeout) {
        this.fixture = fixture;
        this.hv = fixture.hypervisor();
        this.timeout = timeout;
    }

    @Override
    public void close() {
        hv.close();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("model{");
        vms.forEach((id, e) -> sb.append(id).append(':').append(e.state).append(e.template ? "/template" : "")
                .append('/').append(new DiskSize(e.diskBytes)).append(e.snapshots.keySet())
                .append(e.linkedFrom == null ? "" : "<-" + e.linkedFrom).append(' '));
        return sb.append('}').toString();
    }

    private VmRef ref(int vmid) {
        return VmRef.of(fixture.node(), vmid);
    }

    private boolean snapshots() {
        return fixture.has(Capability.SNAPSHOTS);
    }

    // ---- the check after every step --------------------------------------------------------

    void verify() {
        List<VmSummary> listed = hv.listVms().stream().filter(v -> v.node().equals(fixture.node()) && fixture.owns(v.vmid()))
                .toList();
        Set<Integer> ids = new TreeSet<>();
        listed.forEach(v -> ids.add(v.vmid()));
        check(ids.equals(vms.keySet()), "VMs listed " + ids + " but the model has " + vms.keySet());
        for (VmSummary v : listed) {
            Expected e = vms.get(v.vmid());
            check(v.state() == e.state, "VM " + v.vmid() + " is " + v.state() + ", expected " + e.state);
            check(v.template() == e.template, "VM " + v.vmid() + " template=" + v.template() + ", expected " + e.template);
            check(v.lock() == null, "VM " + v.vmid() + " still locked (" + v.lock() + ")");
            VmConfig config = hv.getConfig(ref(v.vmid()));
            long size = DiskSize.parse(PropertyString.parse(config.get("scsi0").orElseThrow(), "file").get("size").orElseThrow()).bytes();
            check(size == e.diskBytes, "VM " + v.vmid() + " scsi0 is " + new DiskSize(size) + ", expected " + new DiskSize(e.diskBytes));
            if (snapshots()) {
                List<String> names = hv.listSnapshots(ref(v.vmid())).stream().map(Snapshot::name).toList();
                check(new TreeSet<>(names).equals(new TreeSet<>(e.snapshots.keySet())),
                        "VM " + v.vmid() + " has snapshots " + names + ", expected " + e.snapshots.keySet());
            }
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    private void await(Task task) {
        task.await(timeout);
    }

    /** The operation must be refused: thrown as {@code type}, or as a failed task, with {@code fragment} in the message. */
    static void refused(Class<? extends HypervisorException> type, String fragment, Supplier<Task> operation, Duration timeout) {
        Task task;
        try {
            task = operation.get();
        } catch (HypervisorException e) {
            if (!type.isInstance(e) || !e.getMessage().contains(fragment)) {
                throw new AssertionError("expected " + type.getSimpleName() + " with '" + fragment + "', got " + e, e);
            }
            return;
        }
        try {
            task.await(timeout);
        } catch (TaskFailedException e) {
            if (!e.exitStatus().contains(fragment)) {
                throw new AssertionError("expected the task to fail with '" + fragment + "', got " + e.exitStatus(), e);
            }
            return;
        }
        throw new AssertionError("expected a refusal with '" + fragment + "', but the operation succeeded");
    }

    private void refused(Class<? extends HypervisorException> type, String fragment, Supplier<Task> operation) {
        refused(type, fragment, operation, timeout);
        refusals++;
    }

    // ---- operations ------------------------------------------------------------------------

    void create(int sizeGiB) {
        int vmid = fixture.freeVmid();
        check(!vms.containsKey(vmid), "the free VMID " + vmid + " exists");
        await(hv.create(CreateRequest.of(fixture.node(), vmid, Map.of("name", "c" + vmid, "memory", "256",
                "scsi0", fixture.imagesStorage() + ":" + sizeGiB))));
        vms.put(vmid, new Expected((long) sizeGiB << 30));
    }

    void createExisting(int vmid) {
        try {
            hv.create(CreateRequest.of(fixture.node(), vmid, Map.of("memory", "256"))).await(timeout);
        } catch (AlreadyExistsException e) {
            check(e.getMessage().contains("VM " + vmid + " already exists"), "unexpected message: " + e.getMessage());
            refusals++;
            return;
        }
        throw new AssertionError("creating existing VM " + vmid + " succeeded");
    }

    void cloneVm(int source, boolean full) {
        Expected src = vms.get(source);
        if (!full && !src.template) {
            refused(WrongStateException.class, "Linked clone feature is not supported",
                    () -> hv.clone(ref(source), CloneRequest.linked(fixture.freeVmid(), "linked")));
            return;
        }
        int newid = fixture.freeVmid();
        await(hv.clone(ref(source), full ? CloneRequest.full(newid, "k" + newid) : CloneRequest.linked(newid, "k" + newid)));
        Expected clone = new Expected(src.diskBytes);
        clone.linkedFrom = full ? null : source;
        vms.put(newid, clone);
    }

    void start(int vmid) {
        Expected e = vms.get(vmid);
        if (e.template) {
            refused(WrongStateException.class, "you can't start a vm if it's a template", () -> hv.start(ref(vmid)));
        } else if (e.state != PowerState.STOPPED) {
            refused(WrongStateException.class, "already running", () -> hv.start(ref(vmid)));
        } else {
            await(hv.start(ref(vmid)));
            e.state = PowerState.RUNNING;
        }
    }

    void stop(int vmid) {
        await(hv.stop(ref(vmid)));
        vms.get(vmid).state = PowerState.STOPPED;
    }

    void resize(int vmid, int sizeGiB) {
        Expected e = vms.get(vmid);
        long bytes = (long) sizeGiB << 30;
        if (bytes < e.diskBytes) {
            refused(WrongStateException.class, "shrinking disks is not supported",
                    () -> hv.resizeDisk(ref(vmid), "scsi0", DiskSize.ofGiB(sizeGiB)));
        } else {
            await(hv.resizeDisk(ref(vmid), "scsi0", DiskSize.ofGiB(sizeGiB)));
            e.diskBytes = bytes;
        }
    }

    void snapshot(int vmid, String name) {
        Expected e = vms.get(vmid);
        if (e.template) {
            refused(WrongStateException.class, "you can't take a snapshot if it's a template",
                    () -> hv.createSnapshot(ref(vmid), name, "", false));
        } else if (e.snapshots.containsKey(name)) {
            refused(AlreadyExistsException.class, "snapshot name '" + name + "' already used",
                    () -> hv.createSnapshot(ref(vmid), name, "", false));
        } else {
            await(hv.createSnapshot(ref(vmid), name, "step " + name, false));
            e.snapshots.put(name, e.diskBytes);
        }
    }

    void rollback(int vmid, String name) {
        Expected e = vms.get(vmid);
        if (e.template) {
            refused(WrongStateException.class, "you can't rollback if vm is a template", () -> hv.rollbackSnapshot(ref(vmid), name));
        } else if (!e.snapshots.containsKey(name)) {
            refused(ai.thinkheads.phoenix.hypervisor.NotFoundException.class, "snapshot '" + name + "' does not exist",
                    () -> hv.rollbackSnapshot(ref(vmid), name));
        } else {
            await(hv.rollbackSnapshot(ref(vmid), name));
            e.state = PowerState.STOPPED;
            e.diskBytes = e.snapshots.get(name);
        }
    }

    void deleteSnapshot(int vmid, String name) {
        Expected e = vms.get(vmid);
        if (e.template) {
            refused(WrongStateException.class, "you can't delete a snapshot if vm is a template", () -> hv.deleteSnapshot(ref(vmid), name));
        } else if (!e.snapshots.containsKey(name)) {
            refused(ai.thinkheads.phoenix.hypervisor.NotFoundException.class, "snapshot '" + name + "' does not exist",
                    () -> hv.deleteSnapshot(ref(vmid), name));
        } else {
            await(hv.deleteSnapshot(ref(vmid), name));
            e.snapshots.remove(name);
        }
    }

    void destroy(int vmid) {
        Expected e = vms.get(vmid);
        boolean hasLinkedClones = vms.values().stream().anyMatch(o -> Integer.valueOf(vmid).equals(o.linkedFrom));
        if (e.state != PowerState.STOPPED) {
            refused(WrongStateException.class, "VM " + vmid + " is running - destroy failed",
                    () -> hv.destroy(ref(vmid), DestroyOptions.plain()));
        } else if (hasLinkedClones) {
            refused(WrongStateException.class, "is still in use by linked clone", () -> hv.destroy(ref(vmid), DestroyOptions.plain()));
        } else {
            await(hv.destroy(ref(vmid), DestroyOptions.everything()));
            vms.remove(vmid);
        }
    }

    /**
     * Changes the description with the digest just read, then once more with that digest. The
     * digest is the SHA-1 of the config file, so it is stale only if the first write changed the
     * file: writing the description it already had leaves it current, and then the second write
     * must succeed.
     */
    void describe(int vmid, String text) {
        String digest = hv.getConfig(ref(vmid)).digest();
        await(hv.updateConfig(ref(vmid), ConfigUpdate.set("description", text).ifDigest(digest)));
        VmConfig after = hv.getConfig(ref(vmid));
        check(text.equals(after.get("description").orElse(null)), "description of " + vmid + " not set");
        if (after.digest().equals(digest)) {
            await(hv.updateConfig(ref(vmid), ConfigUpdate.set("description", text + " again").ifDigest(digest)));
            check((text + " again").equals(hv.getConfig(ref(vmid)).get("description").orElse(null)),
                    "description of " + vmid + " not set with a digest that was still current");
            return;
        }
        try {
            await(hv.updateConfig(ref(vmid), ConfigUpdate.set("description", text + " again").ifDigest(digest)));
        } catch (ConfigModifiedException e) {
            refusals++;
            return;
        }
        throw new AssertionError("an update with a stale digest of VM " + vmid + " succeeded");
    }

    void template(int vmid) {
        Expected e = vms.get(vmid);
        if (!e.snapshots.isEmpty()) {
            refused(WrongStateException.class, "unable to create template, because VM contains snapshots",
                    () -> hv.convertToTemplate(ref(vmid)));
        } else if (e.template) {
            refused(WrongStateException.class, "you can't convert a template to a template", () -> hv.convertToTemplate(ref(vmid)));
        } else if (e.state != PowerState.STOPPED) {
            refused(WrongStateException.class, "you can't convert a VM to template if VM is running",
                    () -> hv.convertToTemplate(ref(vmid)));
        } else {
            await(hv.convertToTemplate(ref(vmid)));
            e.template = true;
        }
    }

    // ---- the actions jqwik chooses from ----------------------------------------------------

    static List<Action<OperationModel>> actions(ContractFixture fixture) {
        List<Action<OperationModel>> actions = new ArrayList<>();
        actions.add(new Create());
        actions.add(new OnExisting("create an existing VMID", (s, id) -> Arbitraries.just(
                Transformer.mutate("create existing " + id, m -> m.createExisting(id)))));
        boolean linked = fixture.has(Capability.LINKED_CLONES);
        actions.add(new OnExisting("clone", (s, id) -> (linked ? Arbitraries.of(true, false) : Arbitraries.just(true))
                .map(full -> Transformer.mutate((full ? "full" : "linked") + " clone of " + id, m -> m.cloneVm(id, full)))));
        actions.add(new OnExisting("start", (s, id) -> Arbitraries.just(Transformer.mutate("start " + id, m -> m.start(id)))));
        actions.add(new OnExisting("stop", (s, id) -> Arbitraries.just(Transformer.mutate("stop " + id, m -> m.stop(id)))));
        actions.add(new OnExisting("resize", (s, id) -> s.vms.get(id).template ? Arbitraries.just(Transformer.noop())
                : Arbitraries.integers().between(1, 8).map(g -> Transformer.mutate("resize " + id + " scsi0 to " + g + "G",
                        m -> m.resize(id, g)))));
        actions.add(new OnExisting("destroy", (s, id) -> Arbitraries.just(Transformer.mutate("destroy " + id, m -> m.destroy(id)))));
        actions.add(new OnExisting("describe", (s, id) -> Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)
                .map(text -> Transformer.mutate("describe " + id + " as " + text, m -> m.describe(id, text)))));
        actions.add(new OnExisting("template", (s, id) -> Arbitraries.just(Transformer.mutate("template " + id, m -> m.template(id)))));
        if (fixture.has(Capability.SNAPSHOTS)) {
            actions.add(new OnExisting("snapshot", (s, id) -> Arbitraries.of(SNAPSHOT_NAMES)
                    .map(n -> Transformer.mutate("snapshot " + id + " " + n, m -> m.snapshot(id, n)))));
            actions.add(new OnExisting("rollback", (s, id) -> Arbitraries.of(SNAPSHOT_NAMES)
                    .map(n -> Transformer.mutate("rollback " + id + " to " + n, m -> m.rollback(id, n)))));
            actions.add(new OnExisting("delete snapshot", (s, id) -> Arbitraries.of(SNAPSHOT_NAMES)
                    .map(n -> Transformer.mutate("delete snapshot " + n + " of " + id, m -> m.deleteSnapshot(id, n)))));
        }
        return actions;
    }

    /** Creates a VM with a 1–4 GiB disk; always possible. */
    static final class Create implements Action.Independent<OperationModel> {
        @Override
        public Arbitrary<Transformer<OperationModel>> transformer() {
            return Arbitraries.integers().between(1, 4).map(g -> Transformer.mutate("create with " + g + "G", m -> m.create(g)));
        }
    }

    interface Step {
        Arbitrary<Transformer<OperationModel>> on(OperationModel state, int vmid);
    }

    /** An operation on one of the VMs the model knows, when there is one. */
    static final class OnExisting implements Action.Dependent<OperationModel> {
        private final String name;
        private final Step step;

        OnExisting(String name, Step step) {
            this.name = name;
            this.step = step;
        }

        @Override
        public boolean precondition(OperationModel state) {
            return !state.vms.isEmpty();
        }

        @Override
        public Arbitrary<Transformer<OperationModel>> transformer(OperationModel state) {
            return Arbitraries.of(new ArrayList<>(state.vms.keySet())).flatMap(id -> step.on(state, id));
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
