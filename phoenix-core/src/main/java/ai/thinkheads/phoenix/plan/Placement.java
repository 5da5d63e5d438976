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
import java.util.Optional;

/**
 * Chooses nodes for new VMs and keeps account of what the plan itself places, so two new VMs never
 * count the same free memory or storage twice. A node fits a spec when it is online, has at least
 * as many CPUs as the VM's {@code sockets × cores} (qemu-server {@code config_to_command}: "MAX n
 * vcpus allowed per VM on this node"), free memory for it (the node's free memory minus what this
 * plan placed there), and for every declared disk a storage of that id visible on the node, active,
 * holding {@code images}, with the space still free. Among fitting nodes the one with the most free
 * memory wins (ties by name).
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

    /** The outcome: a node, or why none fits. */
    record Decision(String node, String refusal) {
        boolean placed() {
            return node != null;
        }
    }

    /** Places {@code spec} on {@code fixedNode} (null: choose) and reserves its resources there. */
    Decision place(VmSpec spec, String fixedNode) {
        Map<String, Long> needs = storageNeeds(spec);
        if (fixedNode != null) {
            if (!nodes.containsKey(fixedNode)) {
                return new Decision(null, "node '" + fixedNode + "' is not in the cluster (nodes: " + String.join(", ", nodes.keySet()) + ")");
            }
            String why = whyNot(nodes.get(fixedNode), spec, needs);
            if (why != null) {
                return new Decision(null, "does not fit on node " + fixedNode + ": " + why);
            }
            reserve(fixedNode, spec, needs);
            return new Decision(fixedNode, null);
        }
        List<String> reasons = new ArrayList<>();
        NodeResources best = null;
        for (NodeResources n : nodes.values()) {
            String why = whyNot(n, spec, needs);
            if (why != null) {
                reasons.add(n.node() + ": " + why);
            } else if (best == null || free(n) > free(best)) {
                best = n;
            }
        }
        if (best == null) {
            return new Decision(null, "no node has room (" + String.join("; ", reasons) + ")");
        }
        reserve(best.node(), spec, needs);
        return new Decision(best.node(), null);
    }

    private long free(NodeResources n) {
        return n.memoryFree() - reservedMemory.getOrDefault(n.node(), 0L);
    }

    private String whyNot(NodeResources n, VmSpec spec, Map<String, Long> needs) {
        if (!n.online()) {
            return "offline";
        }
        int vcpus = spec.sockets() * spec.cores();
        if (vcpus > n.cpus()) {
            return vcpus + " vCPUs exceed its " + n.cpus() + " CPUs";
        }
        long memory = (long) spec.memoryMiB() << 20;
        if (memory > free(n)) {
            return "needs " + spec.memoryMiB() + " MiB memory, " + (free(n) >> 20) + " MiB free";
        }
        for (Map.Entry<String, Long> need : needs.entrySet()) {
            Optional<StorageInfo> s = storages.getOrDefault(n.node(), List.of()).stream()
                    .filter(x -> x.storage().equals(need.getKey())).findFirst();
            if (s.isEmpty()) {
                return "no storage '" + need.getKey() + "'";
            }
            if (!s.get().active() || !s.get().holds("images")) {
                return "storage '" + need.getKey() + "' is " + (s.get().active() ? "not for images" : "inactive");
            }
            long left = s.get().available() - reservedStorage.getOrDefault(storageKey(s.get()), 0L);
            if (need.getValue() > left) {
                return "storage '" + need.getKey() + "' has " + new DiskSizeText(left) + " free, needs " + new DiskSizeText(need.getValue());
            }
        }
        return null;
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
