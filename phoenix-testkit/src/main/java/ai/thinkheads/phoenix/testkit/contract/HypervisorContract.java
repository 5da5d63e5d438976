package ai.thinkheads.phoenix.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.AlreadyExistsException;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConflictException;
import ai.thinkheads.phoenix.hypervisor.ConfigModifiedException;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.StorageVolume;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskFailedException;
import ai.thinkheads.phoenix.hypervisor.TaskResult;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import ai.thinkheads.phoenix.testing.ThoroughSuite;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.PendingChange;
import ai.thinkheads.phoenix.hypervisor.PendingChanges;
import ai.thinkheads.phoenix.plan.ChangeKind;
import ai.thinkheads.phoenix.plan.KeyChange;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.VmPlan;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.Set;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Supplier;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Hypervisor} must show, written once and run against each backend
 * (docker-java TCK style). To run it, extend it and implement {@link #fixture()}:
 *
 * <pre>{@code
 * class MyBackendContractTest extends HypervisorContract {
 *     @Override
 *     protected ContractFixture fixture() {
 *         return new ContractFixture(newBackend(), "pve", "local-lvm", "local", null,
 *                 TimeSource.system(), EnumSet.of(Capability.SNAPSHOTS, Capability.LINKED_CLONES));
 *     }
 *     @Override
 *     protected int statefulTries() { return 50; }      // a real cluster is slow
 * }
 * }</pre>
 *
 * <p>The JUnit Jupiter tests pin single rules: not-found semantics, create and read back, digest
 * concurrency, VMID rules, clone/template/resize/destroy/snapshot rules, task outcomes, the guest
 * agent and parameter validation. Where Proxmox checks a rule inside the task's worker, a backend
 * may report it either by throwing from the primitive (the named exception type) or by a task that
 * fails with Proxmox's text; both pass.
 *
 * <p>The jqwik property {@link #randomOperationSequencesMatchASimpleModel} runs random sequences of
 * create/clone/start/stop/resize/snapshot/rollback/destroy/template against a small model,
 * {@link #statefulTries()} times (1000 by default), {@link #thoroughStatefulTries()} times in the
 * thorough suite ({@code -Pthorough}); the system property {@code phoenix.contract.tries} overrides
 * both for every backend. jqwik does not run Jupiter's
 * {@code @BeforeEach}: each try gets its own {@link #fixture()}.
 *
 * <p>On a real cluster shared with other VMs the fixture names the VMIDs the run owns
 * ({@link ContractFixture#withVmids}): every VM the contract creates takes its VMID from
 * {@link ContractFixture#freeVmid()}, the stateful property compares only those VMs, and nothing
 * outside the range is created, changed or destroyed.
 *
 * <p>Capabilities: behaviour a backend cannot offer at all ({@link Capability#SNAPSHOTS},
 * {@link Capability#LINKED_CLONES}) must be refused with {@link UnsupportedOperationException} when
 * not declared; behaviour that needs something of the cluster ({@link Capability#GUEST_AGENT}: a
 * guest with an agent; {@link Capability#IMPORT_FROM}: an image) is skipped when not declared.
 */
public abstract class HypervisorContract {

    /** System property that overrides {@link #statefulTries()} for every backend. */
    public static final String TRIES_PROPERTY = "phoenix.contract.tries";

    private ContractFixture fx;
    private Hypervisor hv;

    /** A fresh hypervisor over a cluster in a known state; called once per test and once per property try. */
    /**
     * Whether a request carries one of the invalid parameters this contract sends on purpose (to
     * check that they are refused per parameter): a schema audit of a backend run excludes these
     * from the refusals that count as defects.
     */
    public static boolean provokedRejection(Map<String, List<String>> params) {
        return params.containsKey("frobnicate")
                || List.of("plan9").equals(params.get("ostype"))
                || List.of("lots").equals(params.get("memory"));
    }

    protected abstract ContractFixture fixture();

    /** How many sequences the stateful property runs: {@value #DEFAULT_TRIES} unless overridden. */
    protected int statefulTries() {
        return DEFAULT_TRIES;
    }

    /** Default of {@link #statefulTries()}. */
    public static final int DEFAULT_TRIES = 1000;

    /**
     * How many sequences the stateful property runs in the thorough suite ({@code -Pthorough}, system
     * property {@code phoenix.thorough}): {@link #statefulTries()} unless overridden. A backend whose
     * tries are expensive runs fewer in every build and more here.
     */
    protected int thoroughStatefulTries() {
        return statefulTries();
    }

    /** At most how many operations one sequence has. */
    protected int maxOperationsPerSequence() {
        return 20;
    }

    /** How long to wait for one task (virtual time on a fake clock). */
    protected Duration taskTimeout() {
        return Duration.ofMinutes(10);
    }

    /** How long a started guest may take until its agent answers. */
    protected Duration agentTimeout() {
        return Duration.ofMinutes(5);
    }

    @BeforeEach
    final void openFixture() {
        fx = fixture();
        hv = fx.hypervisor();
    }

    @AfterEach
    final void closeFixture() {
        if (hv != null) {
            hv.close();
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    private VmRef ref(int vmid) {
        return VmRef.of(fx.node(), vmid);
    }

    private TaskResult await(Task task) {
        return task.await(taskTimeout());
    }

    /** Creates a stopped VM with a {@code sizeGiB} disk on scsi0 and returns its reference. */
    private VmRef createVm(int sizeGiB, Map<String, String> extra) {
        int vmid = fx.freeVmid();
        Map<String, String> config = new TreeMap<>(Map.of("name", "contract-" + vmid, "memory", "512",
                "scsi0", fx.imagesStorage() + ":" + sizeGiB));
        config.putAll(extra);
        await(hv.create(CreateRequest.of(fx.node(), vmid, config)));
        return ref(vmid);
    }

    private String disk(VmRef vm, String key) {
        return hv.getConfig(vm).get(key).orElseThrow(() -> new AssertionError(vm + " has no " + key));
    }

    private static long size(String drive) {
        return DiskSize.parse(PropertyString.parse(drive, "file").get("size").orElseThrow(
                () -> new AssertionError("no size in " + drive))).bytes();
    }

    private void refused(Class<? extends HypervisorException> type, String fragment, Supplier<Task> operation) {
        OperationModel.refused(type, fragment, operation, taskTimeout());
    }

    // ---- not found ------------------------------------------------------------------------

    @Test
    void aMissingVmIsEmptyForFindAndNotFoundForEverythingElse() {
        int vmid = fx.freeVmid();
        assertEquals(Optional.empty(), hv.findVm(vmid));
        assertThrows(NotFoundException.class, () -> hv.getConfig(ref(vmid)));
        assertThrows(NotFoundException.class, () -> hv.start(ref(vmid)));
        assertThrows(NotFoundException.class, () -> hv.destroy(ref(vmid), DestroyOptions.plain()));
        assertThrows(NotFoundException.class, () -> hv.listStorages("no-such-node"));
    }

    @Test
    void aVmAddressedOnTheWrongNodeIsNotFound() {
        VmRef vm = createVm(1, Map.of());
        String other = hv.listNodes().stream().map(n -> n.node()).filter(n -> !n.equals(fx.node())).findFirst()
                .orElse("no-such-node");
        assertThrows(NotFoundException.class, () -> hv.getConfig(VmRef.of(other, vm.vmid())));
    }

    // ---- create / config ------------------------------------------------------------------

    @Test
    void createdConfigReadsBackAsProxmoxStoresIt() {
        int vmid = fx.freeVmid();
        await(hv.create(CreateRequest.of(fx.node(), vmid, Map.of("name", "web01", "memory", "1024", "cores", "2",
                "net0", "virtio,bridge=vmbr0", "scsi0", fx.imagesStorage() + ":2"))));
        VmConfig config = hv.getConfig(ref(vmid));
        assertEquals("web01", config.get("name").orElseThrow());
        assertEquals("1024", config.get("memory").orElseThrow());
        assertEquals("2", config.get("cores").orElseThrow());
        assertTrue(config.get("net0").orElseThrow().matches("virtio=([0-9A-F]{2}:){5}[0-9A-F]{2},bridge=vmbr0"),
                "a MAC is generated: " + config.get("net0"));
        String scsi0 = config.get("scsi0").orElseThrow();
        assertTrue(scsi0.startsWith(fx.imagesStorage() + ":") && scsi0.contains("vm-" + vmid + "-disk-0"), scsi0);
        assertEquals(2L << 30, size(scsi0));
        assertTrue(config.digest().matches("[0-9a-f]{40}"), "digest is a SHA-1: " + config.digest());
        assertFalse(config.lock().isPresent());
        VmSummary summary = hv.findVm(vmid).orElseThrow();
        assertEquals(PowerState.STOPPED, summary.state());
        assertEquals("web01", summary.name());
        assertTrue(hv.listVms().stream().anyMatch(v -> v.vmid() == vmid));
    }

    @Test
    void aCloudInitDriveBecomesAVolume() {
        VmRef vm = createVm(1, Map.of("ide2", fx.imagesStorage() + ":cloudinit", "ipconfig0", "ip=dhcp"));
        String ide2 = disk(vm, "ide2");
        assertTrue(ide2.startsWith(fx.imagesStorage() + ":") && ide2.contains("vm-" + vm.vmid() + "-cloudinit")
                && ide2.contains("media=cdrom"), ide2);
    }

    @Test
    void importFromCreatesAVolumeAndIsNotStored() {
        Assumptions.assumeTrue(fx.has(Capability.IMPORT_FROM), "backend fixture has no image to import");
        VmRef vm = createVm(1, Map.of("scsi1", fx.imagesStorage() + ":0,import-from=" + fx.importSource()));
        String scsi1 = disk(vm, "scsi1");
        assertFalse(scsi1.contains("import-from"), scsi1);
        assertTrue(scsi1.contains("vm-" + vm.vmid() + "-disk-") && scsi1.contains("size="), scsi1);
    }

    @Test
    void configChangesAreGuardedByTheDigest() {
        VmRef vm = createVm(1, Map.of());
        String digest = hv.getConfig(vm).digest();
        await(hv.updateConfig(vm, ConfigUpdate.set("description", "first").ifDigest(digest)));
        String changed = hv.getConfig(vm).digest();
        assertNotEquals(digest, changed);
        assertThrows(ConfigModifiedException.class,
                () -> await(hv.updateConfig(vm, ConfigUpdate.set("description", "second").ifDigest(digest))));
        assertEquals("first", hv.getConfig(vm).get("description").orElseThrow());
        await(hv.updateConfig(vm, ConfigUpdate.delete("description").ifDigest(changed)));
        assertFalse(hv.getConfig(vm).get("description").isPresent());
    }

    @Test
    void unknownKeysAndBadValuesAreRejectedPerParameter() {
        int vmid = fx.freeVmid();
        ParameterRejectedException e = assertThrows(ParameterRejectedException.class, () -> hv.create(
                CreateRequest.of(fx.node(), vmid, Map.of("memory", "lots", "frobnicate", "1", "cores", "0"))));
        assertTrue(e.errors().keySet().containsAll(List.of("memory", "frobnicate", "cores")), e.errors().toString());
        assertTrue(e.errors().get("frobnicate").contains("property is not defined in schema"), e.errors().toString());
        assertTrue(e.errors().get("cores").contains("minimum value of 1"), e.errors().toString());
        assertEquals(Optional.empty(), hv.findVm(vmid));
        VmRef vm = createVm(1, Map.of());
        ParameterRejectedException onUpdate = assertThrows(ParameterRejectedException.class,
                () -> await(hv.updateConfig(vm, ConfigUpdate.set("ostype", "plan9"))));
        assertTrue(onUpdate.errors().get("ostype").contains("does not have a value in the enumeration"), onUpdate.errors().toString());
    }

    @Test
    void aDiskOnAStorageWithoutImagesContentIsRejected() {
        Assumptions.assumeTrue(fx.nonImagesStorageIfAny().isPresent(), "fixture names no storage without images content");
        int vmid = fx.freeVmid();
        ParameterRejectedException e = assertThrows(ParameterRejectedException.class, () -> hv.create(
                CreateRequest.of(fx.node(), vmid, Map.of("scsi0", fx.nonImagesStorage() + ":1"))));
        assertTrue(e.getMessage().contains("does not support vm images"), e.getMessage());
    }

    // ---- VMIDs ----------------------------------------------------------------------------

    @Test
    void nextFreeVmidIsFreeAndMovesOnOnceTaken() {
        int first = hv.nextFreeVmid();
        assertTrue(first >= 100);
        assertEquals(Optional.empty(), hv.findVm(first));
        Assumptions.assumeTrue(fx.owns(first), "nextid " + first + " is outside the VMIDs this run owns: not taking it");
        await(hv.create(CreateRequest.of(fx.node(), first, Map.of("name", "contract-" + first, "memory", "512"))));
        assertNotEquals(first, hv.nextFreeVmid());
    }

    @Test
    void aTakenVmidCannotBeCreatedAgain() {
        VmRef vm = createVm(1, Map.of());
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
                () -> await(hv.create(CreateRequest.of(fx.node(), vm.vmid(), Map.of("memory", "512")))));
        assertTrue(e.getMessage().contains("VM " + vm.vmid() + " already exists"), e.getMessage());
        assertTrue(hv.getConfig(vm).get("scsi0").isPresent(), "the existing VM is untouched");
    }

    // ---- clone / template -----------------------------------------------------------------

    @Test
    void linkedClonesOnlyFromTemplates() {
        VmRef vm = createVm(2, Map.of());
        if (!fx.has(Capability.LINKED_CLONES)) {
            assertThrows(UnsupportedOperationException.class,
                    () -> hv.clone(vm, CloneRequest.linked(fx.freeVmid(), "linked")));
            return;
        }
        refused(WrongStateException.class, "Linked clone feature is not supported",
                () -> hv.clone(vm, CloneRequest.linked(fx.freeVmid(), "linked")));
        await(hv.convertToTemplate(vm));
        assertTrue(hv.findVm(vm.vmid()).orElseThrow().template());
        String base = disk(vm, "scsi0");
        assertTrue(base.contains("base-" + vm.vmid() + "-disk-0"), "template disks are renamed: " + base);
        int cloneId = fx.freeVmid();
        await(hv.clone(vm, CloneRequest.linked(cloneId, "linked")));
        String cloned = disk(ref(cloneId), "scsi0");
        assertTrue(cloned.contains("vm-" + cloneId + "-disk-0"), cloned);
        assertEquals(2L << 30, size(cloned));
        assertEquals("linked", hv.findVm(cloneId).orElseThrow().name());
        assertFalse(hv.findVm(cloneId).orElseThrow().template());
    }

    @Test
    void aFullCloneCopiesConfigWithANewMac() {
        VmRef vm = createVm(1, Map.of("net0", "virtio,bridge=vmbr0", "cores", "3"));
        int cloneId = fx.freeVmid();
        await(hv.clone(vm, CloneRequest.full(cloneId, "copy")));
        VmConfig source = hv.getConfig(vm);
        VmConfig clone = hv.getConfig(ref(cloneId));
        assertEquals("3", clone.get("cores").orElseThrow());
        assertEquals("copy", clone.get("name").orElseThrow());
        assertNotEquals(source.get("net0"), clone.get("net0"));
        assertThrows(AlreadyExistsException.class, () -> await(hv.clone(vm, CloneRequest.full(cloneId, "again"))));
    }

    @Test
    void aTemplateCannotStartNorBeTemplatedAgain() {
        VmRef vm = createVm(1, Map.of());
        await(hv.convertToTemplate(vm));
        refused(WrongStateException.class, "you can't start a vm if it's a template", () -> hv.start(vm));
        refused(WrongStateException.class, "you can't convert a template to a template", () -> hv.convertToTemplate(vm));
        assertEquals(PowerState.STOPPED, hv.findVm(vm.vmid()).orElseThrow().state());
    }

    @Test
    void aRunningVmCannotBecomeATemplate() {
        VmRef vm = createVm(1, Map.of());
        await(hv.start(vm));
        refused(WrongStateException.class, "you can't convert a VM to template if VM is running", () -> hv.convertToTemplate(vm));
        await(hv.stop(vm));
    }

    // ---- disks ----------------------------------------------------------------------------

    @Test
    void disksOnlyGrow() {
        VmRef vm = createVm(2, Map.of());
        await(hv.resizeDisk(vm, "scsi0", DiskSize.ofGiB(4)));
        assertEquals(4L << 30, size(disk(vm, "scsi0")));
        refused(WrongStateException.class, "shrinking disks is not supported", () -> hv.resizeDisk(vm, "scsi0", DiskSize.ofGiB(3)));
        assertEquals(4L << 30, size(disk(vm, "scsi0")));
    }

    // ---- power / destroy ------------------------------------------------------------------

    @Test
    void aRunningVmCannotBeDestroyed() {
        VmRef vm = createVm(1, Map.of());
        await(hv.start(vm));
        assertEquals(PowerState.RUNNING, hv.findVm(vm.vmid()).orElseThrow().state());
        WrongStateException e = assertThrows(WrongStateException.class, () -> hv.destroy(vm, DestroyOptions.plain()));
        assertTrue(e.getMessage().contains("VM " + vm.vmid() + " is running - destroy failed"), e.getMessage());
        await(hv.stop(vm));
        assertEquals(PowerState.STOPPED, hv.findVm(vm.vmid()).orElseThrow().state());
        await(hv.destroy(vm, DestroyOptions.everything()));
        assertEquals(Optional.empty(), hv.findVm(vm.vmid()));
        assertThrows(NotFoundException.class, () -> hv.destroy(vm, DestroyOptions.plain()));
    }

    @Test
    void startingARunningVmFails() {
        VmRef vm = createVm(1, Map.of());
        await(hv.start(vm));
        refused(WrongStateException.class, "already running", () -> hv.start(vm));
        await(hv.stop(vm));
    }

    @Test
    void aNicOnABridgeTheNodeLacksFailsAtStartWithQemuServersWords() {
        List<String> bridges = hv.listBridges(fx.node());
        assertEquals(bridges.stream().sorted().toList(), bridges, "in name order");
        assertThrows(NotFoundException.class, () -> hv.listBridges("no-such-node"));
        String missing = "vmbr4094";
        for (int n = 4093; bridges.contains(missing); n--) {
            missing = "vmbr" + n;
        }
        // PVE::Network::read_bridge_mtu, from config_to_command for a virtio NIC
        VmRef vm = createVm(1, Map.of("net0", "virtio,bridge=" + missing));
        refused(HypervisorException.class, "bridge '" + missing + "' does not exist", () -> hv.start(vm));
        await(hv.destroy(vm, DestroyOptions.plain()));
    }

    // ---- pending changes ------------------------------------------------------------------

    @Test
    void aChangeThatCannotBeHotPluggedIsPendingUntilTheVmRestarts() {
        VmRef vm = createVm(1, Map.of());
        assertTrue(hv.getPending(vm).isEmpty(), hv.getPending(vm).toString());
        await(hv.start(vm));
        // qemu-server vmconfig_hotplug_pending: memory is hot-plugged only with hotplug=memory (default network,disk,usb)
        await(hv.updateConfig(vm, ConfigUpdate.set("memory", "1024")));
        PendingChanges pending = hv.getPending(vm);
        assertEquals(Set.of("memory"), pending.keys(), pending.toString());
        PendingChange memory = pending.get("memory").orElseThrow();
        assertEquals("512", memory.current());
        assertEquals("1024", memory.pending());
        assertFalse(memory.isDeletion());
        // the config read shows the pending value as if applied (vm_config without 'current')
        assertEquals("1024", hv.getConfig(vm).get("memory").orElseThrow());
        await(hv.stop(vm));
        await(hv.start(vm));
        assertTrue(hv.getPending(vm).isEmpty(), "a start applies pending changes: " + hv.getPending(vm));
        assertEquals("1024", hv.getConfig(vm).get("memory").orElseThrow());
        await(hv.stop(vm));
        assertThrows(NotFoundException.class, () -> hv.getPending(ref(fx.freeVmid())));
    }

    @Test
    void aDeletionThatCannotBeHotPluggedIsAPendingDeletion() {
        VmRef vm = createVm(1, Map.of("cores", "2"));
        await(hv.start(vm));
        // qemu-server vmconfig_hotplug_pending: deleting an option it cannot unplug dies with "skip", so it stays pending
        await(hv.updateConfig(vm, ConfigUpdate.delete("cores")));
        PendingChanges pending = hv.getPending(vm);
        assertEquals(Set.of("cores"), pending.keys(), pending.toString());
        PendingChange cores = pending.get("cores").orElseThrow();
        assertTrue(cores.isDeletion());
        assertEquals("2", cores.current());
        assertEquals(Optional.empty(), cores.pendingIfAny());
        assertEquals(Optional.empty(), hv.getConfig(vm).get("cores"));
        await(hv.stop(vm));
    }

    /**
     * Issue 11, item 1: a change that stays pending must not vanish from the next plan. The config
     * read shows it as applied, so only the pending read tells that the VM still runs without it.
     */
    @Test
    void thePlanAfterAPendingChangeSaysARebootIsNeededNotUpToDate() {
        int vmid = fx.freeVmid();
        String name = "contract-" + vmid;
        Phoenix phoenix = Phoenix.on(hv).time(fx.time());
        VmSpec.Builder spec = VmSpec.builder(name).vmid(vmid).node(fx.node())
                .disk(Disk.scsi(0, fx.imagesStorage(), DiskSize.ofGiB(1))).start(true);
        assertTrue(phoenix.converge(List.of(VmDefinition.of(spec.memory(512).build()))).isComplete());
        List<VmDefinition> more = List.of(VmDefinition.of(spec.memory(1024).build()));
        Plan grow = phoenix.plan(more);
        assertTrue(grow.render().contains("~ memory: 512 → 1024  [needs reboot]"), grow.render());
        assertTrue(phoenix.apply(grow).isComplete());

        Plan next = phoenix.plan(more);
        VmPlan vm = next.vm(name).orElseThrow();
        assertEquals(List.of("memory"), vm.pending().stream().map(KeyChange::key).toList(), next.render());
        assertTrue(vm.waitsForReboot(), next.render());
        assertFalse(next.render().contains("up to date"), next.render());
        assertTrue(next.render().contains("~ memory: 512 → 1024  [needs reboot]"), next.render());
        assertTrue(next.render().contains("1 VM needs a reboot for pending changes"), next.render());

        Phoenix rebooting = phoenix.planOptions(phoenix.planOptions().toBuilder().rebootForPendingChanges(true).build());
        Plan reboot = rebooting.plan(more);
        assertEquals(List.of(ChangeKind.REBOOT), reboot.vm(name).orElseThrow().changes().stream().map(c -> c.kind()).toList(),
                reboot.render());

        // a restart (here by stop and start: a guest without an OS ignores the ACPI shutdown a reboot sends)
        await(hv.stop(ref(vmid)));
        await(hv.start(ref(vmid)));
        Plan after = phoenix.plan(more);
        assertTrue(after.isEmpty() && after.vm(name).orElseThrow().pending().isEmpty(), after.render());
        assertTrue(after.render().contains("1 VM is up to date"), after.render());
        await(hv.stop(ref(vmid)));
    }

    // ---- snapshots ------------------------------------------------------------------------

    @Test
    void snapshotsListCreateRollbackDelete() {
        VmRef vm = createVm(1, Map.of());
        if (!fx.has(Capability.SNAPSHOTS)) {
            assertThrows(UnsupportedOperationException.class, () -> hv.createSnapshot(vm, "first", "", false));
            return;
        }
        assertEquals(List.of(), hv.listSnapshots(vm));
        await(hv.createSnapshot(vm, "first", "before resize", false));
        await(hv.resizeDisk(vm, "scsi0", DiskSize.ofGiB(3)));
        await(hv.createSnapshot(vm, "second", "", false));
        List<Snapshot> snaps = hv.listSnapshots(vm);
        assertEquals(List.of("first", "second"), snaps.stream().map(Snapshot::name).toList());
        assertEquals("before resize", snaps.get(0).description());
        assertEquals(Optional.of("first"), snaps.get(1).parentIfAny());
        refused(AlreadyExistsException.class, "snapshot name 'second' already used", () -> hv.createSnapshot(vm, "second", "", false));
        await(hv.rollbackSnapshot(vm, "first"));
        assertEquals(1L << 30, size(disk(vm, "scsi0")), "rollback restores the disk size of the snapshot");
        await(hv.deleteSnapshot(vm, "first"));
        assertEquals(List.of("second"), hv.listSnapshots(vm).stream().map(Snapshot::name).toList());
        refused(NotFoundException.class, "snapshot 'first' does not exist", () -> hv.rollbackSnapshot(vm, "first"));
        refused(WrongStateException.class, "unable to create template, because VM contains snapshots", () -> hv.convertToTemplate(vm));
    }

    // ---- tasks ----------------------------------------------------------------------------

    @Test
    void tasksEndOkWithTheirUpidOrFailWithProxmoxsText() {
        VmRef vm = createVm(1, Map.of());
        Task start = hv.start(vm);
        assertEquals(fx.node(), start.node());
        TaskResult ok = await(start);
        assertEquals("OK", ok.exitStatus());
        assertFalse(ok.hasWarnings());
        start.upid().ifPresent(upid -> {
            assertEquals(upid, Upid.parse(upid.toString()));
            assertEquals(fx.node(), upid.node());
            assertEquals("qmstart", upid.type());
            assertEquals(String.valueOf(vm.vmid()), upid.id());
            assertTrue(hv.taskStatus(upid).succeeded());
            List<String> log = hv.taskLog(upid, 50);
            assertEquals("TASK OK", log.get(log.size() - 1));
        });
        // either form is allowed: refused before the worker forks, or a worker that fails
        try {
            Task again = hv.start(vm);
            try {
                await(again);
                fail("starting a running VM must fail");
            } catch (TaskFailedException e) {
                assertTrue(e.exitStatus().contains("already running"), e.exitStatus());
                again.upid().ifPresent(upid -> assertTrue(hv.taskStatus(upid).failed()));
            }
        } catch (WrongStateException e) {
            assertTrue(e.getMessage().contains("already running"), e.getMessage());
        }
        await(hv.stop(vm));
    }

    // ---- guest agent ----------------------------------------------------------------------

    @Test
    void theAgentIsNotThereWhenNotConfiguredOrStopped() {
        VmRef plain = createVm(1, Map.of());
        WrongStateException none = assertThrows(WrongStateException.class, () -> hv.agentPing(plain));
        assertTrue(none.getMessage().contains("No QEMU guest agent configured"), none.getMessage());
        VmRef withAgent = createVm(1, Map.of("agent", "1"));
        WrongStateException stopped = assertThrows(WrongStateException.class, () -> hv.agentPing(withAgent));
        assertTrue(stopped.getMessage().contains("VM " + withAgent.vmid() + " is not running"), stopped.getMessage());
    }

    @Test
    void aStartedGuestWithTheAgentAnswersWithItsAddress() throws InterruptedException {
        Assumptions.assumeTrue(fx.has(Capability.GUEST_AGENT), "backend fixture has no guest with an agent");
        // the OS comes with the boot disk: the fixture's image ships qemu-guest-agent
        VmRef vm = createVm(1, Map.of("agent", "enabled=1", "net0", "virtio,bridge=vmbr0",
                "scsi0", fx.imagesStorage() + ":0,import-from=" + fx.importSource(),
                "ide2", fx.imagesStorage() + ":cloudinit", "ipconfig0", "ip=10.20.30.40/24,gw=10.20.30.1"));
        await(hv.start(vm));
        Instant deadline = fx.time().now().plus(agentTimeout());
        while (true) {
            try {
                hv.agentPing(vm);
                break;
            } catch (WrongStateException e) {
                assertTrue(e.getMessage().contains("QEMU guest agent is not running"), e.getMessage());
                if (fx.time().now().isAfter(deadline)) {
                    fail("the guest agent did not answer within " + agentTimeout());
                }
                fx.time().sleep(Duration.ofSeconds(2));
            }
        }
        List<GuestInterface> interfaces = hv.agentNetworkInterfaces(vm);
        assertTrue(interfaces.stream().flatMap(i -> i.addresses().stream())
                .anyMatch(a -> a.isIpv4() && a.address().equals("10.20.30.40") && a.prefix() == 24), interfaces.toString());
        int pid = hv.agentExec(vm, List.of("cloud-init", "status", "--wait"), null);
        GuestExecStatus status = hv.agentExecStatus(vm, pid);
        while (!status.exited()) {
            if (fx.time().now().isAfter(deadline.plus(agentTimeout()))) {
                fail("cloud-init status --wait did not end");
            }
            fx.time().sleep(Duration.ofSeconds(1));
            status = hv.agentExecStatus(vm, pid);
        }
        assertEquals(0, status.exitCode());
        assertTrue(status.stdout().contains("status: done"), status.stdout());
        await(hv.stop(vm));
    }

    // ---- files on storages ----------------------------------------------------------------

    /** The files the upload tests write: a tiny NoCloud seed and a user-data snippet. */
    private static final Map<StorageContent, String> FILE_NAMES = Map.of(
            StorageContent.ISO, "contract-seed.iso",
            StorageContent.SNIPPETS, "contract-user.yaml",
            StorageContent.IMPORT, "contract-disk.raw",
            StorageContent.VZTMPL, "contract-ct.tar.gz");

    /** {@link Hypervisor#uploadFile} either writes or, for content it cannot write, refuses at once. */
    private Optional<Task> uploadIfSupported(StorageContent content, String storage, String filename, byte[] data) {
        if (hv.uploadableContent().contains(content)) {
            return Optional.of(hv.uploadFile(fx.node(), storage, content, filename, data));
        }
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> hv.uploadFile(fx.node(), storage, content, filename, data));
        assertTrue(e.getMessage().contains(content.word()), "names the content: " + e.getMessage());
        return Optional.empty();
    }

    private Optional<StorageVolume> listed(String storage, StorageContent content, String filename) {
        return hv.listVolumes(fx.node(), storage, content).stream()
                .filter(v -> v.volid().equals(content.volid(storage, filename))).findFirst();
    }

    @Test
    void uploadedFilesAreListedReplacedAndDeleted() {
        String storage = fx.nonImagesStorageIfAny().orElse(null);
        Assumptions.assumeTrue(storage != null, "needs a storage for files");
        for (StorageContent content : List.of(StorageContent.ISO, StorageContent.SNIPPETS)) {
            Assumptions.assumeTrue(hv.listStorages(fx.node()).stream()
                    .anyMatch(s -> s.storage().equals(storage) && s.holds(content.word())), storage + " holds " + content);
            String name = FILE_NAMES.get(content);
            byte[] first = content == StorageContent.ISO
                    ? ai.thinkheads.phoenix.cloudinit.NoCloudIso.builder().userData("#cloud-config\n").build().bytes()
                    : "#cloud-config\nhostname: contract\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Optional<Task> upload = uploadIfSupported(content, storage, name, first);
            if (upload.isEmpty()) {
                assertEquals(Optional.empty(), listed(storage, content, name), "a refused upload writes nothing");
                continue;
            }
            await(upload.get());
            StorageVolume v = listed(storage, content, name).orElseThrow(
                    () -> new AssertionError(content.volid(storage, name) + " is not listed"));
            assertEquals(first.length, v.size());
            assertEquals(content, v.content());
            assertEquals(content.formatOf(name), v.format());

            byte[] second = java.util.Arrays.copyOf(first, first.length + 2048);
            await(hv.uploadFile(fx.node(), storage, content, name, second));
            assertEquals(second.length, listed(storage, content, name).orElseThrow().size(), "the upload replaced the file");
            assertEquals(1, hv.listVolumes(fx.node(), storage, content).stream()
                    .filter(x -> x.volid().equals(v.volid())).count());

            await(hv.deleteVolume(fx.node(), v.volid()));
            assertEquals(Optional.empty(), listed(storage, content, name));
        }
    }

    @Test
    void uploadsOfContentTheBackendCannotWriteAreUnsupported() {
        String storage = fx.nonImagesStorageIfAny().orElse(fx.imagesStorage());
        for (StorageContent content : StorageContent.values()) {
            if (!hv.uploadableContent().contains(content)) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> hv.uploadFile(fx.node(), storage, content, FILE_NAMES.get(content), new byte[] {1}));
                assertTrue(e.getMessage().contains(content.word()), e.getMessage());
            }
        }
    }

    @Test
    void uploadsAreRefusedAsProxmoxRefusesThem() {
        String storage = fx.nonImagesStorageIfAny().orElse(null);
        Assumptions.assumeTrue(storage != null, "needs a storage for files");
        byte[] data = {1, 2, 3};
        for (StorageContent content : hv.uploadableContent()) {
            String name = FILE_NAMES.get(content);
            assertThrows(NotFoundException.class, () -> hv.uploadFile(fx.node(), "no-such-storage", content, name, data));
            assertThrows(NotFoundException.class, () -> hv.uploadFile("no-such-node", storage, content, name, data));
            ParameterRejectedException spaces = assertThrows(ParameterRejectedException.class,
                    () -> hv.uploadFile(fx.node(), storage, content, "my file.iso", data));
            assertTrue(spaces.errors().containsKey("filename"), spaces.errors().toString());
            assertThrows(ParameterRejectedException.class, () -> hv.uploadFile(fx.node(), storage, content, "../x.iso", data));
            if (content != StorageContent.SNIPPETS) {
                ParameterRejectedException ext = assertThrows(ParameterRejectedException.class,
                        () -> hv.uploadFile(fx.node(), storage, content, "seed.txt", data));
                assertTrue(ext.errors().getOrDefault("filename", "").contains("extension"), ext.errors().toString());
            }
            // a block storage: pve-storage refuses "can't upload to storage type 'lvmthin'" before
            // it looks at the content types; a path-based one without the type "does not support"
            HypervisorException e = refusal(() -> hv.uploadFile(fx.node(), fx.imagesStorage(), content, name, data));
            assertTrue(e.getMessage().contains("can't upload to storage type")
                    || e.getMessage().contains("does not support '" + content.word() + "' content"), e.getMessage());
            assertEquals(Optional.empty(), listed(fx.imagesStorage(), content, name));
        }
    }

    /** The refusal of {@code operation}, thrown or as its task's failure. */
    private HypervisorException refusal(Supplier<Task> operation) {
        Task task;
        try {
            task = operation.get();
        } catch (HypervisorException e) {
            return e;
        }
        try {
            task.await(taskTimeout());
        } catch (TaskFailedException e) {
            return e;
        }
        throw new AssertionError("expected a refusal, but the operation succeeded");
    }

    @Test
    void listingFilesOfAStorageWithoutThatContentIsEmptyAndUnknownStoragesAreNotFound() {
        for (StorageContent content : StorageContent.values()) {
            assertEquals(List.of(), hv.listVolumes(fx.node(), fx.imagesStorage(), content));
        }
        assertThrows(NotFoundException.class, () -> hv.listVolumes(fx.node(), "no-such-storage", StorageContent.ISO));
        assertThrows(NotFoundException.class, () -> hv.listVolumes("no-such-node", fx.imagesStorage(), StorageContent.ISO));
    }

    @Test
    void deletingAFileThatIsNotThereOnlyWarns() {
        String storage = fx.nonImagesStorageIfAny().orElse(null);
        Assumptions.assumeTrue(storage != null, "needs a storage for files");
        TaskResult result = await(hv.deleteVolume(fx.node(), StorageContent.SNIPPETS.volid(storage, "never-written.yaml")));
        assertTrue(result.warnings() <= 1, result.toString());
        assertThrows(NotFoundException.class, () -> hv.deleteVolume(fx.node(), "no-such-storage:snippets/x.yaml"));
    }

    @Test
    void aVmWhoseCicustomSnippetIsMissingDoesNotStartUntilItIsWritten() {
        String storage = fx.nonImagesStorageIfAny().orElse(null);
        Assumptions.assumeTrue(storage != null, "needs a storage for snippets");
        String name = "contract-" + fx.freeVmid() + "-user.yaml";
        String volid = StorageContent.SNIPPETS.volid(storage, name);
        VmRef vm = createVm(1, Map.of("ide2", fx.imagesStorage() + ":cloudinit", "cicustom", "user=" + volid));
        // qemu-server Cloudinit.pm read_cloudinit_snippets_file -> PVE::Storage::abs_filesystem_path
        refused(HypervisorException.class, "can't find file '" + volid + "'", () -> hv.start(vm));
        assertEquals(PowerState.STOPPED, hv.findVm(vm.vmid()).orElseThrow().state());
        if (hv.uploadableContent().contains(StorageContent.SNIPPETS)) {
            await(hv.uploadFile(fx.node(), storage, StorageContent.SNIPPETS, name,
                    "#cloud-config\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            await(hv.start(vm));
            await(hv.stop(vm));
            await(hv.deleteVolume(fx.node(), volid));
        }
    }

    // ---- the stateful property ------------------------------------------------------------

    @Property(tries = DEFAULT_TRIES, edgeCases = EdgeCasesMode.NONE)
    @AddLifecycleHook(StatefulTries.class)
    void randomOperationSequencesMatchASimpleModel(@ForAll("operationSequences") ActionChain<OperationModel> chain) {
        try {
            chain.withInvariant("the cluster matches the model", OperationModel::verify).run();
            Statistics.label("operations per sequence").collect(chain.transformations().size());
            chain.finalState().ifPresent(m -> Statistics.label("refused operations per sequence")
                    .collect(m.refusals == 0 ? "none" : m.refusals < 5 ? "1-4" : "5 or more"));
        } finally {
            chain.finalState().ifPresent(OperationModel::close);
        }
    }

    @Provide
    Arbitrary<ActionChain<OperationModel>> operationSequences() {
        ContractFixture probe = fixture();
        probe.hypervisor().close();
        ActionChainArbitrary<OperationModel> chains = ActionChain.startWith(() -> new OperationModel(fixture(), taskTimeout()));
        for (var action : OperationModel.actions(probe)) {
            chains = chains.withAction(action instanceof OperationModel.Create ? 3 : 1, action);
        }
        return chains.withMaxTransformations(maxOperationsPerSequence());
    }

    /**
     * Sets the property's tries from {@value #TRIES_PROPERTY}, else {@link #thoroughStatefulTries()} in
     * the thorough suite ({@link ThoroughSuite#enabled()}), else {@link #statefulTries()}.
     */
    public static final class StatefulTries implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            String override = System.getProperty(TRIES_PROPERTY);
            if (override != null && !override.isBlank()) {
                context.attributes().setTries(Integer.parseInt(override.strip()));
            } else if (context.testInstance() instanceof HypervisorContract contract) {
                context.attributes().setTries(ThoroughSuite.enabled() ? contract.thoroughStatefulTries()
                        : contract.statefulTries());
            }
            return property.execute();
        }
    }

    // ---- the failure rules: locks and warnings (needs the fake cluster behind the backend) ----
    // Kept as one block at the end of the class so that merges with other edits stay simple.

    /** How long another client's task holds a VM's lock: longer than every lock timeout (10 s). */
    private static final Duration LOCK_HOLD = Duration.ofMinutes(2);

    /** The fake cluster behind the backend; skips the test on a real cluster. */
    private FakeHypervisor modelOrSkip() {
        Assumptions.assumeTrue(fx.modelIfAny().isPresent(), "backend fixture has no model behind it (a real cluster)");
        return fx.modelIfAny().orElseThrow();
    }

    /** Another client starts {@code vm} with a qmstart task that holds lock-<vmid>.conf for {@link #LOCK_HOLD}. */
    private static void holdTheLock(FakeHypervisor model, VmRef vm) {
        model.faults().delayNextTask(LOCK_HOLD);
        model.start(vm);
    }

    /** pve-common PVE::Tools::lock_file_full: the flock on the VM's config was not had in time. */
    private static String lockTimeoutText(int vmid) {
        return "can't lock file '/var/lock/qemu-server/lock-" + vmid + ".conf' - got timeout";
    }

    @Test
    void aCloneWhileAnotherTaskHoldsTheSourceLockFailsWithProxmoxsLockTimeout() {
        FakeHypervisor model = modelOrSkip();
        VmRef vm = createVm(1, Map.of());
        holdTheLock(model, vm);
        int newid = fx.freeVmid();
        // qemu-server PVE::API2::Qemu clone_vm locks the source config with a 1 s timeout
        OperationModel.refused(LockedException.class, lockTimeoutText(vm.vmid()),
                () -> hv.clone(vm, CloneRequest.full(newid, "while-locked")), taskTimeout());
        assertEquals(Optional.empty(), hv.findVm(newid), "a clone that did not get the lock leaves no VM");
    }

    @Test
    void aConfigChangeWhileAnotherTaskHoldsTheLockFailsWithProxmoxsLockTimeout() {
        FakeHypervisor model = modelOrSkip();
        VmRef vm = createVm(1, Map.of("description", "before"));
        holdTheLock(model, vm);
        // qemu-server PVE::API2::Qemu update_vm: PVE::QemuConfig->lock_config (10 s), then the change
        try {
            Task change = hv.updateConfig(vm, ConfigUpdate.set("description", "during"));
            try {
                await(change);
                fail("a config change must not get the lock another task holds");
            } catch (TaskFailedException e) {
                assertTrue(e.exitStatus().contains(lockTimeoutText(vm.vmid())), e.exitStatus());
            }
        } catch (LockedException e) {
            assertTrue(e.getMessage().contains(lockTimeoutText(vm.vmid())), e.getMessage());
            assertEquals(OptionalInt.of(vm.vmid()), e.vmid());
            assertTrue(e instanceof ConflictException, "a lock timeout is a conflict");
        }
        assertEquals(Optional.of("before"), hv.getConfig(vm).get("description"), "the change was not made");
    }

    @Test
    void aTaskEndingWithWarningsIsASuccessWithWarnings() {
        FakeHypervisor model = modelOrSkip();
        VmRef vm = createVm(1, Map.of());
        model.faults().warnNextTask(2);
        Task start = hv.start(vm);
        // pve-common PVE::UPID::status_is_error: only OK and WARNINGS: n are not errors
        TaskResult result = await(start);
        assertEquals("WARNINGS: 2", result.exitStatus());
        assertEquals(2, result.warnings());
        assertTrue(result.hasWarnings());
        start.upid().ifPresent(upid -> {
            TaskStatus status = hv.taskStatus(upid);
            assertTrue(status.succeeded(), status.toString());
            assertEquals(2, status.warnings());
            List<String> log = hv.taskLog(upid, 50);
            assertEquals("TASK WARNINGS: 2", log.get(log.size() - 1));
        });
        assertEquals(PowerState.RUNNING, hv.findVm(vm.vmid()).orElseThrow().state(), "the task did its work");
        await(hv.stop(vm));
    }
}
