package ai.thinkheads.phoenix.hypervisor.wire;

import static ai.thinkheads.phoenix.hypervisor.wire.JsonValues.boolOf;
import static ai.thinkheads.phoenix.hypervisor.wire.JsonValues.doubleOf;
import static ai.thinkheads.phoenix.hypervisor.wire.JsonValues.intOf;
import static ai.thinkheads.phoenix.hypervisor.wire.JsonValues.longOf;
import static ai.thinkheads.phoenix.hypervisor.wire.JsonValues.nonEmptyTextOf;
import static ai.thinkheads.phoenix.hypervisor.wire.JsonValues.present;
import static ai.thinkheads.phoenix.hypervisor.wire.JsonValues.requiredText;
import static ai.thinkheads.phoenix.hypervisor.wire.JsonValues.textOf;
import static ai.thinkheads.phoenix.hypervisor.wire.JsonValues.textOrEmpty;

import ai.thinkheads.phoenix.config.TagList;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.PendingChange;
import ai.thinkheads.phoenix.hypervisor.PendingChanges;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.StorageVolume;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.UnexpectedReplyException;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes every JSON reply of Proxmox VE that Phoenix reads into the seam's values: one method per
 * shape, used by both backends. The input is a handler's return value: the API's {@code data}
 * (without the {@code {"data": ...}} envelope), which is also exactly what
 * {@code pvesh get ... --output-format json} prints. Nothing here knows a transport.
 *
 * <p>Proxmox types loosely: numbers may come as strings, booleans as {@code 0}/{@code 1} or
 * missing; every reader here accepts each form. A reply of the wrong shape raises
 * {@link UnexpectedReplyException} naming the reply and the field, never a
 * {@code NullPointerException}. Lists are returned in a stable order (VMID, name, volume id),
 * whatever order Proxmox sent.
 */
