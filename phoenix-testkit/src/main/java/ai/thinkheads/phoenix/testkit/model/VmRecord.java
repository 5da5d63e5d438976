package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One VM's record: its config (with pending changes and deletions), snapshots, power state, guest
 * OS per disk, addresses and agent exec processes, and what follows from the config (digest, file
 * text, boot disk, referenced volumes, summary). Not thread-safe: {@link PveCluster}'s monitor
 * guards it.
 */
final class VmRecord {

    /** A guest-exec process: its outcome, or (for one that waits on the guest) how to compute it when it ends. */
    record Exec(Instant endsAt, GuestBehaviour.Outcome outcome, java.util.function.Supplier<GuestBehaviour.Outcome> late) {
    }

    final int vmid;
    final String node;
    final TreeMap<String, String> conf = new TreeMap<>();
    final TreeMap<String, String> pending = new TreeMap<>();
    final TreeSet<String> pendingDelete = new TreeSet<>();
    final TreeMap<String, TreeMap<String, String>> snapshots = new TreeMap<>();
    final Map<Integer, String> addresses = new HashMap<>();
    final Map<Integer, String> dhcpLeases = new HashMap<>();
    final Map<Integer, Exec> execs = new HashMap<>();
    /** The guest OS on each disk that holds one, by drive key; it lives with the disk. */
    final Map<String, GuestSystem> diskOs = new TreeMap<>();
    /** The guest OS state each snapshot saved, by snapshot name. */
    final Map<String, Map<String, GuestSystem>> snapshotOs = new TreeMap<>();
    PowerState power = PowerState.STOPPED;
    Instant startedAt;
    int nextExecPid = 1000;

    VmRecord(int vmid, String node) {
        this.vmid = vmid;
        this.node = node;
    }

    String text() {
        return ConfigFile.render(conf, pending, pendingDelete, snapshots);
    }

    String digest() {
        return ConfigFile.sha1Hex(text());
    }

    Map<String, String> effectiveConf() {
        TreeMap<String, String> out = new TreeMap<>(conf);
        out.putAll(pending);
        pendingDelete.forEach(out::remove);
        return out;
    }

    boolean isTemplate() {
        return "1".equals(conf.get("template"));
    }

    boolean agentEnabled() {
        String agent = conf.get("agent");
        if (agent == null) {
            return false;
        }
        return "1".equals(PropertyString.parse(agent, "enabled").get("enabled").orElse("0"));
    }

    long memoryBytes() {
        String mem = conf.get("memory");
        long mib = mem == null ? 512 : Long.parseLong(PropertyString.parse(mem, "current").get("current").orElse("512"));
        return mib << 20;
    }

    int cpus() {
        return Integer.parseInt(conf.getOrDefault("sockets", "1")) * Integer.parseInt(conf.getOrDefault("cores", "1"));
    }

    long bootDiskSize() {
        for (String bus : List.of("scsi", "virtio", "sata", "ide")) {
            for (int i = 0; i <= ConfigSchema.INDEXED.get(bus); i++) {
                String v = conf.get(bus + i);
                if (v != null) {
                    PropertyString d = PropertyString.parse(v, "file");
                    if (!Drives.isCdrom(d) && d.get("size").isPresent()) {
                        return DiskSize.parse(d.get("size").get()).bytes();
                    }
                }
            }
        }
        return 0;
    }

    /** The drive the VM boots from: the first disk of {@code boot: order=...}, else the first disk by bus. */
    String bootDiskKey() {
        String boot = conf.get("boot");
        if (boot != null) {
            String order = PropertyString.parse(boot, "legacy").get("order").orElse("");
            for (String k : order.split(";")) {
                String v = conf.get(k);
                if (v != null && ConfigSchema.isDrive(k) && !Drives.isCdrom(PropertyString.parse(v, "file"))) {
                    return k;
                }
            }
        }
        for (String bus : List.of("scsi", "virtio", "sata", "ide")) {
            for (int i = 0; i <= ConfigSchema.INDEXED.get(bus); i++) {
                String v = conf.get(bus + i);
                if (v != null && !Drives.isCdrom(PropertyString.parse(v, "file"))) {
                    return bus + i;
                }
            }
        }
        return null;
    }

    /** The guest OS on the boot disk, or null: none. */
    GuestSystem bootOs() {
        String key = bootDiskKey();
        return key == null ? null : diskOs.get(key);
    }

    Set<String> referencedVolumes() {
        Set<String> out = new LinkedHashSet<>();
        List<Map<String, String>> all = new ArrayList<>();
        all.add(conf);
        all.add(pending);
        all.addAll(snapshots.values());
        for (Map<String, String> c : all) {
            c.forEach((k, v) -> {
                if (ConfigSchema.isDrive(k) || k.startsWith("unused")) {
                    PropertyString.parse(v, "file").get("file").filter(f -> Storages.VOLID.matcher(f).matches()).ifPresent(out::add);
                }
            });
        }
        return out;
    }

    boolean references(String volid) {
        return referencedVolumes().contains(volid);
    }

    VmSummary summary() {
        List<String> tags = ConfigSchema.splitList(conf.getOrDefault("tags", ""));
        return new VmSummary(vmid, node, conf.getOrDefault("name", ""), power, isTemplate(), tags, conf.get("lock"));
    }
}
