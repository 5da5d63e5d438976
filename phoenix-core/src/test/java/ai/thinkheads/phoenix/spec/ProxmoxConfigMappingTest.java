package ai.thinkheads.phoenix.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.AgentConfig;
import ai.thinkheads.phoenix.config.ConfigKeys;
import ai.thinkheads.phoenix.config.ConfigView;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.DriveBus;
import ai.thinkheads.phoenix.config.IpConfig;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProxmoxConfigMappingTest {

    @Test
    void mapsEveryDeclaredFieldToItsKey() {
        VmSpec spec = VmSpecTest.valid()
                .nic(Nic.of(1, "e1000", "vmbr1").withMac("BC:24:11:00:00:02"))
                .disk(Disk.on(DriveBus.SATA, 1, "local-lvm", DiskSize.ofGiB(10)).withSsd(true).withCache("writeback")
                        .withOption("backup", "0"))
                .pci(PciPassthrough.host(0, "0000:01:00.0").withPcie(true).withXVga(true))
                .agent(new AgentConfig(true, true))
                .option("ostype", "l26")
                .tag("Alpha")
                .start(true)
                .build();
        CreateConfig create = ProxmoxConfigMapping.forCreate(spec);
        Map<String, String> expected = new TreeMap<>();
        expected.put("name", "web01");
        expected.put("sockets", "1");
        expected.put("cores", "2");
        expected.put("cpu", "x86-64-v2-AES");
        expected.put("memory", "4096");
        expected.put("balloon", "1024");
        expected.put("scsihw", "virtio-scsi-single");
        expected.put("scsi0", "local-lvm:0,discard=on,import-from=/var/lib/vz/template/iso/noble.img,iothread=1");
        expected.put("sata1", "local-lvm:10,backup=0,cache=writeback,ssd=1");
        expected.put("ide2", "local-lvm:cloudinit,media=cdrom");
        expected.put("net0", "virtio,bridge=vmbr0,firewall=1,tag=10");
        expected.put("net1", "e1000=BC:24:11:00:00:02,bridge=vmbr1");
        expected.put("ipconfig0", "gw=10.0.0.1,ip=10.0.0.5/24");
        expected.put("ciuser", "ubuntu");
        expected.put("cipassword", VmSpecTest.HASH);
        expected.put("sshkeys", "ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl%20me%40laptop");
        expected.put("nameserver", "10.0.0.1");
        expected.put("searchdomain", "example.com");
        expected.put("agent", "1,fstrim_cloned_disks=1");
        expected.put("boot", "order=scsi0;ide2;net0");
        expected.put("onboot", "1");
        expected.put("startup", "order=1,up=30");
        expected.put("tags", "alpha;prod;web");
        expected.put("description", "web server");
        expected.put("hostpci0", "0000:01:00.0,pcie=1,x-vga=1");
        expected.put("ostype", "l26");
        assertEquals(expected, create.config());
        assertEquals("team-a", create.pool());
        assertTrue(create.start());
        assertFalse(create.toString().contains(VmSpecTest.HASH));
        for (String key : create.config().keySet()) {
            assertTrue(ConfigKeys.isKnown(key), key);
        }
        // the output reads back through the typed views
        ConfigView view = ConfigView.of(create.config());
        assertEquals(3, view.drives().size());
        assertEquals(IpConfig.staticV4("10.0.0.5/24", "10.0.0.1"), view.ipConfigs().get(0));
    }

    @Test
    void aMinimalSpecEmitsOnlyTheDefaultsAndNoMac() {
        VmSpec spec = VmSpec.builder("tiny").disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(8))).nic(Nic.virtio(0, "vmbr0")).build();
        CreateConfig create = ProxmoxConfigMapping.forCreate(spec);
        assertEquals(Map.of("name", "tiny", "sockets", "1", "cores", "1", "memory", "2048", "scsihw", "virtio-scsi-single",
                "scsi0", "local-lvm:8", "net0", "virtio,bridge=vmbr0", "boot", "order=scsi0"), create.config());
        assertNull(create.pool());
        assertFalse(create.start());
        assertEquals(Map.of(), create.snippets());
    }

    /** sha1("#cloud-config\npackages: [nginx]\n"), first 12 hex digits, as python3 hashlib computes it. */
    private static final String SHA12 = "17bd5bed2d65";

    @Test
    void userDataBecomesASnippetAndCicustom() {
        VmSpec spec = VmSpec.builder("web01").cloudInit(CloudInit.builder("local-lvm").snippetStorage("local")
                .userData("#cloud-config\npackages: [nginx]\n").build()).template(true).build();
        CreateConfig create = ProxmoxConfigMapping.forCreate(spec);
                String volume = "local:snippets/web01-" + SHA12 + ".yaml";
        assertEquals("user=" + volume, create.config().get("cicustom"));
        assertEquals("1", create.config().get("template"));
        assertEquals(Map.of(volume, "#cloud-config\npackages: [nginx]\n"), create.snippets());
    }

    @Test
    void aSnippetWithoutADeclaredStorageGoesToLocal() {
        VmSpec spec = VmSpec.builder("web01").cloudInit(CloudInit.builder("local-lvm")
                .userData("#cloud-config\npackages: [nginx]\n").build()).build();
        assertEquals("user=local:snippets/web01-" + SHA12 + ".yaml", ProxmoxConfigMapping.forCreate(spec).config().get("cicustom"));
    }

    @Test
    void aCloneMapsDisksToTheirTargetSizes() {
        VmSpec spec = VmSpec.builder("c1").source(Source.linkedClone(9000)).disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(40)))
                .nic(Nic.virtio(0, "vmbr0").withRate(12.5).withMtu(1)).build();
        Map<String, String> config = ProxmoxConfigMapping.forCreate(spec).config();
        assertEquals("local-lvm:40", config.get("scsi0"));
        assertEquals("virtio,bridge=vmbr0,mtu=1,rate=12.5", config.get("net0"));
    }
}
