package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Saves what a {@link PveCluster} holds to a JSON file and puts it back into a fresh cluster of the
 * same shape (nodes and storages), so that a simulated cluster outlives its process: what
 * {@code phoenix --target simulator --state DIR} keeps between runs.
 *
 * <p>What is kept: every volume of every storage (name and size; the bytes of file volumes such as
 * snippets and uploaded ISOs), and every VM with its node, its current config (every key, so that
 * a plan reads the same values), its snapshots (names and descriptions, oldest first) and whether
 * it runs. Restoring uses only the cluster's own handlers, as an operator restoring a node would:
 * the volumes are put back ({@link PveCluster#addVolume}, {@link PveCluster#writeVolume}), each VM
 * is created over its existing volumes ({@link PveCluster#createVm}, which attaches an existing
 * volume as qemu-server's {@code $create_disks} does), its snapshots are taken again and running
 * VMs are started.
 *
 * <p>What is not kept: tasks and their logs, pending (not yet applied) config changes, the config a
 * snapshot saved (a restored snapshot holds the config at restore time), the {@code meta} creation
 * time, and the guest OS model's state (a restored guest is a fresh boot of its disk; a guest whose
 * disk carried no known image has no agent).
 */
public final class ClusterStateFile {

    /** The format's version, written as {@code "phoenixClusterState"}. */
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Config keys the create handler sets itself or refuses; restored otherwise or not at all. */
    private static final Set<String> NOT_RESTORED_BY_CREATE = Set.of("lock", "meta", "parent", "digest");
    private static final Duration TASK_WAIT = Duration.ofSeconds(60);

    private ClusterStateFile() {
    }

    /** The cluster's state as JSON. */
    public static String write(PveCluster cluster) {
        ObjectNode root = JSON.createObjectNode();
        root.put("phoenixClusterState", VERSION);
        ArrayNode volumes = root.putArray("volumes");
        Set<String> sharedSeen = new HashSet<>();
        for (NodeResources n : cluster.nodes()) {
            for (StorageInfo s : cluster.storageStatus(n.node())) {
                if (s.shared() && !sharedSeen.add(s.storage())) {
                    continue;
                }
                for (Map.Entry<String, Long> v : cluster.storageContent(n.node(), s.storage()).entrySet()) {
                    ObjectNode vn = volumes.addObject();
                    vn.put("node", n.node());
                    vn.put("storage", s.storage());
                    vn.put("name", v.getKey().substring(s.storage().length() + 1));
                    vn.put("size", v.getValue());
                    cluster.volumeContent(n.node(), v.getKey())
                            .ifPresent(bytes -> vn.put("content", Base64.getEncoder().encodeToString(bytes)));
                }
            }
        }
        ArrayNode vms = root.putArray("vms");
        for (VmSummary vm : cluster.clusterResources()) {
            ObjectNode vn = vms.addObject();
            vn.put("node", vm.node());
            vn.put("vmid", vm.vmid());
            vn.put("running", vm.state() == PowerState.RUNNING);
            ObjectNode config = vn.putObject("config");
            new TreeMap<>(cluster.vmConfig(vm.node(), vm.vmid(), true).values()).forEach(config::put);
            ArrayNode snaps = vn.putArray("snapshots");
            for (Snapshot s : parentsFirst(cluster.snapshotList(vm.node(), vm.vmid()))) {
                snaps.addObject().put("name", s.name()).put("description", s.description());
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Writes the cluster's state to {@code file} (through a temporary file, so a crash leaves the old state). */
    public static void save(PveCluster cluster, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        Files.writeString(tmp, write(cluster));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads {@code file} into {@code cluster}, which must hold no VMs; nothing to do when the file does not exist. */
    public static void load(PveCluster cluster, Path file) throws IOException {
        if (Files.exists(file)) {
            read(cluster, Files.readString(file), file.toString());
        }
    }

    /**
     * Puts the state {@code json} into {@code cluster}, which must have the nodes and storages it
     * names and no VMs. Volumes the cluster already has are left as they are.
     *
     * @param source how errors name the input
     * @throws IllegalArgumentException when the text is not such a state, or the cluster has VMs
     */
    public static void read(PveCluster cluster, String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.path("phoenixClusterState").isInt() || root.get("phoenixClusterState").asInt() != VERSION) {
            throw new IllegalArgumentException(source + ": not a cluster state of version " + VERSION
                    + " (\"phoenixClusterState\": " + VERSION + " is missing)");
        }
        if (!cluster.clusterResources().isEmpty()) {
            throw new IllegalArgumentException("the cluster already has VMs: a state is restored into an empty cluster only");
        }
        for (JsonNode v : root.path("volumes")) {
            String node = v.path("node").asText();
            String storage = v.path("storage").asText();
            String name = v.path("name").asText();
            if (cluster.storageContent(node, storage).containsKey(storage + ":" + name)) {
                continue;
            }
            if (v.has("content")) {
                int slash = name.indexOf('/');
                cluster.writeVolume(node, storage, name.substring(0, slash), name.substring(slash + 1),
                        Base64.getDecoder().decode(v.get("content").asText()));
            } else {
                cluster.addVolume(node, storage, name, v.path("size").asLong());
            }
        }
        List<Upid> creates = new ArrayList<>();
        for (JsonNode vm : root.path("vms")) {
            Map<String, String> config = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = vm.path("config").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!NOT_RESTORED_BY_CREATE.contains(e.getKey())) {
                    config.put(e.getKey(), e.getValue().asText());
                }
            }
            creates.add(cluster.createVm(vm.path("node").asText(), vm.path("vmid").asInt(), config));
        }
        awaitAll(cluster, creates);
        for (JsonNode vm : root.path("vms")) {
            for (JsonNode s : vm.path("snapshots")) {
                awaitAll(cluster, List.of(cluster.snapshot(vm.path("node").asText(), vm.path("vmid").asInt(),
                        s.path("name").asText(), false, s.path("description").asText(""))));
            }
        }
        List<Upid> starts = new ArrayList<>();
        for (JsonNode vm : root.path("vms")) {
            if (vm.path("running").asBoolean()) {
                starts.add(cluster.vmStart(vm.path("node").asText(), vm.path("vmid").asInt()));
            }
        }
        awaitAll(cluster, starts);
    }

    /**
     * The snapshots in the order they were taken: each after its parent (the snapshot list's own
     * order ties snapshots taken in the same second).
     */
    static List<Snapshot> parentsFirst(List<Snapshot> snapshots) {
        Set<String> names = new HashSet<>();
        snapshots.forEach(s -> names.add(s.name()));
        List<Snapshot> out = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        while (out.size() < snapshots.size()) {
            boolean progress = false;
            for (Snapshot s : snapshots) {
                String parent = s.parentIfAny().filter(names::contains).orElse(null);
                if (!placed.contains(s.name()) && (parent == null || placed.contains(parent))) {
                    out.add(s);
                    placed.add(s.name());
                    progress = true;
                }
            }
            if (!progress) {
                throw new IllegalStateException("the snapshots' parents form a cycle: " + snapshots);
            }
        }
        return out;
    }

    private static void awaitAll(PveCluster cluster, List<Upid> tasks) {
        Instant deadline = cluster.time().now().plus(TASK_WAIT);
        for (Upid upid : tasks) {
            while (true) {
                TaskStatus status = cluster.taskStatus(upid);
                if (!status.running()) {
                    if (status.failed()) {
                        throw new IllegalStateException("restoring the cluster state: task " + upid + " failed: "
                                + status.exitStatus() + " " + cluster.taskLog(upid));
                    }
                    break;
                }
                if (cluster.time().now().isAfter(deadline)) {
                    throw new IllegalStateException("restoring the cluster state: task " + upid + " still runs after " + TASK_WAIT);
                }
                try {
                    cluster.time().sleep(Duration.ofMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while restoring the cluster state", e);
                }
            }
        }
    }
}
