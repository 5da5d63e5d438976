package ai.thinkheads.phoenix.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.hypervisor.AlreadyExistsException;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskFailedException;
import ai.thinkheads.phoenix.hypervisor.TaskResult;
import ai.thinkheads.phoenix.hypervisor.TaskTimeoutException;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import ai.thinkheads.phoenix.testkit.model.GuestBehaviour;
import ai.thinkheads.phoenix.testkit.model.GuestImage;
import ai.thinkheads.phoenix.testkit.model.GuestImages;
import ai.thinkheads.phoenix.testkit.model.StorageSpec;
import ai.thinkheads.phoenix.testkit.model.TaskFault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Behaviour only the fake has: virtual time, task durations, locks while tasks run, fault hooks, the model's details. */
class FakeHypervisorTest {

    private static final Duration LONG = Duration.ofHours(1);
    private final FakeHypervisor hv = FakeHypervisor.singleNode().toBuilder()
            .taskDuration("qmclone", Duration.ofMinutes(2))
            .build();
    private final VmRef vm100 = VmRef.of("pve", 100);

    private VmRef create(int vmid, Map<String, String> config) {
        hv.create(CreateRequest.of("pve", vmid, config)).await(LONG);
        return VmRef.of("pve", vmid);
    }

    private String config(VmRef vm, String key) {
        return hv.getConfig(vm).get(key).orElseThrow();
    }

    // ---- clock and tasks ------------------------------------------------------------------

    @Test
    void tasksRunForTheirConfiguredDurationInVirtualTime() {
        FakeHypervisor slow = FakeHypervisor.singleNode().toBuilder().taskDuration("qmstart", Duration.ofSeconds(30)).build();
        slow.create(CreateRequest.of("pve", 100, Map.of("memory", "512"))).await(LONG);
        Instant before = slow.time().now();
        Task start = slow.start(vm100);
        assertTrue(start.status().running());
        slow.time().advance(Duration.ofSeconds(29));
        assertTrue(start.status().running());
        assertEquals(PowerState.STOPPED, slow.findVm(100).orElseThrow().state());
        slow.time().advance(Duration.ofSeconds(1));
        assertTrue(start.status().succeeded());
        assertEquals(PowerState.RUNNING, slow.findVm(100).orElseThrow().state());
        assertEquals(before.plusSeconds(30), slow.cluster().taskEnd(start.upid().orElseThrow()).orElseThrow());
    }

    @Test
    void awaitAdvancesTheFakeClockAndTimesOutInVirtualTime() {
        create(100, Map.of());
        Task clone = hv.clone(vm100, CloneRequest.full(101, "copy"));
        assertThrows(TaskTimeoutException.class, () -> clone.await(Duration.ofSeconds(30)));
        assertEquals("OK", clone.await(Duration.ofMinutes(5)).exitStatus());
    }

    @Test
    void upidsFollowTheProxmoxGrammar() {
        Instant now = hv.time().now();
        Task task = hv.create(CreateRequest.of("pve", 100, Map.of("memory", "512")));
        Upid upid = task.upid().orElseThrow();
        assertEquals(upid, Upid.parse(upid.toString()));
        assertTrue(upid.toString().matches("UPID:pve:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmcreate:100:root@pam:"), upid.toString());
        assertEquals(now.getEpochSecond(), upid.startTime());
        Upid next = hv.start(vm100).upid().orElseThrow();
        assertTrue(next.pid() != upid.pid(), "every task has its own PID");
        assertEquals("qmstart", next.type());
    }

