package ai.thinkheads.phoenix.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigViewsTest {

    @Test
    void driveCreateForm() {
        DriveConfig d = DriveConfig.parse("local-lvm:32,discard=on");
        assertEquals("local-lvm:32", d.file());
        assertEquals(Optional.of("local-lvm"), d.storage());
        assertEquals(OptionalLong.of(32), d.allocationGiB());
        assertEquals(Optional.of("on"), d.option("discard"));
        assertEquals("local-lvm:32,discard=on", d.format());
        assertEquals(d, DriveConfig.newVolume("local-lvm", 32).with("discard", "on"));
    }

    @Test
    void driveImportForm() {
        DriveConfig d = DriveConfig.parse("local-lvm:0,import-from=/var/lib/vz/template/iso/noble.img");
        assertEquals(OptionalLong.of(0), d.allocationGiB());
        assertEquals(Optional.of("/var/lib/vz/template/iso/noble.img"), d.importFrom());
        assertEquals(d, DriveConfig.importing("local-lvm", "/var/lib/vz/template/iso/noble.img"));
    }

    @Test
    void driveStoredFormNormalisesBooleansAndSizeAndSortsOptions() {
        DriveConfig d = DriveConfig.parse("volume=local-lvm:vm-100-disk-0,size=32768M,ssd=on,discard=on,iothread=yes");
        assertEquals("local-lvm:vm-100-disk-0", d.file());
        assertEquals(OptionalLong.empty(), d.allocationGiB());
        assertEquals(Optional.of(DiskSize.ofGiB(32)), d.size());
        assertEquals(Optional.of(true), d.flag("ssd"));
        assertEquals("local-lvm:vm-100-disk-0,discard=on,iothread=1,size=32G,ssd=1", d.format());
    }

    @Test
    void cloudInitAndCdromDrives() {
        DriveConfig created = DriveConfig.parse("local-lvm:cloudinit,media=cdrom");
        assertTrue(created.isCloudInit());
        assertTrue(created.isCdrom());
        assertEquals(created, DriveConfig.cloudInit("local-lvm"));
        assertTrue(DriveConfig.parse("local-lvm:vm-100-cloudinit,media=cdrom").isCloudInit());
        DriveConfig empty = DriveConfig.parse("none,media=cdrom");
        assertTrue(empty.isCdrom());
        assertFalse(empty.isCloudInit());
        assertEquals(Optional.empty(), empty.storage());
    }

    @Test
    void driveRejectsBadInput() {
        assertEquals("file: property is missing and it is not optional",
                assertThrows(PropertyStringException.class, () -> DriveConfig.parse("discard=on")).getMessage());
        assertEquals("key 'file' is already defined (via alias)",
                assertThrows(PropertyStringException.class, () -> DriveConfig.parse("a:1,volume=b:2")).getMessage());
        assertEquals("ssd: type check ('boolean') failed - got 'maybe'",
                assertThrows(PropertyStringException.class, () -> DriveConfig.parse("a:1,ssd=maybe")).getMessage());
    }

    @Test
    void netShortFormWithModelAsKeyAliasForMac() {
        NetConfig n = NetConfig.parse("virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=10,firewall=1");
        assertEquals("virtio", n.model());
        assertEquals(Optional.of("BC:24:11:00:00:01"), n.mac());
        assertEquals(Optional.of("vmbr0"), n.bridge());
        assertEquals(Optional.of(10), n.tag());
        assertTrue(n.firewall());
        assertEquals("virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1,tag=10", n.format());
    }

    @Test
    void netLongFormPrintsTheShortForm() {
        NetConfig n = NetConfig.parse("model=e1000,macaddr=BC:24:11:00:00:02,bridge=vmbr1");
        assertEquals("e1000=BC:24:11:00:00:02,bridge=vmbr1", n.format());
        assertEquals("virtio,bridge=vmbr0", NetConfig.of("virtio", "vmbr0").format());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "virtio,tag=5000|tag: 5000 is outside 1..4094",
        "virtio=01:00:00:00:00:01|macaddr: value does not look like a valid unicast MAC address: 01:00:00:00:00:01",
        "virtio=BC:24:11:00:00:01,e1000=BC:24:11:00:00:02|key alias 'model' is already defined",
        "bridge=vmbr0|model: property is missing and it is not optional",
        "macaddr=BC:24:11:00:00:01,virtio=BC:24:11:00:00:02|key 'macaddr' is already defined (via alias)",
        "virtio,rate=fast|rate: type check ('number') failed - got 'fast'",
        "virtio,tag=ten|tag: type check ('integer') failed - got 'ten'",
        "virtio,mtu=65521|mtu: 65521 is outside 1..65520",
        "virtio,queues=65|queues: 65 is outside 0..64",
        "foo,bridge=vmbr0|model: value 'foo' does not have a value in the enumeration 'e1000, e1000-82540em, e1000-82544gc, e1000-82545em, e1000e, i82551, i82557b, i82559er, ne2k_isa, ne2k_pci, pcnet, rtl8139, virtio, vmxnet3'",
    })
    void netRejects(String text, String message) {
        assertEquals(message, assertThrows(PropertyStringException.class, () -> NetConfig.parse(text)).getMessage());
    }

    @Test
    void ipconfig() {
        IpConfig s = IpConfig.parse("ip=10.0.0.5/24,gw=10.0.0.1");
        assertEquals(IpConfig.staticV4("10.0.0.5/24", "10.0.0.1"), s);
        assertEquals("gw=10.0.0.1,ip=10.0.0.5/24", s.format());
        assertTrue(IpConfig.parse("ip=dhcp").isDhcp());
        assertEquals("ip=dhcp,ip6=auto", IpConfig.dhcp().withIpv6("auto", null).format());
        assertEquals("gw6=2001:db8::1,ip6=2001:db8::5/64", IpConfig.parse("ip6=2001:db8::5/64,gw6=2001:db8::1").format());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ip=dhcp,gw=10.0.0.1|gw: gateway specified together with DHCP",
        "gw=10.0.0.1|gw: gateway specified without specifying an IP address",
        "ip=10.0.0.5|ip: '10.0.0.5' is neither 'dhcp' nor an IPv4 address in CIDR notation",
        "ip=10.0.0.256/24|ip: '10.0.0.256/24' is neither 'dhcp' nor an IPv4 address in CIDR notation",
        "ip6=auto,gw6=2001:db8::1|gw6: IPv6 gateway specified together with auto address",
        "ip=dhcp,mtu=1500|invalid key in comma-separated list property: mtu",
        "ip=10.0.0.5/24,gw=10.0.0|gw: '10.0.0' is not an IPv4 address",
        "ip=10.0.0.5/24,gw=2001:db8::1|gw: '2001:db8::1' is not an IPv4 address",
        "ip6=2001:db8::5|ip6: '2001:db8::5' is neither 'dhcp', 'auto' nor an IPv6 address in CIDR notation",
        "ip6=slaac|ip6: 'slaac' is neither 'dhcp', 'auto' nor an IPv6 address in CIDR notation",
        "ip6=2001:db8::5/64,gw6=10.0.0.1|gw6: '10.0.0.1' is not an IPv6 address",
        "ip=dhcp,gw6=2001:db8::1|gw6: IPv6 gateway specified without specifying an IPv6 address",
        "ip6=dhcp,gw6=2001:db8::1|gw6: IPv6 gateway specified together with dhcp address",
        "''|ipconfig: neither ip nor ip6 given",
    })
    void ipconfigRejects(String text, String message) {
        assertEquals(message, assertThrows(PropertyStringException.class, () -> IpConfig.parse(text)).getMessage());
    }

    @Test
    void bootOrder() {
        BootOrder b = BootOrder.parse("order=scsi0;ide2;net0");
        assertEquals(List.of("scsi0", "ide2", "net0"), b.devices());
        assertEquals("order=scsi0;ide2;net0", b.format());
        assertEquals("order: invalid boot device 'scsi31'",
                assertThrows(PropertyStringException.class, () -> BootOrder.parse("order=scsi31")).getMessage());
        assertThrows(PropertyStringException.class, () -> BootOrder.parse("cdn"));
        assertTrue(BootOrder.isBootDevice("net31"));
        assertFalse(BootOrder.isBootDevice("net32"));
        assertTrue(BootOrder.isBootDevice("usb13"));
        assertFalse(BootOrder.isBootDevice("usb14"));
        assertTrue(BootOrder.isBootDevice("hostpci15"));
        assertFalse(BootOrder.isBootDevice("hostpci16"));
        assertFalse(BootOrder.isBootDevice("efidisk0"));
        assertFalse(BootOrder.isBootDevice("net01"));
    }

    @Test
    void startupOrder() {
        assertEquals(new StartupOrder(1, 30, null), StartupOrder.parse("order=1,up=30"));
        assertEquals(new StartupOrder(3, null, 60), StartupOrder.parse("down=60,3"));
        assertEquals("order=3,down=60", StartupOrder.parse("down=60,3").format());
        assertThrows(PropertyStringException.class, () -> StartupOrder.parse("order=1,later=2"));
    }

    @Test
    void agent() {
        assertEquals(new AgentConfig(true, null), AgentConfig.parse("1"));
        AgentConfig a = AgentConfig.parse("enabled=1,fstrim_cloned_disks=1");
        assertEquals(new AgentConfig(true, true), a);
        assertEquals("1,fstrim_cloned_disks=1", a.format());
        assertEquals("0", AgentConfig.parse("enabled=no").format());
    }

    @Test
    void hostpci() {
        HostPciConfig h = HostPciConfig.parse("0000:01:00.0,x-vga=1,pcie=1");
        assertEquals("0000:01:00.0", h.host());
        assertEquals("0000:01:00.0,pcie=1,x-vga=1", h.format());
        assertEquals("mapping=gpu,rombar=0", HostPciConfig.mapping("gpu").withRombar(false).format());
        assertEquals("hostpci: exactly one of 'host' and 'mapping' must be given",
                assertThrows(PropertyStringException.class, () -> HostPciConfig.parse("01:00.0,mapping=gpu")).getMessage());
    }

    @Test
    void tags() {
        // pve-common PVE::Tools::split_list: NUL first, else , ; and white space
        assertEquals(List.of("a", "b", "c"), TagList.splitList(" a;b,, c "));
        assertEquals(List.of("a b", "c"), TagList.splitList("a b\0c"));
        assertEquals(List.of(), TagList.splitList(null));
        assertEquals(List.of(), TagList.splitList(" ; "));
        assertEquals(List.of("\u2003a"), TagList.splitList("\u2003a"), "Perl's \\s is ASCII white space");
        assertEquals(List.of("a", "b", "prod"), TagList.parse("a;b prod,a").tags());
        assertEquals("a;b", new TagList(List.of("a", "b")).format());
        assertEquals("b;prod;web", new TagList(List.of("web", "Prod", "b", "prod")).normalized().format());
        assertEquals("tags: invalid characters in tag 'a/b'",
                assertThrows(PropertyStringException.class, () -> TagList.parse("a/b")).getMessage());
    }

    @Test
    void sshKeysAreStoredUrlEncodedLikeUriEscape() {
        SshKeys keys = SshKeys.of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF+x/y= me@laptop", "ssh-rsa AAAAB3Nza== ci");
        assertEquals("ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIF%2Bx%2Fy%3D%20me%40laptop%0Assh-rsa%20AAAAB3Nza%3D%3D%20ci",
                keys.format());
        assertEquals(keys, SshKeys.parse(keys.format()));
        assertEquals(keys, SshKeys.parse("%20ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIF%2Bx%2Fy%3D%20me%40laptop%20%0A%0A"
                + "ssh-rsa%20AAAAB3Nza%3D%3D%20ci%0A"));
        assertThrows(PropertyStringException.class, () -> SshKeys.parse("ssh-rsa AAAA"));
    }

    @Test
    void nameservers() {
        assertEquals(List.of("10.0.0.1", "2001:db8::53"), NameserverList.parse("10.0.0.1;2001:db8::53").addresses());
        assertEquals("10.0.0.1 1.1.1.1", NameserverList.of("10.0.0.1", "1.1.1.1").format());
        assertThrows(PropertyStringException.class, () -> NameserverList.parse("dns.example.com"));
    }

    @Test
    void configViewReadsAStoredConfig() {
        ConfigView view = ConfigView.of(Map.of(
                "scsi0", "local-lvm:vm-100-disk-0,iothread=1,size=32G",
                "ide2", "local-lvm:vm-100-cloudinit,media=cdrom",
                "net0", "virtio=BC:24:11:2C:69:EC,bridge=vmbr0,firewall=1",
                "ipconfig0", "ip=dhcp",
                "boot", "order=scsi0;ide2;net0",
                "memory", "2048",
                "cipassword", "$6$salt$hash",
                "unused0", "local-lvm:vm-100-disk-1"));
        assertEquals(List.of("ide2", "scsi0"), List.copyOf(view.drives().keySet()));
        assertEquals(Optional.of("BC:24:11:2C:69:EC"), view.nets().get(0).mac());
        assertTrue(view.ipConfigs().get(0).isDhcp());
        assertEquals(List.of("scsi0", "ide2", "net0"), view.boot().orElseThrow().devices());
        assertEquals(Optional.of(2048), view.memoryMiB());
        assertFalse(view.toString().contains("$6$salt$hash"));
    }

    @Test
    void configKeysLookUpIndexedKeys() {
        assertEquals("net[n]", ConfigKeys.lookup("net31").orElseThrow().name());
        assertFalse(ConfigKeys.isKnown("net32"));
        assertFalse(ConfigKeys.isKnown("scsi31"));
        assertFalse(ConfigKeys.isKnown("net01"));
        assertTrue(ConfigKeys.isKnown("ostype"));
        assertFalse(ConfigKeys.isKnown("frobnicate"));
    }
}
