package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.definition.UbuntuCloud;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.ConflictException;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.StorageVolume;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.plan.ApplyEvent;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Change;
import ai.thinkheads.phoenix.plan.ChangeKind;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.PlanRefusedException;
import ai.thinkheads.phoenix.plan.Refusal;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.ForwardingHypervisor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 3: what a plan can see is refused by the plan (a missing import image or ISO, by
 * its volume name; a storage the node does not have, as such), and what apply uploaded for a guest
 * whose create then failed is removed or reported as left behind.
 */
class ApplyFailsEarlyOnFakeTest {

    private static final String IMAGE = UbuntuCloud.DEFAULT_IMAGE;

    /** The fake as the HTTP API sees it: uploads of iso, import and vztmpl only, so user-data travels as a NoCloud ISO. */
    private static final class ApiLike extends ForwardingHypervisor {
        private final FakeHypervisor fake;

        ApiLike(FakeHypervisor fake) {
            this.fake = fake;
        }

        @Override
        protected Hypervisor delegate() {
            return fake;
        }

        @Override
        public Set<StorageContent> uploadableContent() {
            return EnumSet.of(StorageContent.ISO, StorageContent.IMPORT, StorageContent.VZTMPL);
        }
    }

    private static Phoenix phoenix(FakeHypervisor fake, Hypervisor hv, List<ApplyEvent> events) {
        return Phoenix.on(hv).time(fake.time()).applyOptions(ApplyOptions.builder().listener(events::add).build());
    }