    @Test
    void taskLogsEndWithTheTaskLine() {
        create(100, Map.of());
        Upid ok = hv.start(vm100).upid().orElseThrow();
        Upid failed = hv.start(vm100).upid().orElseThrow();
        hv.time().advance(Duration.ofSeconds(5));
        assertEquals("TASK OK", last(hv.taskLog(ok, 10)));
        assertEquals("TASK ERROR: VM 100 already running", last(hv.taskLog(failed, 10)));
        assertEquals("VM 100 already running", hv.taskStatus(failed).exitStatus());
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    // ---- locks while a task runs ----------------------------------------------------------

    @Test
    void aCloneLocksItsTargetUntilItEnds() {
        create(100, Map.of("scsi0", "local-lvm:1"));
        Task clone = hv.clone(vm100, CloneRequest.full(101, "copy"));
        VmRef target = VmRef.of("pve", 101);
        assertEquals("clone", hv.findVm(101).orElseThrow().lock());
        // PVE::API2::Qemu template: check_lock before forking
        LockedException locked = assertThrows(LockedException.class, () -> hv.convertToTemplate(target));
        assertEquals("VM is locked (clone)", locked.getMessage());
        assertEquals(Optional.of("clone"), locked.lock());
        // update_vm takes the file lock first: the clone holds it for two minutes, longer than 10 s
        LockedException timeout = assertThrows(LockedException.class,
                () -> hv.updateConfig(target, ConfigUpdate.set("cores", "2")));
        assertEquals("can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout", timeout.getMessage());
        TaskFailedException start = assertThrows(TaskFailedException.class, () -> hv.start(target).await(LONG));
        assertEquals("can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout", start.exitStatus());
        clone.await(LONG);
        assertEquals(null, hv.findVm(101).orElseThrow().lock());
        hv.updateConfig(target, ConfigUpdate.set("cores", "2")).await(LONG);
        assertEquals("2", config(target, "cores"));
    }

    @Test
    void aSnapshotInProgressLocksTheVm() {
        FakeHypervisor slow = FakeHypervisor.singleNode().toBuilder().taskDuration("qmsnapshot", Duration.ofSeconds(5)).build();
        slow.create(CreateRequest.of("pve", 100, Map.of("scsi0", "local-lvm:1"))).await(LONG);
        Task snap = slow.createSnapshot(vm100, "before", "", false);
        assertEquals("snapshot", slow.getConfig(vm100).lock().orElseThrow());
        LockedException e = assertThrows(LockedException.class, () -> slow.clone(vm100, CloneRequest.full(101, "x")));
        assertEquals("VM is locked (snapshot)", e.getMessage());
        snap.await(LONG);
        assertFalse(slow.getConfig(vm100).lock().isPresent());
    }

    @Test
    void aShortTaskIsWaitedForBySynchronousChanges() {
        FakeHypervisor slow = FakeHypervisor.singleNode().toBuilder().taskDuration("qmstart", Duration.ofSeconds(5)).build();
        slow.create(CreateRequest.of("pve", 100, Map.of())).await(LONG);
        Task start = slow.start(vm100);
        slow.updateConfig(vm100, ConfigUpdate.set("description", "waited")).await(LONG);
        assertTrue(start.status().succeeded(), "the config change waited for the start's file lock");
        assertEquals("waited", slow.getConfig(vm100).get("description").orElseThrow());
    }

    @Test
    void tasksOnOneVmQueueBehindEachOther() {
        FakeHypervisor slow = FakeHypervisor.singleNode().toBuilder().taskDuration("qmstart", Duration.ofSeconds(4))
                .taskDuration("qmstop", Duration.ofSeconds(4)).build();
        slow.create(CreateRequest.of("pve", 100, Map.of())).await(LONG);
        Task start = slow.start(vm100);
        Task stop = slow.stop(vm100);
        stop.await(LONG);
        assertTrue(start.status().succeeded());
        assertEquals(PowerState.STOPPED, slow.findVm(100).orElseThrow().state());
    }

    // ---- fault hooks ----------------------------------------------------------------------

    @Test
    void theNextTaskCanEndWithWarnings() {
        create(100, Map.of());
        hv.faults().warnNextTask(2);
        TaskResult result = hv.start(vm100).await(LONG);
        assertEquals("WARNINGS: 2", result.exitStatus());
        assertEquals(2, result.warnings());
        assertEquals(2, result.warningLines().size());
        assertEquals("TASK WARNINGS: 2", last(hv.taskLog(result.upid(), 5)));
        assertEquals(PowerState.RUNNING, hv.findVm(100).orElseThrow().state(), "a task with warnings did its work");
    }

    @Test
    void theNextTaskCanFailAndCreateCleansUp() {
        hv.faults().failNextTask("storage went away");
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> hv.create(CreateRequest.of("pve", 100, Map.of("scsi0", "local-lvm:4"))).await(LONG));
        assertEquals("storage went away", e.exitStatus());
        assertEquals("TASK ERROR: storage went away", last(e.logTail()));
        assertEquals(Optional.empty(), hv.findVm(100));
        create(100, Map.of());
    }