public final class ProxmoxReplies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProxmoxReplies() {
    }

    /** Reads JSON text (what {@code pvesh} prints) as a tree; {@code reply} names it in errors. */
    public static JsonNode parse(String json, String reply) {
        if (json == null || json.isBlank()) {
            throw new UnexpectedReplyException(reply, "empty output");
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UnexpectedReplyException(reply, "not JSON: " + e.getOriginalMessage());
        }
    }

    // ---- cluster-wide --------------------------------------------------------------------

    /**
     * {@code GET /cluster/resources[?type=vm]}: the {@code qemu} entries (containers and other types
     * are left out), by VMID. {@code status} becomes a {@link PowerState} by
     * {@link PowerState#fromProxmox}, which never fails: a word the seam has no state for is
     * {@link PowerState#UNKNOWN}. Tags are split as pve-common {@code split_list} does.
     */
    public static List<VmSummary> vms(JsonNode data) {
        String reply = "cluster resources";
        List<VmSummary> out = new ArrayList<>();
        for (JsonNode r : array(data, reply)) {
            if (!"qemu".equals(textOf(r.get("type")))) {
                continue;
            }
            out.add(new VmSummary(intOf(r.get("vmid"), reply, "vmid"), requiredText(r, "node", reply),
                    textOrEmpty(r.get("name")),
                    PowerState.fromProxmox(textOf(r.get("status")), textOf(r.get("qmpstatus"))),
                    boolOf(r.get("template")), TagList.splitList(textOf(r.get("tags"))),
                    nonEmptyTextOf(r.get("lock"))));
        }
        out.sort(Comparator.comparingInt(VmSummary::vmid));
        return List.copyOf(out);
    }

    /** {@code GET /cluster/resources[?type=node]}: the {@code node} entries, by name. */
    public static List<NodeResources> nodes(JsonNode data) {
        String reply = "cluster resources";
        List<NodeResources> out = new ArrayList<>();
        for (JsonNode r : array(data, reply)) {
            if (!"node".equals(textOf(r.get("type")))) {
                continue;
            }
            out.add(new NodeResources(requiredText(r, "node", reply), "online".equals(textOf(r.get("status"))),
                    (int) longOf(r.get("maxcpu"), 0, reply, "maxcpu"), doubleOf(r.get("cpu"), 0, reply, "cpu"),
                    longOf(r.get("maxmem"), 0, reply, "maxmem"), longOf(r.get("mem"), 0, reply, "mem")));
        }
        out.sort(Comparator.comparing(NodeResources::node));
        return List.copyOf(out);
    }

    /** {@code GET /cluster/nextid}: PVE answers a string ({@code "100"}) although its schema says integer. */
    public static int nextId(JsonNode data) {
        return intOf(data, "nextid", "data");
    }

    /**
     * {@code GET /nodes/{node}/network?type=any_bridge}: pve-manager {@code PVE::API2::Network}
     * {@code index}, one object per interface named by {@code iface} (in hash order); the names,
     * sorted.
     */
    public static List<String> bridges(JsonNode data) {
        String reply = "network list";
        List<String> out = new ArrayList<>();
        for (JsonNode i : array(data, reply)) {
            out.add(requiredText(i, "iface", reply));
        }
        out.sort(Comparator.naturalOrder());
        return List.copyOf(out);
    }

    // ---- storages and files --------------------------------------------------------------

    /** {@code GET /nodes/{node}/storage}: by storage id; {@code content} is a comma list. */
    public static List<StorageInfo> storages(String node, JsonNode data) {
        String reply = "storage list";
        List<StorageInfo> out = new ArrayList<>();
        for (JsonNode s : array(data, reply)) {
            out.add(new StorageInfo(node, requiredText(s, "storage", reply), textOrEmpty(s.get("type")),
                    new LinkedHashSet<>(TagList.splitList(textOf(s.get("content")))),
                    boolOf(s.get("shared")), boolOf(s.get("active")),
                    longOf(s.get("total"), 0, reply, "total"), longOf(s.get("used"), 0, reply, "used"),
                    longOf(s.get("avail"), 0, reply, "avail")));
        }
        out.sort(Comparator.comparing(StorageInfo::storage));
        return List.copyOf(out);
    }

    /**
     * {@code GET /nodes/{node}/storage/{storage}/content?content=<type>}: the files of that type
     * ({@code volid}, {@code format}, {@code size}), in volume-id order. An entry of another
     * content type is left out.
     */
    public static List<StorageVolume> volumes(StorageContent content, JsonNode data) {
        String reply = "storage content";
        List<StorageVolume> out = new ArrayList<>();
        for (JsonNode v : array(data, reply)) {
            String type = textOf(v.get("content"));
            if (type != null && !type.equals(content.word())) {
                continue;
            }
            out.add(new StorageVolume(requiredText(v, "volid", reply), content, textOrEmpty(v.get("format")),
                    longOf(v.get("size"), 0, reply, "size")));
        }
        out.sort(Comparator.comparing(v -> v.volid().toLowerCase(Locale.ROOT)));
        return List.copyOf(out);
    }

    /**
     * {@code GET /storage/{storage}}: its {@code storage.cfg} section; {@code content} and
     * {@code nodes} are lists as pve-storage reads them ({@code split_list}).
     */
    public static StorageConfig storageConfig(JsonNode data) {
        String reply = "storage config";
        if (!data.isObject()) {
            throw new UnexpectedReplyException(reply, "expected a JSON object");
        }
        return new StorageConfig(requiredText(data, "storage", reply), textOrEmpty(data.get("type")),
                Set.copyOf(TagList.splitList(textOf(data.get("content")))), nonEmptyTextOf(data.get("path")),
                Set.copyOf(TagList.splitList(textOf(data.get("nodes")))));
    }

    // ---- one VM --------------------------------------------------------------------------

    /**
     * {@code GET /nodes/{node}/qemu/{vmid}/config}: every value as the config file spells it
     * (integers plain, booleans {@code 1}/{@code 0}), the {@code digest} apart.
     */
    public static VmConfig config(VmRef vm, JsonNode data) {
        if (!data.isObject()) {
            throw new UnexpectedReplyException("config of VM " + vm.vmid(), "expected a JSON object");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("digest") && present(e.getValue())) {
                values.put(e.getKey(), JsonValues.configValue(e.getValue()));
            }
        }
        return new VmConfig(vm, values, textOf(data.get("digest")));
    }

    /**
     * {@code GET /nodes/{node}/qemu/{vmid}/pending} ({@code pvesh get .../pending}): pve-guest-common
     * {@code PVE::GuestHelpers::config_with_pending_array} gives one entry per key, {@code value} (in
     * effect), {@code pending} (new) and {@code delete} (1 graceful, 2 forced); only entries with a
     * {@code pending} value or a non-zero {@code delete} are pending changes. The {@code digest}
     * entry (the loaded config's own key) is left out, as {@code format_pending} does.
     */
    public static PendingChanges pending(VmRef vm, JsonNode data) {
        String reply = "pending config of VM " + vm.vmid();
        List<PendingChange> out = new ArrayList<>();
        for (JsonNode e : array(data, reply)) {
            String key = requiredText(e, "key", reply);
            if (key.equals("digest")) {
                continue;
            }
            String current = present(e.get("value")) ? JsonValues.configValue(e.get("value")) : null;
            long delete = longOf(e.get("delete"), 0, reply, "delete");
            if (delete < 0 || delete > 2) {
                throw new UnexpectedReplyException(reply, "'delete' of '" + key + "' is " + delete + ", not 0, 1 or 2");
            }
            if (delete > 0) {
                out.add(PendingChange.deletion(key, current, delete == 2));
            } else if (present(e.get("pending"))) {
                out.add(PendingChange.value(key, current, JsonValues.configValue(e.get("pending"))));
            }
        }
        return new PendingChanges(vm, out);
    }

    /**
     * {@code GET .../snapshot}: without the {@code current} pseudo-entry, oldest first (by
     * {@code snaptime}, then by place in the parent chain; undated ones last).
     */
    public static List<Snapshot> snapshots(JsonNode data) {
        String reply = "snapshot list";
        List<Snapshot> out = new ArrayList<>();
        for (JsonNode s : array(data, reply)) {
            String name = requiredText(s, "name", reply);
            if (name.equals("current")) {
                continue;
            }
            JsonNode snaptime = s.get("snaptime");
            out.add(new Snapshot(name, textOrEmpty(s.get("description")), nonEmptyTextOf(s.get("parent")),
                    present(snaptime) ? Instant.ofEpochSecond(longOf(snaptime, 0, reply, "snaptime")) : null,
                    boolOf(s.get("vmstate"))));
        }
        Map<String, String> parents = new HashMap<>();
        out.forEach(s -> parents.put(s.name(), s.parent()));
        out.sort(Comparator.comparing((Snapshot s) -> s.taken() == null ? Instant.MAX : s.taken())
                .thenComparingInt(s -> depth(s.name(), parents)));
        return List.copyOf(out);
    }

    private static int depth(String name, Map<String, String> parents) {
        int d = 0;
        String parent = parents.get(name);
        while (parent != null && d < parents.size()) {
            parent = parents.get(parent);
            d++;
        }
        return d;
    }

    // ---- tasks ---------------------------------------------------------------------------

    /**
     * What a worker endpoint answers: its task's UPID, or empty when it answered {@code null} (or
     * an empty string) because the work is already done (older servers' resize).
     */
    public static Optional<Upid> workerUpid(JsonNode data) {
        if (!present(data) || (data.isTextual() && data.asText().isEmpty())) {
            return Optional.empty();
        }
        if (!data.isTextual()) {
            throw new UnexpectedReplyException("worker", "expected a task id (UPID), got " + data.getNodeType());
        }
        try {
            return Optional.of(Upid.parse(data.asText()));
        } catch (IllegalArgumentException e) {
            throw new UnexpectedReplyException("worker", "malformed task id: " + e.getMessage());
        }
    }

    /**
     * {@code GET /nodes/{node}/tasks/{upid}/status}: {@code running}, or {@code stopped} with its
     * {@code exitstatus}. Any other status is not a task state pve-manager reports.
     */
    public static TaskStatus taskStatus(Upid upid, JsonNode data) {
        String reply = "task status";
        if (!data.isObject()) {
            throw new UnexpectedReplyException(reply, "expected a JSON object");
        }
        String status = requiredText(data, "status", reply);
        if (status.equals("running")) {
            return TaskStatus.running(upid);
        }
        if (!status.equals("stopped")) {
            throw new UnexpectedReplyException(reply, "status '" + status + "' of " + upid);
        }
        String exit = textOf(data.get("exitstatus"));
        return TaskStatus.stopped(upid, exit == null ? "unexpected status" : exit);
    }

    /**
     * {@code GET /nodes/{node}/tasks/{upid}/log}: entries {@code {n, t}}, returned as the texts of
     * the last {@code lines} entries by line number {@code n}.
     */
    public static List<String> taskLog(JsonNode data, int lines) {
        if (lines < 0) {
            throw new IllegalArgumentException("lines: must not be negative");
        }
        String reply = "task log";
        List<JsonNode> entries = new ArrayList<>();
        array(data, reply).forEach(entries::add);
        entries.sort(Comparator.comparingLong(e -> longOf(e.get("n"), 0, reply, "n")));
        List<String> texts = entries.stream().map(e -> textOrEmpty(e.get("t"))).toList();
        return List.copyOf(texts.subList(Math.max(0, texts.size() - lines), texts.size()));
    }

    // ---- guest agent ---------------------------------------------------------------------

    /**
     * {@code .../agent/network-get-interfaces}: the API wraps the agent's answer as
     * {@code {"result": [...]}}, {@code qm guest cmd} prints the array itself; both are read.
     * MAC addresses are lower-cased.
     */
    public static List<GuestInterface> guestInterfaces(JsonNode data) {
        String reply = "network-get-interfaces";
        List<GuestInterface> out = new ArrayList<>();
        for (JsonNode i : array(agentResult(data), reply)) {
            List<GuestInterface.Address> addresses = new ArrayList<>();
            for (JsonNode a : i.path("ip-addresses")) {
                addresses.add(new GuestInterface.Address(textOrEmpty(a.get("ip-address-type")),
                        textOrEmpty(a.get("ip-address")), (int) longOf(a.get("prefix"), 0, reply, "prefix")));
            }
            out.add(new GuestInterface(requiredText(i, "name", reply),
                    textOrEmpty(i.get("hardware-address")).toLowerCase(Locale.ROOT), addresses));
        }
        return List.copyOf(out);
    }

    /** {@code POST .../agent/exec} ({@code qm guest exec --synchronous 0}): {@code {"pid": N}}. */
    public static int guestExecPid(JsonNode data) {
        JsonNode result = agentResult(data);
        if (!result.isObject()) {
            throw new UnexpectedReplyException("guest exec", "expected a JSON object");
        }
        return intOf(result.get("pid"), "guest exec", "pid");
    }

    /**
     * {@code GET .../agent/exec-status} ({@code qm guest exec-status}): {@code out-data} and
     * {@code err-data} already base64-decoded by qemu-server; the exit code only once exited.
     */
    public static GuestExecStatus guestExecStatus(JsonNode data) {
        String reply = "guest exec-status";
        JsonNode n = agentResult(data);
        if (!n.isObject()) {
            throw new UnexpectedReplyException(reply, "expected a JSON object");
        }
        boolean exited = boolOf(n.get("exited"));
        Integer exitCode = exited && present(n.get("exitcode")) ? intOf(n.get("exitcode"), reply, "exitcode") : null;
        return new GuestExecStatus(exited, exitCode, textOf(n.get("out-data")), textOf(n.get("err-data")));
    }

    // ---- helpers -------------------------------------------------------------------------

    /** The agent's answer: under {@code result} where the API wraps it, else the reply itself. */
    private static JsonNode agentResult(JsonNode data) {
        return data != null && data.isObject() && data.has("result") ? data.get("result") : data;
    }

    private static JsonNode array(JsonNode data, String reply) {
        if (data == null || !data.isArray()) {
            throw new UnexpectedReplyException(reply, "expected a JSON array");
        }
        return data;
    }
}
