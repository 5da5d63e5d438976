package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.hypervisor.LockedException;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.testkit.model.TaskEngine.TaskError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster's nodes and VM records: the reads of {@code /nodes}, {@code /cluster/resources},
 * {@code /cluster/nextid} and one VM's config, pending changes, status and snapshots, and the
 * checks every handler starts with ({@code check_node_exists}, {@code load_config},
 * {@code check_lock}). Not thread-safe: {@link PveCluster}'s monitor guards it.
 */
final class Inventory {

    private final Map<String, NodeSpec> nodes;
    final TreeMap<Integer, VmRecord> vms = new TreeMap<>();
    private final TaskEngine tasks;

    Inventory(Map<String, NodeSpec> nodes, TaskEngine tasks) {
        this.nodes = nodes;
        this.tasks = tasks;
    }

    /** {@code GET /nodes/{node}/network}'s bridges: the node's Linux bridges, in their configured order. */
    List<String> bridges(String node) {
        requireNode(node);
        return nodes.get(node).bridges();
    }

    /** Whether {@code node} is a node of the cluster. */
    boolean hasNode(String node) {
        return node != null && nodes.containsKey(node);
    }

    /** {@code GET /nodes}: every node with its capacity and use, in name order. */
    List<NodeResources> nodes() {
        tasks.settle();
        List<NodeResources> out = new ArrayList<>();
        for (NodeSpec n : nodes.values()) {
            long memUsed = 0;
            int vcpus = 0;
            for (VmRecord vm : vms.values()) {
                if (vm.node.equals(n.name()) && vm.power != PowerState.STOPPED) {
                    memUsed += vm.memoryBytes();
                    vcpus += vm.cpus();
                }
            }
            out.add(new NodeResources(n.name(), true, n.cpus(), Math.min(1.0, vcpus / (double) n.cpus() / 4),
                    n.memoryBytes(), Math.min(n.memoryBytes(), memUsed)));
        }
        return out;
    }

    /** {@code GET /cluster/resources?type=vm}: every VM, in VMID order. */
    List<VmSummary> clusterResources() {
        tasks.settle();
        List<VmSummary> out = new ArrayList<>();
        for (VmRecord vm : vms.values()) {
            out.add(vm.summary());
        }
        return out;
    }

    /** {@code GET /nodes/{node}/qemu}: the VMs of one node, in VMID order. */
    List<VmSummary> vmlist(String node) {
        tasks.settle();
        requireNode(node);
        return clusterResources().stream().filter(v -> v.node().equals(node)).toList();
    }

    /** {@code GET /cluster/nextid}: the lowest unused VMID from 100 on. */
    int nextid() {
        tasks.settle();
        int id = 100;
        while (vms.containsKey(id)) {
            id++;
        }
        return id;
    }

    /**
     * {@code GET /nodes/{node}/qemu/{vmid}/config}: the config with its digest. With {@code current}
     * false (Proxmox's default) pending changes are shown applied.
     */
    VmConfig vmConfig(String node, int vmid, boolean current) {
        tasks.settle();
        VmRecord vm = load(node, vmid);
        Map<String, String> values = current ? vm.conf : vm.effectiveConf();
        return new VmConfig(new VmRef(node, vmid), values, vm.digest());
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/pending}-style view: key → pending value, deletions as null. */
    Map<String, String> vmPending(String node, int vmid) {
        tasks.settle();
        VmRecord vm = load(node, vmid);
        Map<String, String> out = new TreeMap<>(vm.pending);
        vm.pendingDelete.forEach(k -> out.put(k, null));
        return Collections.unmodifiableMap(out);
    }

    /** The config file text as {@code /etc/pve/nodes/{node}/qemu-server/{vmid}.conf} would hold it. */
    String configFileText(String node, int vmid) {
        tasks.settle();
        return load(node, vmid).text();
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/status/current}. */
    VmStatus vmStatus(String node, int vmid) {
        tasks.settle();
        VmRecord vm = load(node, vmid);
        long uptime = vm.power == PowerState.STOPPED || vm.startedAt == null ? 0
                : Duration.between(vm.startedAt, tasks.now()).toSeconds();
        return new VmStatus(vmid, node, vm.conf.getOrDefault("name", ""), vm.power, vm.isTemplate(),
                vm.conf.get("lock"), vm.cpus(), vm.memoryBytes(), vm.bootDiskSize(), Math.max(0, uptime), vm.agentEnabled());
    }

    /** {@code GET /nodes/{node}/qemu/{vmid}/snapshot}: snapshots oldest first, without {@code current}. */
    List<Snapshot> snapshotList(String node, int vmid) {
        tasks.settle();
        VmRecord vm = load(node, vmid);
        List<Snapshot> out = new ArrayList<>();
        vm.snapshots.forEach((name, snap) -> out.add(new Snapshot(name, snap.getOrDefault("description", ""),
                snap.get("parent"), Instant.ofEpochSecond(Long.parseLong(snap.getOrDefault("snaptime", "0"))),
                snap.containsKey("vmstate"))));
        out.sort((a, b) -> a.taken().compareTo(b.taken()));
        return out;
    }

    /** The config a snapshot saved ({@code GET .../snapshot/{name}/config}). */
    Map<String, String> snapshotConfig(String node, int vmid, String snapname) {
        tasks.settle();
        VmRecord vm = load(node, vmid);
        Map<String, String> snap = vm.snapshots.get(snapname);
        if (snap == null) {
            // PVE::API2::Qemu get_snapshot_config
            throw new NotFoundException("snapshot '" + snapname + "' does not exist", node, vmid);
        }
        return Collections.unmodifiableMap(new TreeMap<>(snap));
    }

    void requireNode(String node) {
        if (node == null || !nodes.containsKey(node)) {
            // PVE::Cluster::check_node_exists
            throw new NotFoundException("no such cluster node '" + node + "'", node, null);
        }
    }

    void checkVmid(String param, int vmid) {
        if (vmid < 100 || vmid > 999_999_999) {
            throw new ParameterRejectedException(null, vmid, Map.of(param, vmid < 100
                    ? "value must have a minimum value of 100" : "value must have a maximum value of 999999999"));
        }
    }

    /** PVE::AbstractConfig::load_config. */
    VmRecord load(String node, int vmid) {
        requireNode(node);
        VmRecord vm = vms.get(vmid);
        if (vm == null || !vm.node.equals(node)) {
            throw new NotFoundException("Configuration file 'nodes/" + node + "/qemu-server/" + vmid + ".conf' does not exist",
                    node, vmid);
        }
        return vm;
    }

    VmRecord loadInWorker(String node, int vmid) {
        try {
            return load(node, vmid);
        } catch (NotFoundException e) {
            throw new TaskError(e.getMessage());
        }
    }

    /** PVE::AbstractConfig::check_lock. */
    void checkLock(VmRecord vm) {
        String lock = vm.conf.get("lock");
        if (lock != null) {
            throw new LockedException("VM is locked (" + lock + ")", vm.node, vm.vmid, lock);
        }
    }

    void checkLockInWorker(VmRecord vm) {
        String lock = vm.conf.get("lock");
        if (lock != null) {
            throw new TaskError("VM is locked (" + lock + ")");
        }
    }
}