    @Test
    void faultsCanTargetOneTaskType() {
        create(100, Map.of());
        hv.faults().nextTask(TaskFault.failWith("clone exploded").onlyFor("qmclone"));
        hv.start(vm100).await(LONG);
        hv.stop(vm100).await(LONG);
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> hv.clone(vm100, CloneRequest.full(101, "c")).await(LONG));
        assertEquals("clone exploded", e.exitStatus());
        assertEquals(Optional.empty(), hv.findVm(101));
    }

    @Test
    void severalTasksCanFailInARow() {
        create(100, Map.of());
        hv.faults().failNextTasks(2, "node fenced");
        assertEquals("node fenced", assertThrows(TaskFailedException.class, () -> hv.start(vm100).await(LONG)).exitStatus());
        assertEquals("node fenced", assertThrows(TaskFailedException.class, () -> hv.start(vm100).await(LONG)).exitStatus());
        hv.start(vm100).await(LONG);
        assertEquals(PowerState.RUNNING, hv.findVm(100).orElseThrow().state());
    }

    @Test
    void concurrentCreatorsGetEachVmidOnce() throws InterruptedException {
        List<Integer> created = new CopyOnWriteArrayList<>();
        List<Integer> refused = new CopyOnWriteArrayList<>();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            Thread thread = new Thread(() -> {
                for (int vmid = 100; vmid < 120; vmid++) {
                    try {
                        hv.create(CreateRequest.of("pve", vmid, Map.of("scsi0", "local-lvm:1"))).await(LONG);
                        created.add(vmid);
                    } catch (AlreadyExistsException e) {
                        refused.add(vmid);
                    } catch (RuntimeException | Error e) {
                        unexpected.add(e);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), unexpected);
        assertEquals(20, created.size());
        assertEquals(20, new java.util.TreeSet<>(created).size(), "every VMID was created exactly once");
        assertEquals(100, refused.size());
        assertEquals(20, hv.listVms().size());
        assertEquals(20, hv.cluster().storageContent("pve", "local-lvm").size());
    }

    @Test
    void theNextTaskCanRunLonger() {
        create(100, Map.of());
        hv.faults().delayNextTask(Duration.ofMinutes(3));
        Task start = hv.start(vm100);
        hv.time().advance(Duration.ofMinutes(3));
        assertTrue(start.status().running());
        hv.time().advance(Duration.ofSeconds(1));
        assertTrue(start.status().succeeded());
    }

    @Test
    void aPrimitiveCanFailBeforeItActs() {
        create(100, Map.of());
        hv.faults().failNext("start", () -> new TransportException("connection reset", true, null));
        TransportException e = assertThrows(TransportException.class, () -> hv.start(vm100));
        assertTrue(e.requestSent());
        assertEquals(PowerState.STOPPED, hv.findVm(100).orElseThrow().state());
        hv.start(vm100).await(LONG);
        assertEquals(PowerState.RUNNING, hv.findVm(100).orElseThrow().state());
        hv.faults().failNext("*", () -> new LockedException("VM is locked (backup)", "pve", 100, "backup"));
        assertThrows(LockedException.class, () -> hv.listVms());
    }

    @Test
    void hooksSeeEveryPrimitive() {
        List<String> seen = new CopyOnWriteArrayList<>();
        FakeHypervisor hooked = FakeHypervisor.singleNode().toBuilder()
                .beforePrimitive((primitive, vm) -> seen.add(primitive + vm.map(v -> " " + v.vmid()).orElse(""))).build();
        hooked.create(CreateRequest.of("pve", 100, Map.of())).await(LONG);
        hooked.getConfig(vm100);
        assertEquals("create 100", seen.get(0));
        assertTrue(seen.contains("taskStatus"));
        assertEquals("getConfig 100", seen.get(seen.size() - 1));
    }

    @Test
    void aClosedFakeRefusesEverything() {
        hv.close();
        hv.close();
        TransportException e = assertThrows(TransportException.class, hv::listVms);
        assertFalse(e.requestSent());
    }

    // ---- presets and builder --------------------------------------------------------------

    @Test
    void presetsDescribeTheirNodesAndStorages() {
        FakeHypervisor three = FakeHypervisor.cluster(3);
        assertEquals(List.of("pve1", "pve2", "pve3"), three.listNodes().stream().map(NodeResources::node).toList());
        List<StorageInfo> storages = three.listStorages("pve2");
        assertEquals(List.of("ceph", "local", "local-lvm"), storages.stream().map(StorageInfo::storage).toList());
        assertTrue(storages.get(0).shared() && storages.get(0).holds("images"));
        assertFalse(storages.get(1).holds("images"));
        FakeHypervisor custom = three.toBuilder().node("big", 64, 512).withoutStorage("ceph")
                .storage(StorageSpec.local("tiny", "lvmthin", 1, "images").onNodes("big")).build();
        assertEquals(4, custom.listNodes().size());
        assertEquals(List.of("local", "local-lvm", "tiny"), custom.listStorages("big").stream().map(StorageInfo::storage).toList());
        assertEquals(List.of("local", "local-lvm"), custom.listStorages("pve1").stream().map(StorageInfo::storage).toList());
        assertEquals(512L << 30, custom.listNodes().get(0).memoryTotal());
    }

    @Test
    void vmidsAreUniqueAcrossTheCluster() {
        FakeHypervisor three = FakeHypervisor.cluster(3);
        three.create(CreateRequest.of("pve1", 100, Map.of())).await(LONG);
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
                () -> three.create(CreateRequest.of("pve2", 100, Map.of())));
        assertEquals("unable to create VM 100 - VM 100 already exists on node 'pve1'", e.getMessage());
        assertEquals(101, three.nextFreeVmid());
    }

    @Test
    void runningVmsUseTheirNodesMemory() {
        create(100, Map.of("memory", "2048"));
        assertEquals(0, hv.listNodes().get(0).memoryUsed());
        hv.start(vm100).await(LONG);
        assertEquals(2048L << 20, hv.listNodes().get(0).memoryUsed());
    }

    // ---- disks and storages ---------------------------------------------------------------

    @Test
    void newDisksImportsAndCloudInitBecomeVolumes() {
        String image = hv.cluster().addVolume("pve", "local", "import/debian-12.qcow2", 3L << 30);
        create(100, Map.of("scsi0", "local-lvm:32,discard=on", "scsi1", "local-lvm:0,import-from=" + image,
                "ide2", "local-lvm:cloudinit", "net0", "virtio,bridge=vmbr0"));
        assertEquals("local-lvm:vm-100-disk-0,discard=on,size=32G", config(vm100, "scsi0"));
        assertEquals("local-lvm:vm-100-disk-1,size=3G", config(vm100, "scsi1"));
        assertEquals("local-lvm:vm-100-cloudinit,media=cdrom", config(vm100, "ide2"));
        assertTrue(config(vm100, "net0").matches("virtio=BC:24:11(:[0-9A-F]{2}){3},bridge=vmbr0"), config(vm100, "net0"));
        assertEquals("order=scsi0;net0", config(vm100, "boot"));
        assertEquals(Map.of("local-lvm:vm-100-cloudinit", 4L << 20, "local-lvm:vm-100-disk-0", 32L << 30,
                "local-lvm:vm-100-disk-1", 3L << 30), hv.cluster().storageContent("pve", "local-lvm"));
    }

    @Test
    void pathStoragesNameVolumesUnderTheVmid() {
        FakeHypervisor dir = FakeHypervisor.singleNode().toBuilder()
                .storage(StorageSpec.local("local", "dir", 100, "images", "iso", "import")).build();
        dir.create(CreateRequest.of("pve", 100, Map.of("scsi0", "local:2", "ide2", "local:cloudinit"))).await(LONG);
        assertEquals("local:100/vm-100-disk-0.qcow2,size=2G", dir.getConfig(vm100).get("scsi0").orElseThrow());
        assertEquals("local:100/vm-100-cloudinit.qcow2,media=cdrom", dir.getConfig(vm100).get("ide2").orElseThrow());
        dir.convertToTemplate(vm100).await(LONG);
        assertEquals("local:100/base-100-disk-0.qcow2,size=2G", dir.getConfig(vm100).get("scsi0").orElseThrow());
    }

    @Test
    void storagesWithoutImagesOrSpaceRefuseDisks() {
        ParameterRejectedException content = assertThrows(ParameterRejectedException.class,
                () -> hv.create(CreateRequest.of("pve", 100, Map.of("scsi0", "local:4"))));
        assertEquals(Map.of("storage", "storage 'local' does not support vm images"), content.errors());
        ParameterRejectedException missing = assertThrows(ParameterRejectedException.class,
                () -> hv.create(CreateRequest.of("pve", 100, Map.of("scsi0", "nowhere:4"))));
        assertEquals(Map.of("scsi0", "storage 'nowhere' does not exist"), missing.errors());
        TaskFailedException full = assertThrows(TaskFailedException.class,
                () -> hv.create(CreateRequest.of("pve", 100, Map.of("scsi0", "local-lvm:2000"))).await(LONG));
        assertTrue(full.exitStatus().startsWith("unable to create VM 100 - unable to allocate 2000 GiB on storage 'local-lvm'"),
                full.exitStatus());
        assertEquals(Optional.empty(), hv.findVm(100));
    }

    @Test
    void templatesAndLinkedClonesShareBaseVolumes() {
        create(100, Map.of("scsi0", "local-lvm:2", "ide2", "local-lvm:cloudinit"));
        hv.convertToTemplate(vm100).await(LONG);
        assertEquals("local-lvm:base-100-disk-0,size=2G", config(vm100, "scsi0"));
        assertEquals("local-lvm:vm-100-cloudinit,media=cdrom", config(vm100, "ide2"), "cloud-init drives stay");
        hv.clone(vm100, CloneRequest.linked(101, "linked")).await(LONG);
        VmRef clone = VmRef.of("pve", 101);
        assertEquals("local-lvm:base-100-disk-0/vm-101-disk-0,size=2G", config(clone, "scsi0"));
        assertEquals("local-lvm:vm-101-cloudinit,media=cdrom", config(clone, "ide2"));
        TaskFailedException inUse = assertThrows(TaskFailedException.class, () -> hv.destroy(vm100, DestroyOptions.plain()).await(LONG));
        assertEquals("base volume 'local-lvm:base-100-disk-0' is still in use by linked cloned", inUse.exitStatus());
        hv.destroy(clone, DestroyOptions.plain()).await(LONG);
        hv.destroy(vm100, DestroyOptions.plain()).await(LONG);
        assertEquals(Map.of(), hv.cluster().storageContent("pve", "local-lvm"));
    }

    @Test
    void disksAddedToATemplateAreBaseVolumes() {
        create(100, Map.of("scsi0", "local-lvm:1"));
        hv.convertToTemplate(vm100).await(LONG);
        hv.updateConfig(vm100, ConfigUpdate.set("scsi1", "local-lvm:2")).await(LONG);
        assertEquals("local-lvm:base-100-disk-1,size=2G", config(vm100, "scsi1"));
    }

    @Test
    void destroyRemovesUnreferencedVolumesOnlyWhenAsked() {
        create(100, Map.of("scsi0", "local-lvm:1"));
        hv.cluster().addVolume("pve", "local-lvm", "vm-100-disk-7", 1L << 30);
        hv.destroy(vm100, DestroyOptions.plain()).await(LONG);
        assertEquals(Map.of("local-lvm:vm-100-disk-7", 1L << 30), hv.cluster().storageContent("pve", "local-lvm"));
        create(100, Map.of("scsi0", "local-lvm:1"));
        hv.destroy(vm100, DestroyOptions.everything()).await(LONG);
        assertEquals(Map.of(), hv.cluster().storageContent("pve", "local-lvm"));
    }

    @Test
    void replacedDisksBecomeUnused() {
        create(100, Map.of("scsi0", "local-lvm:1"));
        hv.updateConfig(vm100, ConfigUpdate.set("scsi0", "local-lvm:2")).await(LONG);
        assertEquals("local-lvm:vm-100-disk-1,size=2G", config(vm100, "scsi0"));
        assertEquals("local-lvm:vm-100-disk-0", config(vm100, "unused0"));
        hv.updateConfig(vm100, ConfigUpdate.delete("unused0")).await(LONG);
        assertEquals(Map.of("local-lvm:vm-100-disk-1", 2L << 30), hv.cluster().storageContent("pve", "local-lvm"));
    }

    @Test
    void resizeAcceptsRelativeSizesAndRefusesCdroms() {
        create(100, Map.of("scsi0", "local-lvm:1", "ide2", "local-lvm:cloudinit"));
        Upid grow = hv.cluster().resizeVm("pve", 100, "scsi0", "+512M", null);
        hv.time().advance(Duration.ofSeconds(2));
        assertTrue(hv.taskStatus(grow).succeeded());
        assertEquals("local-lvm:vm-100-disk-0,size=1536M", config(vm100, "scsi0"));
        TaskFailedException cdrom = assertThrows(TaskFailedException.class, () -> hv.resizeDisk(vm100, "ide2", DiskSize.ofGiB(2)).await(LONG));
        assertEquals("you can't resize a cdrom", cdrom.exitStatus());
        TaskFailedException missing = assertThrows(TaskFailedException.class, () -> hv.resizeDisk(vm100, "scsi5", DiskSize.ofGiB(2)).await(LONG));
        assertEquals("disk 'scsi5' does not exist", missing.exitStatus());
    }

    // ---- config ---------------------------------------------------------------------------

    @Test
    void theDigestIsTheSha1OfTheConfigFile() throws Exception {
        create(100, Map.of("name", "web", "description", "line one\nline: two"));
        String text = hv.cluster().configFileText("pve", 100);
        assertTrue(text.startsWith("#line one\n#line%3A two\n"), text);
        String sha1 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(sha1, hv.getConfig(vm100).digest());
    }

    @Test
    void changesToARunningVmThatCannotBeHotpluggedArePending() {
        create(100, Map.of("cores", "1", "net0", "virtio,bridge=vmbr0"));
        hv.start(vm100).await(LONG);
        hv.updateConfig(vm100, ConfigUpdate.set(Map.of("cores", "4", "name", "renamed"))).await(LONG);
        assertEquals("4", config(vm100, "cores"), "GET config shows pending values applied");
        assertEquals("1", hv.cluster().vmConfig("pve", 100, true).get("cores").orElseThrow());
        assertEquals("renamed", hv.cluster().vmConfig("pve", 100, true).get("name").orElseThrow());
        assertEquals(Map.of("cores", "4"), hv.cluster().vmPending("pve", 100));
        assertTrue(hv.cluster().configFileText("pve", 100).contains("\n[PENDING]\ncores: 4\n"));
        hv.reboot(vm100).await(LONG);
        assertEquals(Map.of(), hv.cluster().vmPending("pve", 100));
        assertEquals("4", hv.cluster().vmConfig("pve", 100, true).get("cores").orElseThrow());
    }

    @Test
    void parameterErrorsUseProxmoxsWords() {
        ParameterRejectedException e = assertThrows(ParameterRejectedException.class, () -> hv.create(CreateRequest.of("pve", 100,
                Map.of("ostype", "beos", "onboot", "yes", "name", "bad_name", "scsi99", "local-lvm:1", "net0", "virtio,colour=red"))));
        Map<String, String> errors = e.errors();
        assertEquals("value 'beos' does not have a value in the enumeration 'other, wxp, w2k, w2k3, w2k8, wvista, win7, win8, "
                + "win10, win11, l24, l26, solaris'", errors.get("ostype"));
        assertEquals("type check ('boolean') failed - got 'yes'", errors.get("onboot"));
        assertEquals("invalid format - value does not look like a valid DNS name\n", errors.get("name"));
        assertEquals("property is not defined in schema and the schema does not allow additional properties", errors.get("scsi99"));
        assertTrue(errors.get("net0").contains("colour: property is not defined in schema"), errors.get("net0"));
        assertTrue(e.getMessage().startsWith("Parameter verification failed."));
        ParameterRejectedException delete = assertThrows(ParameterRejectedException.class,
                () -> hv.cluster().updateVm("pve", 100, Map.of("delete", "nonsense")));
        assertEquals("unknown option 'nonsense'", delete.errors().get("delete"));
    }

    // ---- power and agent ------------------------------------------------------------------

    @Test
    void pausedVmsResumeAndRefuseShutdown() {
        create(100, Map.of());
        hv.start(vm100).await(LONG);
        hv.cluster().vmSuspend("pve", 100);
        hv.time().advance(Duration.ofSeconds(2));
        assertEquals(PowerState.PAUSED, hv.findVm(100).orElseThrow().state());
        WrongStateException e = assertThrows(WrongStateException.class,
                () -> hv.shutdown(vm100, ai.thinkheads.phoenix.hypervisor.ShutdownOptions.within(Duration.ofMinutes(1))));
        assertEquals("VM is paused - cannot shutdown", e.getMessage());
        hv.cluster().vmResume("pve", 100);
        hv.time().advance(Duration.ofSeconds(2));
        assertEquals(PowerState.RUNNING, hv.findVm(100).orElseThrow().state());
        hv.shutdown(vm100, ai.thinkheads.phoenix.hypervisor.ShutdownOptions.within(Duration.ofMinutes(1))).await(LONG);
        assertEquals(PowerState.STOPPED, hv.findVm(100).orElseThrow().state());
    }

    @Test
    void aGuestWithoutAcpiIgnoresShutdownUntilForced() {
        create(100, Map.of("acpi", "0"));
        hv.start(vm100).await(LONG);
        var within = ai.thinkheads.phoenix.hypervisor.ShutdownOptions.within(Duration.ofSeconds(90));
        Task refused = hv.shutdown(vm100, within);
        hv.time().advance(Duration.ofSeconds(89));
        assertTrue(refused.status().running(), "it waits for the whole timeout");
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> refused.await(LONG));
        assertEquals("VM quit/powerdown failed - got timeout", e.exitStatus());
        assertEquals(PowerState.RUNNING, hv.findVm(100).orElseThrow().state());
        TaskResult forced = hv.shutdown(vm100, within.orForceStop()).await(LONG);
        assertEquals("WARNINGS: 1", forced.exitStatus());
        assertEquals(List.of("WARN: VM still running - terminating now with SIGTERM"), forced.warningLines());
        assertEquals(PowerState.STOPPED, hv.findVm(100).orElseThrow().state());
    }

    /** An image that ships qemu-guest-agent (the stock Ubuntu cloud image does not): its agent runs from boot. */
    private static FakeHypervisor withAgentImage(FakeHypervisor.Builder b) {
        FakeHypervisor agents = b.guestImages(GuestImages.stock().with("agent-image",
                GuestImage.ubuntuNobleCloud().withPackages("ubuntu-with-agent", "qemu-guest-agent"))).build();
        agents.cluster().addVolume("pve", "local", "import/agent-image.qcow2", 2L << 30);
        return agents;
    }

    private static final String AGENT_DISK = "local-lvm:0,import-from=local:import/agent-image.qcow2";

    @Test
    void theAgentAnswersAfterTheBootDelayWithDhcpOrStaticAddresses() {
        FakeHypervisor agents = withAgentImage(FakeHypervisor.singleNode().toBuilder().guestBootDelay(Duration.ofSeconds(30))
                .dhcpPool(List.of("192.0.2.10", "192.0.2.11"), 28));
        agents.create(CreateRequest.of("pve", 100, Map.of("agent", "1", "net0", "virtio,bridge=vmbr0", "ipconfig0", "ip=dhcp",
                "scsi0", AGENT_DISK))).await(LONG);
        agents.create(CreateRequest.of("pve", 101, Map.of("agent", "enabled=1", "net0", "virtio,bridge=vmbr0",
                "ipconfig0", "ip=198.51.100.7/24,gw=198.51.100.1", "scsi0", AGENT_DISK))).await(LONG);
        agents.create(CreateRequest.of("pve", 102, Map.of("agent", "0", "net0", "virtio,bridge=vmbr0", "scsi0", AGENT_DISK)))
                .await(LONG);
        for (int id = 100; id <= 102; id++) {
            agents.start(VmRef.of("pve", id)).await(LONG);
        }
        WrongStateException early = assertThrows(WrongStateException.class, () -> agents.agentPing(vm100));
        assertEquals("QEMU guest agent is not running", early.getMessage());
        agents.time().advance(Duration.ofSeconds(30));
        agents.agentPing(vm100);
        assertEquals(List.of("192.0.2.10/28"), ipv4(agents.agentNetworkInterfaces(vm100)));
        assertEquals(List.of("198.51.100.7/24"), ipv4(agents.agentNetworkInterfaces(VmRef.of("pve", 101))));
        WrongStateException disabled = assertThrows(WrongStateException.class, () -> agents.agentPing(VmRef.of("pve", 102)));
        assertEquals("QEMU guest agent is not running", disabled.getMessage());
        String mac = agents.getConfig(vm100).get("net0").orElseThrow().substring("virtio=".length(), "virtio=".length() + 17);
        assertEquals(mac.toLowerCase(java.util.Locale.ROOT), agents.agentNetworkInterfaces(vm100).get(1).macAddress());
    }

    private static List<String> ipv4(List<GuestInterface> interfaces) {
        List<String> out = new ArrayList<>();
        for (GuestInterface i : interfaces) {
            if (!i.name().equals("lo")) {
                i.addresses().stream().filter(GuestInterface.Address::isIpv4).forEach(a -> out.add(a.address() + "/" + a.prefix()));
            }
        }
        return out;
    }

    @Test
    void guestCommandsRunThroughThePluggableBehaviour() {
        FakeHypervisor agents = withAgentImage(FakeHypervisor.singleNode().toBuilder().guestBootDelay(Duration.ZERO));
        agents.create(CreateRequest.of("pve", 100, Map.of("agent", "1", "name", "web", "scsi0", AGENT_DISK,
                "ide2", "local-lvm:cloudinit"))).await(LONG);
        agents.start(vm100).await(LONG);
        int wait = agents.agentExec(vm100, List.of("cloud-init", "status", "--wait"), null);
        assertEquals(GuestExecStatus.running(), agents.agentExecStatus(vm100, wait));
        agents.time().advance(Duration.ofSeconds(5));
        assertEquals(GuestExecStatus.running(), agents.agentExecStatus(vm100, wait), "cloud-init takes 30 s and more");
        agents.time().advance(Duration.ofMinutes(1));
        assertEquals(new GuestExecStatus(true, 0, "status: done\n", ""), agents.agentExecStatus(vm100, wait));
        int missing = agents.agentExec(vm100, List.of("/usr/bin/frobnicate"), null);
        assertEquals(127, agents.agentExecStatus(vm100, missing).exitCode());
        int host = agents.agentExec(vm100, List.of("hostname"), null);
        assertEquals("web\n", agents.agentExecStatus(vm100, host).stdout());

        GuestBehaviour custom = (guest, command, stdin) -> GuestBehaviour.Outcome.exit(42, "vm " + guest.vmid());
        FakeHypervisor scripted = withAgentImage(agents.toBuilder().guestBehaviour(custom).time(new FakeClock()));
        scripted.create(CreateRequest.of("pve", 100, Map.of("agent", "1", "scsi0", AGENT_DISK))).await(LONG);
        scripted.start(vm100).await(LONG);
        int pid = scripted.agentExec(vm100, List.of("anything"), null);
        assertEquals(new GuestExecStatus(true, 42, "vm 100", ""), scripted.agentExecStatus(vm100, pid));
    }

    @Test
    void snapshotsKeepTheirConfigAndParents() {
        create(100, Map.of("scsi0", "local-lvm:1", "cores", "1"));
        hv.createSnapshot(vm100, "one", "first", false).await(LONG);
        hv.updateConfig(vm100, ConfigUpdate.set("cores", "2")).await(LONG);
        hv.createSnapshot(vm100, "two", "", false).await(LONG);
        assertEquals("1", hv.cluster().snapshotConfig("pve", 100, "one").get("cores"));
        assertEquals("one", hv.cluster().snapshotConfig("pve", 100, "two").get("parent"));
        assertEquals("two", config(vm100, "parent"));
        hv.deleteSnapshot(vm100, "one").await(LONG);
        assertFalse(hv.cluster().snapshotConfig("pve", 100, "two").containsKey("parent"));
        ParameterRejectedException reserved = assertThrows(ParameterRejectedException.class,
                () -> hv.createSnapshot(vm100, "current", "", false));
        assertEquals("unable to use snapshot name 'current' (reserved name)", reserved.errors().get("snapname"));
        VmConfig config = hv.getConfig(vm100);
        assertTrue(hv.cluster().configFileText("pve", 100).contains("\n[two]\n"), "snapshots are sections of the config file");
        assertEquals("2", config.get("cores").orElseThrow());
    }
}