    private static VmSpec.Builder vm(String name) {
        return VmSpec.builder(name).memory(512).disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(4))).nic(Nic.virtio(0, "vmbr0"));
    }

    /** A VM booting a NoCloud seed ISO that its operator prepared ({@code CloudInit.noCloudIso}): an ISO on a CD-ROM it names. */
    private static VmSpec.Builder seeded(String name, String iso) {
        return vm(name).cloudInit(CloudInit.builder("local-lvm").noCloudIso(iso).build());
    }

    private static List<String> isoFiles(FakeHypervisor fake) {
        return fake.listVolumes("pve", "local", StorageContent.ISO).stream().map(StorageVolume::volid).toList();
    }

    private static String uploadedVolid(Plan plan, String vm) {
        return plan.vm(vm).orElseThrow().changes().stream().filter(c -> c instanceof Change.Upload)
                .map(c -> ((Change.Upload) c).file().volid()).findFirst().orElseThrow();
    }

    // ---- missing files, seen by the plan ----------------------------------------------------

    @Test
    void aMissingImportImageIsRefusedByThePlanWithItsVolumeNameAndNothingIsUploaded() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        Hypervisor hv = new ApiLike(fake);
        List<ApplyEvent> events = Collections.synchronizedList(new ArrayList<>());
        Phoenix p = phoenix(fake, hv, events);
        Plan plan = p.plan(List.of(UbuntuCloud.template("ubuntu-2404", 9000).build()));

        assertEquals(1, plan.refusals().size(), plan.render());
        Refusal r = plan.refusals().get(0);
        assertEquals(Refusal.Reason.MISSING_DEPENDENCY, r.reason());
        assertEquals("volume '" + IMAGE + "' (scsi0 import-from) does not exist on node pve; storage 'local' holds no import files",
                r.message());
        assertThrows(PlanRefusedException.class, () -> p.apply(plan));
        assertEquals(List.of(), isoFiles(fake), "no NoCloud ISO was written");
        assertEquals(List.of(), fake.listVms());
    }

    @Test
    void aMissingImportImageIsRefusedAndTheImagesTheStorageHoldsAreNamed() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        fake.cluster().addVolume("pve", "local", "import/jammy-server-cloudimg-amd64.img", 1L << 30);
        Plan plan = Phoenix.on(fake).time(fake.time()).plan(List.of(UbuntuCloud.template("ubuntu-2404", 9000).build()));
        assertEquals(List.of("ubuntu-2404: missing dependency — volume '" + IMAGE + "' (scsi0 import-from) does not exist on node pve;"
                + " storage 'local' holds local:import/jammy-server-cloudimg-amd64.img"),
                plan.refusals().stream().map(Refusal::toString).toList());
    }

    @Test
    void aMissingIsoOnACdromIsRefusedByThePlanWithItsVolumeName() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        VmDefinition def = VmDefinition.of(seeded("seeded", "local:iso/seed.iso").build());
        Plan plan = Phoenix.on(fake).time(fake.time()).plan(List.of(def));
        assertEquals(List.of("seeded: missing dependency — volume 'local:iso/seed.iso' (ide2 CD-ROM) does not exist on node pve;"
                + " storage 'local' holds no iso files"), plan.refusals().stream().map(Refusal::toString).toList());

        fake.cluster().addVolume("pve", "local", "iso/seed.iso", 1L << 20);
        Plan again = Phoenix.on(fake).time(fake.time()).plan(List.of(def));
        assertFalse(again.hasRefusals(), again.render());
        assertTrue(Phoenix.on(fake).time(fake.time()).apply(again).isComplete());
    }

    @Test
    void aFileOnAStorageTheNodeDoesNotHaveIsRefusedNamingTheStorage() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        VmDefinition def = VmDefinition.of(seeded("seeded", "nas:iso/seed.iso").build());
        Plan plan = Phoenix.on(fake).time(fake.time()).plan(List.of(def));
        assertEquals(List.of("seeded: missing dependency — ide2 CD-ROM names 'nas:iso/seed.iso', but storage 'nas' does not"
                + " exist on node pve (it has: local, local-lvm)"), plan.refusals().stream().map(Refusal::toString).toList());
    }

    @Test
    void eachStoragesFilesAreListedOncePerPlanNotOncePerVm() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        fake.cluster().addVolume("pve", "local", "import/img.qcow2", 1L << 30);
        AtomicInteger listings = new AtomicInteger();
        fake.faults().always((primitive, vm) -> {
            if (primitive.equals("listVolumes")) {
                listings.incrementAndGet();
            }
        });
        List<VmDefinition> defs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            defs.add(VmDefinition.of(VmSpec.builder("imp" + i).memory(512).source(Source.importImage("local:import/img.qcow2"))
                    .disk(Disk.scsi(0, "local-lvm", null)).nic(Nic.virtio(0, "vmbr0")).build()));
        }
        Plan plan = Phoenix.on(fake).time(fake.time()).plan(defs);
        assertFalse(plan.hasRefusals(), plan.render());
        assertEquals(1, listings.get(), "local's import files, read once for five VMs");

        listings.set(0);
        Plan none = Phoenix.on(fake).time(fake.time()).plan(List.of(VmDefinition.of(vm("plain").build())));
        assertFalse(none.hasRefusals(), none.render());
        assertEquals(0, listings.get(), "a definition that names no file reads no listing");
    }

    @Test
    void aChangedKeyNamingAMissingIsoOnAnExistingVmIsRefused() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        Phoenix p = Phoenix.on(fake).time(fake.time());
        assertTrue(p.converge(List.of(VmDefinition.of(vm("web").build()))).isComplete());
        Plan plan = p.plan(List.of(VmDefinition.of(seeded("web", "local:iso/seed.iso").build())));
        assertEquals(List.of(Refusal.Reason.MISSING_DEPENDENCY), plan.refusals().stream().map(Refusal::reason).toList(), plan.render());
        assertTrue(plan.refusals().get(0).message().startsWith("volume 'local:iso/seed.iso' (ide2 CD-ROM) does not exist on node pve"),
                plan.render());
    }

    // ---- missing storages -------------------------------------------------------------------

    @Test
    void aMissingStorageIsRefusedAsMissingWithTheNodesStoragesNotAsNoRoom() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        VmDefinition def = VmDefinition.of(VmSpec.builder("web").memory(512).disk(Disk.scsi(0, "fast", DiskSize.ofGiB(4))).build());
        Plan plan = Phoenix.on(fake).time(fake.time()).plan(List.of(def));
        assertEquals(List.of("web: missing dependency — storage 'fast' does not exist on node pve (it has: local, local-lvm)"),
                plan.refusals().stream().map(Refusal::toString).toList());
    }

    @Test
    void aMissingStorageIsSaidPerCandidateNode() {
        FakeHypervisor fake = FakeHypervisor.cluster(2);
        VmDefinition def = VmDefinition.of(VmSpec.builder("web").memory(512).disk(Disk.scsi(0, "fast", DiskSize.ofGiB(4))).build());
        Plan plan = Phoenix.on(fake).time(fake.time()).plan(List.of(def));
        assertEquals(List.of("web: missing dependency — storage 'fast' does not exist on node pve1 (it has: ceph, local, local-lvm);"
                        + " storage 'fast' does not exist on node pve2 (it has: ceph, local, local-lvm)"),
                plan.refusals().stream().map(Refusal::toString).toList());

        VmDefinition pinned = VmDefinition.of(VmSpec.builder("web").node("pve2").memory(512)
                .disk(Disk.scsi(0, "fast", DiskSize.ofGiB(4))).build());
        assertEquals(List.of("web: missing dependency — storage 'fast' does not exist on node pve2 (it has: ceph, local, local-lvm)"),
                Phoenix.on(fake).time(fake.time()).plan(List.of(pinned)).refusals().stream().map(Refusal::toString).toList());
    }

    @Test
    void whereOneNodeLacksTheStorageAndAnotherTheRoomBothAreSaid() {
        FakeHypervisor fake = FakeHypervisor.clusterBuilder(2)
                .storage(ai.thinkheads.phoenix.testkit.model.StorageSpec.local("fast", "lvmthin", 100, "images").onNodes("pve1"))
                .build();
        VmDefinition def = VmDefinition.of(VmSpec.builder("big").memory(1024 * 1024).disk(Disk.scsi(0, "fast", DiskSize.ofGiB(4))).build());
        Plan plan = Phoenix.on(fake).time(fake.time()).plan(List.of(def));
        assertEquals(List.of(Refusal.Reason.NO_CAPACITY), plan.refusals().stream().map(Refusal::reason).toList(), plan.render());
        String text = plan.refusals().get(0).message();
        assertTrue(text.startsWith("no node has room (pve1: needs 1048576 MiB memory"), text);
        assertTrue(text.endsWith("; storage 'fast' does not exist on node pve2 (it has: ceph, local, local-lvm))"), text);
    }

    // ---- what apply uploaded for a guest it could not create --------------------------------

    private static VmDefinition template() {
        return UbuntuCloud.template("ubuntu-2404", 9000).build();
    }

    /**
     * Plans the template while its image is there and removes the image before apply (someone
     * cleaned up in between): apply uploads the NoCloud ISO, and the create then fails with
     * qemu-server's {@code could not get size of ...}.
     */
    private static Plan planWhileTheImageIsThere(FakeHypervisor fake, Phoenix p) {
        String image = fake.cluster().addVolume("pve", "local", "import/" + UbuntuCloud.IMAGE_FILE, 1L << 30);
        Plan plan = p.plan(List.of(template()));
        assertFalse(plan.hasRefusals(), plan.render());
        fake.deleteVolume("pve", image).await(Duration.ofMinutes(1));
        return plan;
    }

    @Test
    void whatApplyUploadedForAGuestWhoseCreateFailedIsRemoved() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        Hypervisor hv = new ApiLike(fake);
        List<ApplyEvent> events = Collections.synchronizedList(new ArrayList<>());
        Phoenix p = phoenix(fake, hv, events);
        Plan plan = planWhileTheImageIsThere(fake, p);
        String iso = uploadedVolid(plan, "ubuntu-2404");

        ApplyResult r = p.apply(plan);
        ApplyResult.Outcome o = r.outcome("ubuntu-2404").orElseThrow();
        assertEquals(ApplyResult.Status.FAILED, o.status());
        assertTrue(o.failure().getMessage().contains("could not get size of " + IMAGE), o.failure().toString());
        assertEquals(List.of(ChangeKind.UPLOAD), o.done());
        assertEquals(List.of(), isoFiles(fake), "the NoCloud ISO is gone");
        assertEquals(List.of(), o.leftBehind());
        assertTrue(events.stream().anyMatch(e -> e.type() == ApplyEvent.Type.CLEANED_UP && e.message().contains(iso)), events.toString());
    }

    @Test
    void whatApplyUploadedForAGuestWhoseCloneFailedIsRemoved() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        fake.cluster().addVolume("pve", "local", "import/" + UbuntuCloud.IMAGE_FILE, 1L << 30);
        Hypervisor hv = new ApiLike(fake);
        List<ApplyEvent> events = Collections.synchronizedList(new ArrayList<>());
        Phoenix p = phoenix(fake, hv, events);
        assertTrue(p.converge(List.of(UbuntuCloud.template("ubuntu-2404", 9000).build())).isComplete());
        List<String> before = isoFiles(fake);
        VmDefinition clone = UbuntuCloud.clone("docker-01", 9000).vmid(9101).features("docker").build();
        Plan plan = p.plan(List.of(clone));
        String iso = uploadedVolid(plan, "docker-01");
        fake.faults().failNext("clone", () -> new ConflictException("clone refused (a test fault)", "pve", 9000));

        ApplyResult.Outcome o = p.apply(plan).outcome("docker-01").orElseThrow();
        assertEquals(ApplyResult.Status.FAILED, o.status());
        assertEquals(before, isoFiles(fake), "the clone's ISO is removed, the template's stays: " + iso);
        assertEquals(List.of(), o.leftBehind());
    }

    @Test
    void whenRemovingTheUploadFailsItIsReportedAsLeftBehindByName() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        Hypervisor hv = new ApiLike(fake);
        List<ApplyEvent> events = Collections.synchronizedList(new ArrayList<>());
        Phoenix p = phoenix(fake, hv, events);
        Plan plan = planWhileTheImageIsThere(fake, p);
        String iso = uploadedVolid(plan, "ubuntu-2404");
        fake.faults().failNext("deleteVolume", () -> new ConflictException("unable to delete volume: permission denied (a test fault)",
                "pve", null));

        ApplyResult r = p.apply(plan);
        ApplyResult.Outcome o = r.outcome("ubuntu-2404").orElseThrow();
        assertEquals(ApplyResult.Status.FAILED, o.status());
        assertEquals(List.of(iso), o.leftBehind());
        assertEquals(List.of(iso), r.leftBehind());
        assertEquals(List.of(iso), isoFiles(fake));
        assertTrue(r.render().contains("left behind: " + iso), r.render());
        assertTrue(events.stream().anyMatch(e -> e.type() == ApplyEvent.Type.LEFT_BEHIND && e.message().startsWith(iso + " on node pve")
                && e.message().contains("unable to delete volume")), events.toString());
    }

    @Test
    void aFileAnotherGuestsConfigNamesIsNeverRemoved() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        Hypervisor hv = new ApiLike(fake);
        List<ApplyEvent> events = Collections.synchronizedList(new ArrayList<>());
        Phoenix p = phoenix(fake, hv, events);
        Plan first = planWhileTheImageIsThere(fake, p);
        Change.UploadFile file = first.vm("ubuntu-2404").orElseThrow().changes().stream().filter(c -> c instanceof Change.Upload)
                .map(c -> ((Change.Upload) c).file()).findFirst().orElseThrow();
        // another guest names that very file (attached while it existed; removed out of band since)
        fake.uploadFile("pve", "local", StorageContent.ISO, file.filename(), file.data()).await(Duration.ofMinutes(1));
        fake.create(new CreateRequest("pve", 300, Map.of("name", "other", "memory", "512",
                "ide3", file.volid() + ",media=cdrom"), null, false)).await(Duration.ofMinutes(1));
        fake.deleteVolume("pve", file.volid()).await(Duration.ofMinutes(1));
        assertEquals(List.of(), isoFiles(fake));

        ApplyResult.Outcome o = p.apply(first).outcome("ubuntu-2404").orElseThrow();
        assertEquals(ApplyResult.Status.FAILED, o.status());
        assertEquals(List.of(file.volid()), isoFiles(fake), "VM 300's config names it: kept");
        assertEquals(List.of(file.volid()), o.leftBehind());
        assertTrue(events.stream().anyMatch(e -> e.type() == ApplyEvent.Type.LEFT_BEHIND && e.message().contains("VM 300")),
                events.toString());
    }

    @Test
    void aFileASnapshotNamesIsNeverRemoved() {
        FakeHypervisor fake = FakeHypervisor.singleNode();
        Hypervisor hv = new ApiLike(fake);
        List<ApplyEvent> events = Collections.synchronizedList(new ArrayList<>());
        Phoenix p = phoenix(fake, hv, events);
        Plan plan = planWhileTheImageIsThere(fake, p);
        Change.UploadFile file = plan.vm("ubuntu-2404").orElseThrow().changes().stream().filter(c -> c instanceof Change.Upload)
                .map(c -> ((Change.Upload) c).file()).findFirst().orElseThrow();
        // VM 300 had the file on a CD-ROM when its snapshot was taken; its config no longer names it
        fake.uploadFile("pve", "local", StorageContent.ISO, file.filename(), file.data()).await(Duration.ofMinutes(1));
        VmRef other = new VmRef("pve", 300);
        fake.create(new CreateRequest("pve", 300, Map.of("name", "other", "memory", "512",
                "ide3", file.volid() + ",media=cdrom"), null, false)).await(Duration.ofMinutes(1));
        fake.createSnapshot(other, "with-iso", "", false).await(Duration.ofMinutes(1));
        fake.updateConfig(other, new ConfigUpdate(Map.of(), Set.of("ide3"), null)).await(Duration.ofMinutes(1));

        ApplyResult.Outcome o = p.apply(plan).outcome("ubuntu-2404").orElseThrow();
        assertEquals(ApplyResult.Status.FAILED, o.status());
        assertEquals(List.of(file.volid()), isoFiles(fake), "the snapshot of VM 300 names it: kept");
        assertTrue(events.stream().noneMatch(e -> e.type() == ApplyEvent.Type.CLEANED_UP), events.toString());
    }
}
