package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses nodes for new VMs and keeps account of what the plan itself places, so two new VMs never
 * count the same free memory or storage twice. A node fits a spec when it is online, has at least
 * as many CPUs as the VM's {@code sockets × cores} (qemu-server {@code config_to_command}: "MAX n
 * vcpus allowed per VM on this node"), free memory for it (the node's free memory minus what this
 * plan placed there), and for every declared disk a storage of that id visible on the node, active,
 * holding {@code images}, with the space still free. Among fitting nodes the one with the most free
 * memory wins (ties by name).
 *
 * <p>A storage the spec names that a node does not have is not a lack of room: it is said as such,
 * per node, with the storages the node has ({@code storage 'x' does not exist on node pve (it has:
 * local, local-lvm)}), and when no candidate node has it the decision is {@link Decision#missing()}
 * (a {@link Refusal.Reason#MISSING_DEPENDENCY}, not {@link Refusal.Reason#NO_CAPACITY}).
 */
final class Placement {

    /** qemu-server's cloud-init drive size ({@code CLOUDINIT_DISK_SIZE}, 4 MiB). */
    private static final long CLOUDINIT_BYTES = 4L << 20;

    private final Map<String, NodeResources> nodes = new LinkedHashMap<>();
    private final Map<String, List<StorageInfo>> storages;
    private final Map<String, Long> reservedMemory = new HashMap<>();
    private final Map<String, Long> reservedStorage = new HashMap<>();

    /** Every storage of every online node, by node. */
    Map<String, List<StorageInfo>> storages() {
        return storages;
    }

    Placement(List<NodeResources> nodes, Map<String, List<StorageInfo>> storages) {
        nodes.forEach(n -> this.nodes.put(n.node(), n));
        this.storages = storages;
    }

    /**
     * The outcome: a node, or why none fits.
     *
     * @param missing whether what stops it is something the spec names that does not exist (a node,
     *     or a storage on every candidate node), rather than a lack of room
     */
    record Decision(String node, String refusal, boolean missing) {
        boolean placed() {
            return node != null;
        }

        static Decision on(String node) {
            return new Decision(node, null, false);
        }

        static Decision refused(String why, boolean missing) {
            return new Decision(null, why, missing);
        }
    }

    /** Why a node does not fit; {@code missingStorage} when it lacks a storage the spec names. */
    private record Misfit(String text, boolean missingStorage) {
    }

    /** Places {@code spec} on {@code fixedNode} (null: choose) and reserves its resources there. */
    Decision place(VmSpec spec, String fixedNode) {
        Map<String, Long> needs = storageNeeds(spec);
        if (fixedNode != null) {
            if (!nodes.containsKey(fixedNode)) {
                return Decision.refused("node '" + fixedNode + "' is not in the cluster (nodes: " + String.join(", ", nodes.keySet()) + ")", true);
            }
            Misfit why = whyNot(nodes.get(fixedNode), spec, needs);
            if (why != null) {
                return Decision.refused(why.missingStorage() ? why.text() : "does not fit on node " + fixedNode + ": " + why.text(),
                        why.missingStorage());
            }
            reserve(fixedNode, spec, needs);
            return Decision.on(fixedNode);
        }
        List<String> reasons = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        NodeResources best = null;
        for (NodeResources n : nodes.values()) {
            Misfit why = whyNot(n, spec, needs);
            if (why == null) {
                if (best == null || free(n) > free(best)) {
                    best = n;
                }
            } else if (why.missingStorage()) {
                missing.add(why.text()); // names its node already
                reasons.add(why.text());
            } else {
                reasons.add(n.node() + ": " + why.text());
            }
        }
        if (best == null) {
            if (!missing.isEmpty() && missing.size() == reasons.size()) {
                return Decision.refused(String.join("; ", missing), true);
            }
            return Decision.refused("no node has room (" + String.join("; ", reasons) + ")", false);
        }
        reserve(best.node(), spec, needs);
        return Decision.on(best.node());
    }

    private long free(NodeResources n) {
        return n.memoryFree() - reservedMemory.getOrDefault(n.node(), 0L);
    }

    private Misfit whyNot(NodeResources n, VmSpec spec, Map<String, Long> needs) {
        if (!n.online()) {
            return new Misfit("offline", false);
        }
        List<StorageInfo> here = storages.getOrDefault(n.node(), List.of());
        for (String id : needs.keySet()) {
            if (here.stream().noneMatch(x -> x.storage().equals(id))) {
                // pve-storage PVE::Storage::storage_config: "storage '$storeid' does not exist"; said with the node it was looked for on
                return new Misfit(missingStorage(id, n.node()), true);
            }
        }
        int vcpus = spec.sockets() * spec.cores();
        if (vcpus > n.cpus()) {
            return new Misfit(vcpus + " vCPUs exceed its " + n.cpus() + " CPUs", false);
        }
        long memory = (long) spec.memoryMiB() << 20;
        if (memory > free(n)) {
            return new Misfit("needs " + spec.memoryMiB() + " MiB memory, " + (free(n) >> 20) + " MiB free", false);
        }
        for (Map.Entry<String, Long> need : needs.entrySet()) {
            StorageInfo s = here.stream().filter(x -> x.storage().equals(need.getKey())).findFirst().orElseThrow();
            if (!s.active() || !s.holds("images")) {
                return new Misfit("storage '" + need.getKey() + "' is " + (s.active() ? "not for images" : "inactive"), false);
            }
            long left = s.available() - reservedStorage.getOrDefault(storageKey(s), 0L);
            if (need.getValue() > left) {
                return new Misfit("storage '" + need.getKey() + "' has " + new DiskSizeText(left) + " free, needs "
                        + new DiskSizeText(need.getValue()), false);
            }
        }
        return null;
    }

    /** {@code storage 'x' does not exist on node pve (it has: local, local-lvm)}. */
    String missingStorage(String storage, String node) {
        List<String> ids = storages.getOrDefault(node, List.of()).stream().map(StorageInfo::storage).distinct().sorted().toList();
        return "storage '" + storage + "' does not exist on node " + node
                + (ids.isEmpty() ? " (it has none)" : " (it has: " + String.join(", ", ids) + ")");
    }

    private void reserve(String node, VmSpec spec, Map<String, Long> needs) {
        reservedMemory.merge(node, (long) spec.memoryMiB() << 20, Long::sum);
        for (Map.Entry<String, Long> need : needs.entrySet()) {
            storages.getOrDefault(node, List.of()).stream().filter(x -> x.storage().equals(need.getKey())).findFirst()
                    .ifPresent(s -> reservedStorage.merge(storageKey(s), need.getValue(), Long::sum));
        }
    }

    private static String storageKey(StorageInfo s) {
        return s.shared() ? s.storage() : s.node() + "/" + s.storage();
    }

    /** Storage id → bytes the spec's declared disks and cloud-init drive need (an import of unknown size counts 0). */
    private static Map<String, Long> storageNeeds(VmSpec spec) {
        Map<String, Long> needs = new LinkedHashMap<>();
        for (Disk d : spec.disks()) {
            long bytes = d.sizeIfAny().map(DiskSize::bytes).orElse(0L);
            needs.merge(d.storage(), bytes, Long::sum);
        }
        spec.cloudInit().map(CloudInit::storage).ifPresent(s -> needs.merge(s, CLOUDINIT_BYTES, Long::sum));
        return needs;
    }

    /** Bytes as people read them. */
    private record DiskSizeText(long bytes) {
        @Override
        public String toString() {
            return bytes <= 0 ? "0 B" : new DiskSize(bytes).human();
        }
    }
}
