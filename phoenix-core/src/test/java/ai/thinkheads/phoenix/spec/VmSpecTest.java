package ai.thinkheads.phoenix.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.PhoenixException;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.DriveBus;
import ai.thinkheads.phoenix.config.IpConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class VmSpecTest {

    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop";
    static final String HASH = "$6$rounds=4096$saltsalt$Qk0S1y9cXJzqOjVh1ZP3dYQ2y2cWZ8sYc0lJkq9.F1mVX8r0bD4zZ6l9fQ2dI0f2q8y5b3c1d7e9f0a2b4c6d8";

    static VmSpec.Builder valid() {
        return VmSpec.builder("web01")
                .vmid(120)
                .source(Source.importImage("/var/lib/vz/template/iso/noble.img"))
                .cores(2).memory(4096).balloon(1024).cpu("x86-64-v2-AES")
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(32)).withDiscard(true).withIothread(true))
                .nic(Nic.virtio(0, "vmbr0").withVlan(10).withFirewall(true))
                .cloudInit(CloudInit.builder("local-lvm").user("ubuntu").sshKey(KEY).passwordHash(HASH)
                        .ipconfig(0, IpConfig.staticV4("10.0.0.5/24", "10.0.0.1")).nameservers("10.0.0.1")
                        .searchDomain("example.com").build())
                .agent(true)
                .bootOrder("scsi0", "ide2", "net0")
                .onboot(true).startup(1, 30, null)
                .tags("prod", "web")
                .pool("team-a")
                .description("web server");
    }

    @Test
    void aValidSpecBuildsAndRoundTripsThroughToBuilder() {
        VmSpec spec = valid().build();
        assertEquals(spec, spec.toBuilder().build());
        assertEquals(spec.hashCode(), spec.toBuilder().build().hashCode());
        assertNotEquals(spec, spec.toBuilder().cores(4).build());
        assertEquals("web01", spec.name());
        assertEquals(List.of("prod", "web"), spec.tags());
    }

    @Test
    void toStringIsReadableAndNeverShowsThePasswordHash() {
        String text = valid().build().toString();
        assertTrue(text.startsWith("VmSpec{name=web01, vmid=120, source=ImportImage[from=/var/lib/vz/template/iso/noble.img]"), text);
        assertTrue(text.contains("disk scsi0=local-lvm:32G discard=on iothread=on"), text);
        assertTrue(text.contains("nic net0=virtio on vmbr0 vlan 10 firewall=on"), text);
        assertTrue(text.contains("passwordHash=<redacted>"), text);
        assertFalse(text.contains(HASH), text);
        assertFalse(text.contains("saltsalt"), text);
    }

    @Test
    void builderMethodsRecordTheirOwnBadValueWithItsFieldAndBuildReportsIt() {
        assertProblem("name: 'web_01' does not look like a valid DNS name", VmSpec.builder("web_01"));
        assertRecorded("vmid: 99 is outside 100..999999999", b -> b.vmid(99));
        assertRecorded("vmid: 1000000000 is outside 100..999999999", b -> b.vmid(1_000_000_000));
        assertRecorded("node: '-pve' does not look like a valid DNS name", b -> b.node("-pve"));
        assertRecorded("sockets: 0 is less than 1", b -> b.sockets(0));
        assertRecorded("cores: 0 is less than 1", b -> b.cores(0));
        assertRecorded("cpu: 'host,flags=+aes' is not a CPU type name", b -> b.cpu("host,flags=+aes"));
        assertRecorded("memory: 8 is less than 16", b -> b.memory(8));
        assertRecorded("balloon: -1 is less than 0", b -> b.balloon(-1));
        assertRecorded("scsihw: 'virtio' is not one of [lsi, lsi53c810, virtio-scsi-pci, virtio-scsi-single, megasas, pvscsi]",
                b -> b.scsihw("virtio"));
        assertRecorded("boot[1]: 'efidisk0' is not a boot device key", b -> b.bootOrder("scsi0", "efidisk0"));
        assertRecorded("boot[1]: 'scsi0' is listed twice", b -> b.bootOrder("scsi0", "scsi0"));
        assertRecorded("startup: order: -1 is negative", b -> b.startup(-1, null, null));
        assertRecorded("tags: 'a b' has invalid characters for a tag", b -> b.tag("a b"));
        assertRecorded("pool: 'a b' is not a valid pool ID", b -> b.pool("a b"));
        assertRecorded("description: 8193 characters exceed the limit of 8192", b -> b.description("x".repeat(8193)));
        assertRecorded("source: must not be null", b -> b.source(null));
        assertRecorded("options.frobnicate: is not a VM option Phoenix knows (see ConfigKeys)", b -> b.option("frobnicate", "1"));
        assertRecorded("options.cores: is set by a typed field of VmSpec; use that instead", b -> b.option("cores", "2"));
        assertRecorded("options.net0: is set by a typed field of VmSpec; use that instead", b -> b.option("net0", "virtio"));
        assertRecorded("options.ostype: 'dos' is not one of [other, wxp, w2k, w2k3, w2k8, wvista, win7, win8, win10, win11, l24, l26, solaris]",
                b -> b.option("ostype", "dos"));
        assertRecorded("options.cpuunits: 0 is outside 1..262144", b -> b.option("cpuunits", "0"));
        assertRecorded("options.numa: 'maybe' is not a boolean (1|0)", b -> b.option("numa", "maybe"));
        assertRecorded("options.vga.colour: is not a known vga option", b -> b.option("vga", "std,colour=1"));
        assertRecorded("options.vga.memory: 1024 is outside 4..512", b -> b.option("vga", "std,memory=1024"));
        assertRecorded("options.efidisk0: duplicate key in comma-separated list property: file",
                b -> b.option("efidisk0", "local-lvm:1,local-lvm:2"));
        assertRecorded("options.hotplug: must not contain control characters", b -> b.option("hotplug", "disk\nnetwork"));
        assertRecorded("options.hotplug: must not be blank", b -> b.option("hotplug", " "));
        assertRecorded("options.cpuunits: '1,2' contains a comma", b -> b.option("cpuunits", "1,2"));
        assertRecorded("options.cpuunits: '1.5' is not an integer", b -> b.option("cpuunits", "1.5"));
        assertRecorded("options.cpulimit: 'half' is not a number", b -> b.option("cpulimit", "half"));
        assertRecorded("options.cpulimit: 129 is outside 0..128", b -> b.option("cpulimit", "129"));
        VmSpec spec = VmSpec.builder("web01").option("numa", "yes").option("hotplug", "network,disk").option("vga", "memory=32,std")
                .option("efidisk0", "local-lvm:1,pre-enrolled-keys=yes,efitype=4m").build();
        assertEquals(Map.of("numa", "1", "hotplug", "network,disk", "vga", "std,memory=32",
                "efidisk0", "local-lvm:1,efitype=4m,pre-enrolled-keys=1"), spec.options());
    }

    @Test
    void componentsRejectTheirOwnBadValues() {
        assertRejected("nics[1].vlan: 5000 is outside 1..4094", () -> Nic.virtio(1, "vmbr0").withVlan(5000));
        assertRejected("nics.index: 32 is outside 0..31", () -> Nic.virtio(32, "vmbr0"));
        assertRejected("nics[0].mtu: only virtio NICs take an MTU (model is e1000)", () -> Nic.of(0, "e1000", "vmbr0").withMtu(9000));
        assertRejected("nics[0].mtu: 65521 is outside 1..65520", () -> Nic.virtio(0, "vmbr0").withMtu(65521));
        assertRejected("nics[0].mtu: 500 is smaller than the IP minimum MTU 576 (1 means the bridge MTU)",
                () -> Nic.virtio(0, "vmbr0").withMtu(500));
        assertRejected("nics[0].mac: '01:00:5E:00:00:01' is not a unicast MAC address (XX:XX:XX:XX:XX:XX, I/G bit clear)",
                () -> Nic.virtio(0, "vmbr0").withMac("01:00:5E:00:00:01"));
        assertRejected("nics[0].bridge: 'vmbr 0' is not a valid bridge ID", () -> Nic.virtio(0, "vmbr 0"));
        assertRejected("nics[0].queues: 65 is outside 0..64", () -> Nic.virtio(0, "vmbr0").withQueues(65));
        assertRejected("nics[0].rate: -1.0 is not a non-negative number", () -> Nic.virtio(0, "vmbr0").withRate(-1));
        assertRejected("nics[0].model: 'virtio-net' is not one of [e1000, e1000-82540em, e1000-82544gc, e1000-82545em, e1000e, "
                + "i82551, i82557b, i82559er, ne2k_isa, ne2k_pci, pcnet, rtl8139, virtio, vmxnet3]", () -> Nic.of(0, "virtio-net", "vmbr0"));

        assertRejected("disks[scsi31].index: 31 is outside 0..30", () -> Disk.scsi(31, "local-lvm", DiskSize.ofGiB(1)));
        assertRejected("disks[virtio16].index: 16 is outside 0..15", () -> Disk.virtio(16, "local-lvm", DiskSize.ofGiB(1)));
        assertRejected("disks[sata6].index: 6 is outside 0..5", () -> Disk.on(DriveBus.SATA, 6, "local-lvm", DiskSize.ofGiB(1)));
        assertRejected("disks[ide4].index: 4 is outside 0..3", () -> Disk.on(DriveBus.IDE, 4, "local-lvm", DiskSize.ofGiB(1)));
        assertRejected("disks[scsi0].storage: 'l' is not a valid storage ID", () -> Disk.scsi(0, "l", DiskSize.ofGiB(1)));
        assertRejected("disks[virtio0].ssd: not available on virtio (Drive.pm: virtio has no ssd option)",
                () -> Disk.virtio(0, "local-lvm", DiskSize.ofGiB(1)).withSsd(true));
        assertRejected("disks[sata0].iothread: not available on sata (only scsi and virtio)",
                () -> Disk.on(DriveBus.SATA, 0, "local-lvm", DiskSize.ofGiB(1)).withIothread(true));
        assertRejected("disks[scsi0].cache: 'fast' is not one of [none, writethrough, writeback, unsafe, directsync]",
                () -> Disk.scsi(0, "local-lvm", DiskSize.ofGiB(1)).withCache("fast"));
        assertRejected("disks[scsi0].options.turbo: is not a known scsi drive option",
                () -> Disk.scsi(0, "local-lvm", DiskSize.ofGiB(1)).withOption("turbo", "1"));
        assertRejected("disks[scsi0].options.import-from: is set by a typed field or by the source; not allowed as an extra option",
                () -> Disk.scsi(0, "local-lvm", DiskSize.ofGiB(1)).withOption("import-from", "/x.img"));
        assertRejected("disks[scsi0].options.aio: 'fast' is not one of [native, threads, io_uring]",
                () -> Disk.scsi(0, "local-lvm", DiskSize.ofGiB(1)).withOption("aio", "fast"));
        assertEquals(Map.of("backup", "0"), Disk.scsi(0, "local-lvm", DiskSize.ofGiB(1)).withOption("backup", "no").extraOptions());

        assertRejected("source.importFrom: 'noble.img' is neither an absolute path nor a storage:volume id",
                () -> Source.importImage("noble.img"));
        assertRejected("source.templateVmid: 99 is outside 100..999999999", () -> Source.linkedClone(99));
        assertRejected("source.targetStorage: not allowed for linked clones",
                () -> ((Source.CloneTemplate) Source.linkedClone(9000)).toStorage("local-lvm"));
        assertRejected("source.snapshot: 'a b' is not a valid snapshot name",
                () -> ((Source.CloneTemplate) Source.fullClone(9000)).fromSnapshot("a b"));

        assertRejected("pci[0].host: '1:0' is not a PCI id like 0000:01:00.0 or 01:00", () -> PciPassthrough.host(0, "1:0"));
        assertRejected("pci.index: 16 is outside 0..15", () -> PciPassthrough.host(16, "01:00.0"));
        assertRejected("pci[0].mapping: invalid configuration ID 'a b'", () -> PciPassthrough.mapping(0, "a b"));
        assertEquals("an InvalidSpecException needs at least one problem", assertThrows(IllegalArgumentException.class,
                () -> new InvalidSpecException("web01", java.util.List.of())).getMessage());
        assertRejected("pci[0].mapping: invalid configuration ID '9gpu'", () -> PciPassthrough.mapping(0, "9gpu"));
    }

    @Test
    void cloudInitRejectsItsOwnBadValues() {
        CloudInit.Builder ci = CloudInit.builder("local-lvm");
        assertRejected("cloudInit.storage: 'x' is not a valid storage ID", () -> CloudInit.builder("x"));
        assertRejected("cloudInit.user: 'Root User' is not a valid user name", () -> ci.user("Root User"));
        assertRejected("cloudInit.sshKeys[0]: not an OpenSSH public key line (type base64 [comment])", () -> ci.sshKey("hunter2"));
        assertRejected("cloudInit.passwordHash: <redacted> is not a crypt(3) hash ($6$..., $5$..., $2y$..., $1$...); "
                + "a plaintext password is not accepted", () -> ci.passwordHash("hunter2"));
        assertRejected("cloudInit.ipconfig.index: 32 is outside 0..31", () -> ci.ipconfig(32, IpConfig.dhcp()));
        assertRejected("cloudInit.nameservers: 'dns.example.com' is not an IP address", () -> ci.nameservers("dns.example.com"));
        assertRejected("cloudInit.searchDomain: 'example..com' does not look like a valid DNS name", () -> ci.searchDomain("example..com"));
        assertRejected("cloudInit.slot: virtio cannot hold a CD-ROM; use ide, sata or scsi", () -> ci.slot(DriveBus.VIRTIO, 0));
        assertRejected("cloudInit.slot: 4 is outside 0..3", () -> ci.slot(DriveBus.IDE, 4));
        assertRejected("cloudInit.userData: must not be blank", () -> ci.userData(" "));
    }

    @Test
    void thePasswordNeverAppearsInAnExceptionMessage() {
        InvalidValueException e = assertThrows(InvalidValueException.class,
                () -> CloudInit.builder("local-lvm").passwordHash("correct horse battery staple"));
        assertFalse(e.getMessage().contains("horse"));
    }

    @Test
    void crossFieldRulesEachWithItsMessage() {
        Disk scsi0 = Disk.scsi(0, "local-lvm", DiskSize.ofGiB(32));
        assertProblem("disks[scsi0]: declared twice", VmSpec.builder("a").disk(scsi0).disk(scsi0.withSsd(true)));
        assertProblem("nics[0]: declared twice", VmSpec.builder("a").nic(Nic.virtio(0, "vmbr0")).nic(Nic.virtio(0, "vmbr1")));
        assertProblem("nics[1].mac: bc:24:11:00:00:01 is already used by nics[0]", VmSpec.builder("a")
                .nic(Nic.virtio(0, "vmbr0").withMac("BC:24:11:00:00:01")).nic(Nic.virtio(1, "vmbr0").withMac("bc:24:11:00:00:01")));
        assertProblem("pci[0]: declared twice", VmSpec.builder("a").pci(PciPassthrough.host(0, "01:00.0"))
                .pci(PciPassthrough.mapping(0, "gpu")));
        assertProblem("cloudInit.ipconfig[2]: there is no nics[2]", VmSpec.builder("a").nic(Nic.virtio(0, "vmbr0"))
                .cloudInit(CloudInit.builder("local-lvm").ipconfig(2, IpConfig.dhcp()).build()));
        // a clone that declares no NICs inherits its template's: its ipconfig needs no NIC of its own
        VmSpec.builder("a").source(Source.linkedClone(9000))
                .cloudInit(CloudInit.builder("local-lvm").ipconfig(0, IpConfig.dhcp()).build()).build();
        assertProblem("cloudInit.slot: ide2 is already used by disks[ide2]", VmSpec.builder("a")
                .disk(Disk.on(DriveBus.IDE, 2, "local-lvm", DiskSize.ofGiB(4))).cloudInit(CloudInit.builder("local-lvm").build()));
        assertProblem("boot[1]: 'net0' is not a declared disk, NIC or PCI device", VmSpec.builder("a").disk(scsi0).bootOrder("scsi0", "net0"));
        assertProblem("source: importing an image needs a disk to import into; declare one",
                VmSpec.builder("a").source(Source.importImage("local:iso/noble.img")));
        assertProblem("disks[scsi1].size: required for a new empty disk",
                VmSpec.builder("a").disk(scsi0).disk(Disk.scsi(1, "local-lvm", null)));
        assertProblem("disks[scsi0].size: required: a clone's declared disks are grown or allocated to their size",
                VmSpec.builder("a").source(Source.linkedClone(9000)).disk(Disk.scsi(0, "local-lvm", null)));
        assertProblem("disks[scsi0].size: 1536 MiB is not a whole number of GiB; Proxmox allocates new disks in GiB",
                VmSpec.builder("a").disk(Disk.scsi(0, "local-lvm", DiskSize.ofMiB(1536))));
        assertProblem("disks[scsi0].iothread: needs scsihw virtio-scsi-single (is virtio-scsi-pci)",
                VmSpec.builder("a").scsihw("virtio-scsi-pci").disk(scsi0.withIothread(true)));
        assertProblem("balloon: 4096 exceeds memory 2048", VmSpec.builder("a").memory(2048).balloon(4096));
        assertProblem("onboot: a template cannot be started at boot", VmSpec.builder("a").template(true).onboot(true));
        assertProblem("start: a template cannot be started", VmSpec.builder("a").template(true).start(true));
    }

    @Test
    void theRulesTheSpecAllows() {
        // import target may leave its size out; iothread on virtio needs no particular controller
        VmSpec.builder("a").source(Source.importImage("/img/noble.img")).scsihw("lsi")
                .disk(Disk.scsi(0, "local-lvm", null)).disk(Disk.virtio(0, "local-lvm", DiskSize.ofGiB(8)).withIothread(true)).build();
        VmSpec.builder("a").template(true).build();
        VmSpec.builder("a").source(((Source.CloneTemplate) Source.fullClone(9000)).toStorage("ceph").fromSnapshot("base"))
                .disk(Disk.scsi(0, "ceph", DiskSize.ofGiB(40))).build();
    }

    @Test
    void allCrossFieldProblemsAreReportedTogether() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> VmSpec.builder("web01")
                .memory(1024).balloon(2048)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(8))).disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(8)))
                .nic(Nic.virtio(0, "vmbr0"))
                .cloudInit(CloudInit.builder("local-lvm").ipconfig(1, IpConfig.dhcp()).build())
                .bootOrder("scsi0", "scsi5")
                .template(true).onboot(true)
                .build());
        assertEquals(List.of(
                new Problem("disks[scsi0]", "declared twice"),
                new Problem("cloudInit.ipconfig[1]", "there is no nics[1]"),
                new Problem("boot[1]", "'scsi5' is not a declared disk, NIC or PCI device"),
                new Problem("balloon", "2048 exceeds memory 1024"),
                new Problem("onboot", "a template cannot be started at boot")), e.problems());
        assertEquals("VmSpec 'web01' has 5 problems:\n"
                + "  disks[scsi0]: declared twice\n"
                + "  cloudInit.ipconfig[1]: there is no nics[1]\n"
                + "  boot[1]: 'scsi5' is not a declared disk, NIC or PCI device\n"
                + "  balloon: 2048 exceeds memory 1024\n"
                + "  onboot: a template cannot be started at boot", e.getMessage());
        assertTrue(e instanceof PhoenixException);
    }

    @Test
    void everyProblemIsReportedAtOnceSetterValuesAndCrossFieldRulesAlike() {
        // the README's promise: one build() reports them all (bad single values no longer throw at the setter)
        VmSpec.Builder b = VmSpec.builder("web_01")
                .vmid(5)
                .memory(8)
                .nic(Nic.virtio(0, "vmbr0"))
                .bootOrder("net0", "net1");
        try {
            b.nic(Nic.virtio(1, "vmbr0").withVlan(5000));
        } catch (InvalidValueException e) {
            b.problem(e.problem());
        }
        InvalidSpecException e = assertThrows(InvalidSpecException.class, b::build);
        assertEquals(List.of(
                "name: 'web_01' does not look like a valid DNS name",
                "vmid: 5 is outside 100..999999999",
                "memory: 8 is less than 16",
                "nics[1].vlan: 5000 is outside 1..4094",
                "boot[1]: 'net1' is not a declared disk, NIC or PCI device"),
                e.problems().stream().map(Problem::toString).toList());
        assertTrue(e.getMessage().startsWith("VmSpec 'web_01' has 5 problems:"), e.getMessage());
    }

    @Test
    void aSingleProblemSaysProblem() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> VmSpec.builder("a").template(true).start(true).build());
        assertEquals("VmSpec 'a' has 1 problem:\n  start: a template cannot be started", e.getMessage());
    }

    private static void assertProblem(String expected, VmSpec.Builder builder) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, builder::build);
        assertEquals(List.of(expected), e.problems().stream().map(Problem::toString).toList());
    }

    /** {@code setter} on a fresh valid builder throws nothing; {@code build()} then reports exactly {@code message}. */
    private static void assertRecorded(String message, java.util.function.Consumer<VmSpec.Builder> setter) {
        VmSpec.Builder b = VmSpec.builder("web01");
        setter.accept(b);
        assertProblem(message, b);
    }

    private static void assertRejected(String message, Executable call) {
        InvalidValueException e = assertThrows(InvalidValueException.class, call);
        assertEquals(message, e.getMessage());
        assertTrue(e instanceof IllegalArgumentException);
    }

}
