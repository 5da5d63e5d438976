package ai.thinkheads.phoenix.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The normalisations that keep a freshly applied VM from planning changes, and the classes of change. */
class ConfigDiffTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk me@laptop";

    private static VmSpec spec() {
        return VmSpec.builder("web01").cores(2).memory(4096)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(32)).withDiscard(true).withIothread(true))
                .nic(Nic.virtio(0, "vmbr0").withVlan(10).withFirewall(true))
                .cloudInit(CloudInit.builder("local-lvm").user("ubuntu").sshKey(KEY)
                        .ipconfig(0, IpConfig.staticV4("10.0.0.5/24", "10.0.0.1")).nameservers("10.0.0.1", "1.1.1.1").build())
                .agent(true).onboot(true).tags("Web", "prod").build();
    }

    /** What Proxmox stores after creating {@link #spec()} as VM 100. */
    private static Map<String, String> stored() {
        Map<String, String> m = new TreeMap<>();
        m.put("name", "web01");
        m.put("sockets", "1");
        m.put("cores", "2");
        m.put("memory", "current=4096");
        m.put("scsihw", "virtio-scsi-single");
        m.put("scsi0", "local-lvm:vm-100-disk-0,iothread=on,discard=on,size=32G");
        m.put("net0", "virtio=BC:24:11:AA:BB:CC,tag=10,bridge=vmbr0,firewall=yes");
        m.put("ide2", "local-lvm:vm-100-cloudinit,media=cdrom");
        m.put("ipconfig0", "gw=10.0.0.1,ip=10.0.0.5/24");
        m.put("ciuser", "ubuntu");
        m.put("sshkeys", "ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIHk%20me%40laptop%0A");
        m.put("nameserver", "10.0.0.1 1.1.1.1");
        m.put("agent", "enabled=1");
        m.put("boot", "order=scsi0");
        m.put("onboot", "true");
        m.put("tags", "prod;phoenix-managed;web");
        m.put("smbios1", "uuid=5a1f7a40-0000-4000-8000-000000000001");
        m.put("vmgenid", "5a1f7a40-0000-4000-8000-000000000002");
        m.put("meta", "creation-qemu=9.2.0,ctime=1767225600");
        return m;
    }

    private static ConfigDiff.Result diff(VmSpec spec, Map<String, String> actual, boolean running) {
        return ConfigDiff.compare(DesiredConfig.of(spec, "phoenix-managed"), actual, running);
    }

    @Test
    void theStoredFormOfAFreshVmComparesEqual() {
        ConfigDiff.Result r = diff(spec(), stored(), true);
        assertTrue(r.isEmpty(), r.toString());
    }

    @Test
    void anImportedDiskComparesByStorageAndSizeOnly() {
        VmSpec imp = VmSpec.builder("imp").source(Source.importImage("local:import/noble.qcow2"))
                .disk(Disk.scsi(0, "local-lvm", null)).build();
        Map<String, String> m = new TreeMap<>(Map.of("name", "imp", "sockets", "1", "cores", "1", "memory", "2048",
                "scsihw", "virtio-scsi-single", "scsi0", "local-lvm:vm-101-disk-0,size=2G", "boot", "order=scsi0",
                "tags", "phoenix-managed"));
        assertTrue(diff(imp, m, false).isEmpty(), diff(imp, m, false).toString());
    }

    @Test
    void aLargerDeclaredDiskIsAGrowAndASmallerOneAShrink() {
        Map<String, String> m = stored();
        m.put("scsi0", "local-lvm:vm-100-disk-0,discard=on,iothread=1,size=16G");
        ConfigDiff.Result grow = diff(spec(), m, true);
        assertEquals(1, grow.grows().size());
        assertEquals(DiskSize.ofGiB(32), grow.grows().get(0).toSize());
        m.put("scsi0", "local-lvm:vm-100-disk-0,discard=on,iothread=1,size=64G");
        ConfigDiff.Result shrink = diff(spec(), m, true);
        assertEquals(1, shrink.shrinks().size(), shrink.toString());
        assertTrue(shrink.grows().isEmpty());
    }

    @Test
    void anotherStorageOrAnUndeclaredDiskIsDestructive() {
        Map<String, String> m = stored();
        m.put("scsi0", "ceph:vm-100-disk-0,discard=on,iothread=1,size=32G");
        assertEquals(1, diff(spec(), m, false).destructive().size());
        Map<String, String> extra = stored();
        extra.put("virtio1", "local-lvm:vm-100-disk-1,size=8G");
        assertTrue(diff(spec(), extra, false).destructive().get(0).contains("virtio1"));
        Map<String, String> otherBus = stored();
        otherBus.put("virtio0", otherBus.remove("scsi0"));
        assertEquals(List.of("disk virtio0 (local-lvm:vm-100-disk-0) moves to scsi0 on another bus: a bus change recreates the disk and loses its data"),
                diff(spec(), otherBus, false).destructive());
    }

    @Test
    void aCloneKeepsWhatItsTemplateGaveIt() {
        VmSpec clone = VmSpec.builder("app").source(Source.linkedClone(9000)).build();
        Map<String, String> m = new TreeMap<>(Map.of("name", "app", "sockets", "1", "cores", "1", "memory", "2048",
                "scsihw", "virtio-scsi-single", "scsi0", "local-lvm:base-9000-disk-0/vm-101-disk-0,size=4G",
                "net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0", "agent", "1", "tags", "phoenix-managed"));
        assertTrue(diff(clone, m, true).isEmpty(), diff(clone, m, true).toString());
    }

    @Test
    void aNicWithoutDeclaredMacKeepsTheGeneratedOne() {
        Map<String, String> m = stored();
        m.put("net0", "virtio=BC:24:11:AA:BB:CC,bridge=vmbr1,tag=10,firewall=1");
        ConfigDiff.Result r = diff(spec(), m, true);
        assertEquals(1, r.keys().size());
        KeyChange k = r.keys().get(0);
        assertEquals("virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1,tag=10", k.after());
        assertEquals(Impact.LIVE, k.impact(), "hotplug network is on by default");
    }

    @Test
    void coresNeedARebootOnARunningVmButNotOnAStoppedOne() {
        Map<String, String> m = stored();
        m.put("cores", "1");
        m.put("memory", "2048");
        List<KeyChange> running = diff(spec(), m, true).keys();
        assertTrue(running.stream().allMatch(k -> k.impact() == Impact.NEEDS_REBOOT), running.toString());
        List<KeyChange> stopped = diff(spec(), m, false).keys();
        assertTrue(stopped.stream().allMatch(k -> k.impact() == Impact.LIVE), stopped.toString());
        m.put("hotplug", "network,disk,memory");
        List<KeyChange> hot = diff(spec(), m, true).keys();
        assertEquals(Impact.LIVE, hot.stream().filter(k -> k.key().equals("memory")).findFirst().orElseThrow().impact());
    }

    @Test
    void changedDiskOptionsArePendingAndKeepTheVolume() {
        Map<String, String> m = stored();
        m.put("scsi0", "local-lvm:vm-100-disk-0,iothread=1,size=32G");
        KeyChange k = diff(spec(), m, true).keys().get(0);
        assertEquals("local-lvm:vm-100-disk-0,discard=on,iothread=1,size=32G", k.after());
        assertEquals(Impact.NEEDS_REBOOT, k.impact());
    }

    @Test
    void onbootOffDeletesTheKeyAndUndeclaredNicsGo() {
        VmSpec noBoot = spec().toBuilder().onboot(false).build();
        Map<String, String> m = stored();
        m.put("net1", "e1000=BC:24:11:00:00:09,bridge=vmbr1");
        List<String> deleted = diff(noBoot, m, true).keys().stream().filter(KeyChange::isDelete).map(KeyChange::key).toList();
        assertEquals(List.of("net1", "onboot"), deleted.stream().sorted().toList());
    }

    @Test
    void secretsAreRedacted() {
        KeyChange k = new KeyChange("cipassword", null, "$6$salt$hash", Impact.LIVE);
        assertEquals("<redacted>", k.shownAfter());
        assertTrue(!k.toString().contains("$6$"));
    }
}
