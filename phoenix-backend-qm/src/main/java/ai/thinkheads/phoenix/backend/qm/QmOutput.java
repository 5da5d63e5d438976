package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses what {@code qm} and {@code pvesh} print into the seam's values. Pure functions over
 * strings; a reply that does not have the expected shape raises {@link UnexpectedOutputException}
 * naming the command, never a {@code NullPointerException}.
 *
 * <p>Formats (qm-reference.md; qemu-server {@code PVE/CLI/qm.pm}):
 * <ul>
 *   <li>{@code pvesh get ... --output-format json}: the handler's return value as compact JSON,
 *       no {@code {"data":...}} envelope;</li>
 *   <li>{@code qm list}: a fixed-width table, or nothing at all when there are no VMs;</li>
 *   <li>{@code qm config}: sorted {@code key: value} lines, {@code description} %-encoded;</li>
 *   <li>{@code qm guest cmd|exec|exec-status}: the agent's result as pretty JSON, nothing for an
 *       empty result.</li>
 * </ul>
 */
public final class QmOutput {

    private static final ObjectMapper JSON = new ObjectMapper();
    // printf "%10s %-20s %-10s %-10s %12.2f %-10s\n" (qm.pm list); the name may contain a space ("VM 100")
    private static final Pattern LIST_ROW = Pattern.compile(
            "^\\s*(\\d+) (.*?)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s*$");

    private QmOutput() {
    }

    /** One row of {@code qm list}. */
    public record ListedVm(int vmid, String name, String status, double memoryMiB, double bootDiskGiB, long pid) {
    }

    /** {@code qm list}: no output means no VMs. */
    public static List<ListedVm> qmList(String stdout) {
        List<ListedVm> vms = new ArrayList<>();
        for (String line : CommandResult.lines(stdout)) {
            if (line.isBlank() || line.strip().startsWith("VMID ")) {
                continue;
            }
            Matcher m = LIST_ROW.matcher(line);
            if (!m.matches()) {
                throw new UnexpectedOutputException("qm list", "unexpected row: " + line);
            }
            try {
                vms.add(new ListedVm(Integer.parseInt(m.group(1)), m.group(2).strip(), m.group(3),
                        Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), Long.parseLong(m.group(6))));
            } catch (NumberFormatException e) {
                throw new UnexpectedOutputException("qm list", "unexpected row: " + line);
            }
        }
        return List.copyOf(vms);
    }

    /**
     * {@code qm config <vmid>}: key → value, with {@code description} decoded (qm prints it through
     * {@code PVE::Tools::encode_text}, which %-encodes bytes of the UTF-8 text).
     */
    public static Map<String, String> qmConfig(String stdout) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : CommandResult.lines(stdout)) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                throw new UnexpectedOutputException("qm config", "not a 'key: value' line: " + line);
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 2);
            if (key.equals("description")) {
                value = new String(QmValidation.urlDecode("description", value), StandardCharsets.UTF_8);
            }
            values.put(key, value);
        }
        return values;
    }

    /** {@code pvesh get /cluster/resources --type vm}: the qemu entries, by VMID. */
    public static List<VmSummary> vms(String json) {
        List<VmSummary> out = new ArrayList<>();
        for (JsonNode r : array(json, "cluster resources")) {
            if (!"qemu".equals(r.path("type").asText())) {
                continue;
            }
            String tags = r.path("tags").asText("");
            List<String> tagList = tags.isEmpty() ? List.of() : Arrays.stream(tags.split("[;,\\s]+"))
                    .filter(t -> !t.isEmpty()).toList();
            PowerState state;
            try {
                state = PowerState.fromProxmox(r.path("status").asText(), textOrNull(r, "qmpstatus"));
            } catch (IllegalArgumentException e) {
                // e.g. "unknown" for a VM on an offline node: the seam has no state for it
                throw new UnexpectedOutputException("cluster resources", "VM " + r.path("vmid").asText()
                        + " has status '" + r.path("status").asText() + "'");
            }
            out.add(new VmSummary(r.path("vmid").asInt(), required(r, "node", "cluster resources").asText(),
                    r.path("name").asText(""), state,
                    r.path("template").asInt(0) == 1, tagList, textOrNull(r, "lock")));
        }
        out.sort(Comparator.comparingInt(VmSummary::vmid));
        return List.copyOf(out);
    }

    /** {@code pvesh get /cluster/resources --type node}: by name. */
    public static List<NodeResources> nodes(String json) {
        List<NodeResources> out = new ArrayList<>();
        for (JsonNode r : array(json, "cluster resources")) {
            if (!"node".equals(r.path("type").asText())) {
                continue;
            }
            out.add(new NodeResources(required(r, "node", "cluster resources").asText(),
                    "online".equals(r.path("status").asText()), r.path("maxcpu").asInt(0), r.path("cpu").asDouble(0),
                    r.path("maxmem").asLong(0), r.path("mem").asLong(0)));
        }
        out.sort(Comparator.comparing(NodeResources::node));
        return List.copyOf(out);
    }

    /** {@code pvesh get /nodes/{node}/storage}: by storage id. */
    /**
     * {@code pvesh get /nodes/{node}/network --type any_bridge}: pve-manager {@code PVE::API2::Network}
     * {@code index}, one object per interface named by {@code iface}; the names, sorted.
     */
    public static List<String> bridges(String json) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : array(json, "network list")) {
            out.add(required(r, "iface", "network list").asText());
        }
        out.sort(Comparator.naturalOrder());
        return List.copyOf(out);
    }

    public static List<StorageInfo> storages(String node, String json) {
        List<StorageInfo> out = new ArrayList<>();
        for (JsonNode r : array(json, "storage list")) {
            Set<String> content = new HashSet<>();
            for (String c : r.path("content").asText("").split(",")) {
                if (!c.isBlank()) {
                    content.add(c.strip());
                }
            }
            out.add(new StorageInfo(node, required(r, "storage", "storage list").asText(), r.path("type").asText(""),
                    content, r.path("shared").asInt(0) == 1, r.path("active").asInt(0) == 1,
                    r.path("total").asLong(0), r.path("used").asLong(0), r.path("avail").asLong(0)));
        }
        out.sort(Comparator.comparing(StorageInfo::storage));
        return List.copyOf(out);
    }

    /**
     * {@code pvesh get /nodes/{node}/storage/{storage}/content --content <type>}: the files of that
     * type ({@code volid}, {@code format}, {@code size}), in volume-id order.
     */
    public static List<ai.thinkheads.phoenix.hypervisor.StorageVolume> volumes(
            ai.thinkheads.phoenix.hypervisor.StorageContent content, String json) {
        List<ai.thinkheads.phoenix.hypervisor.StorageVolume> out = new ArrayList<>();
        for (JsonNode r : array(json, "storage content")) {
            String type = r.path("content").asText(content.word());
            if (!type.equals(content.word())) {
                continue;
            }
            out.add(new ai.thinkheads.phoenix.hypervisor.StorageVolume(required(r, "volid", "storage content").asText(),
                    content, r.path("format").asText(""), r.path("size").asLong(0)));
        }
        out.sort(Comparator.comparing(v -> v.volid().toLowerCase(java.util.Locale.ROOT)));
        return List.copyOf(out);
    }

    /** What {@code pvesh get /storage/{storage}} says of a storage that matters for writing files. */
    public record StorageConfig(String storage, String type, Set<String> content, String path, Set<String> nodes) {
        public java.util.Optional<String> pathIfAny() {
            return java.util.Optional.ofNullable(path);
        }
    }

    /** {@code pvesh get /storage/{storage}}: the {@code storage.cfg} section (content and nodes as comma lists). */
    public static StorageConfig storageConfig(String json) {
        JsonNode n = parse(json, "storage config");
        if (!n.isObject()) {
            throw new UnexpectedOutputException("storage config", "not an object");
        }
        return new StorageConfig(required(n, "storage", "storage config").asText(), n.path("type").asText(""),
                commaSet(n.path("content").asText("")), n.hasNonNull("path") ? n.get("path").asText() : null,
                commaSet(n.path("nodes").asText("")));
    }

    private static Set<String> commaSet(String text) {
        Set<String> out = new java.util.TreeSet<>();
        for (String c : text.split(",")) {
            if (!c.isBlank()) {
                out.add(c.strip());
            }
        }
        return out;
    }

    /** The UPID {@code pvesh} prints last after running a task in the foreground. */
    public static Upid lastUpid(String stdout, String what) {
        String[] lines = stdout.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        try {
            return Upid.parse(last);
        } catch (IllegalArgumentException e) {
            throw new UnexpectedOutputException(what, "no task id (UPID) at the end of the output");
        }
    }

    /** {@code pvesh get /cluster/nextid}: a JSON string ({@code "100"}) or number. */
    public static int nextId(String json) {
        JsonNode n = parse(json, "nextid");
        try {
            return n.isNumber() ? n.asInt() : Integer.parseInt(n.asText().strip());
        } catch (NumberFormatException e) {
            throw new UnexpectedOutputException("nextid", "not a VMID: " + json.strip());
        }
    }

    /** {@code pvesh get .../config}: values as strings (numbers printed as Proxmox stores them), digest apart. */
    public static VmConfig config(VmRef vm, String json) {
        JsonNode n = parse(json, "config");
        if (!n.isObject()) {
            throw new UnexpectedOutputException("config", "expected a JSON object");
        }
        Map<String, String> values = new LinkedHashMap<>();
        String digest = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("digest")) {
                digest = e.getValue().asText();
            } else if (!e.getValue().isNull()) {
                values.put(e.getKey(), scalar(e.getValue()));
            }
        }
        return new VmConfig(vm, values, digest);
    }

    /** {@code pvesh get .../snapshot}: without {@code current}, oldest first (by time, then parent chain). */
    public static List<Snapshot> snapshots(String json) {
        List<Snapshot> out = new ArrayList<>();
        for (JsonNode s : array(json, "snapshot list")) {
            String name = required(s, "name", "snapshot list").asText();
            if (name.equals("current")) {
                continue;
            }
            Instant taken = s.hasNonNull("snaptime") ? Instant.ofEpochSecond(s.get("snaptime").asLong()) : null;
            out.add(new Snapshot(name, s.path("description").asText(""), textOrNull(s, "parent"), taken,
                    s.path("vmstate").asInt(0) == 1 || s.path("vmstate").asBoolean(false)));
        }
        out.sort(Comparator.comparing((Snapshot s) -> s.taken() == null ? Instant.MAX : s.taken())
                .thenComparing(s -> depth(s, out)));
        return List.copyOf(out);
    }

    private static int depth(Snapshot s, List<Snapshot> all) {
        int d = 0;
        String parent = s.parent();
        while (parent != null && d < all.size()) {
            String p = parent;
            parent = all.stream().filter(x -> x.name().equals(p)).findFirst().map(Snapshot::parent).orElse(null);
            d++;
        }
        return d;
    }

    /** {@code pvesh get /nodes/{node}/tasks/{upid}/status}. */
    public static TaskStatus taskStatus(Upid upid, String json) {
        JsonNode n = parse(json, "task status");
        String status = required(n, "status", "task status").asText();
        if (status.equals("running")) {
            return TaskStatus.running(upid);
        }
        return TaskStatus.stopped(upid, n.path("exitstatus").asText("unexpected status"));
    }

    /** {@code pvesh get /nodes/{node}/tasks/{upid}/log}: {@code [{n, t}]}, returned as the last {@code lines} texts. */
    public static List<String> taskLog(String json, int lines) {
        List<JsonNode> entries = new ArrayList<>();
        array(json, "task log").forEach(entries::add);
        entries.sort(Comparator.comparingInt(e -> e.path("n").asInt()));
        List<String> texts = entries.stream().map(e -> e.path("t").asText("")).toList();
        int from = Math.max(0, texts.size() - Math.max(0, lines));
        return List.copyOf(texts.subList(from, texts.size()));
    }

    /** {@code qm guest cmd <vmid> network-get-interfaces}: a JSON array (or {@code {"result": [...]}}). */
    public static List<GuestInterface> guestInterfaces(String json) {
        JsonNode n = parse(json, "network-get-interfaces");
        if (n.isObject() && n.has("result")) {
            n = n.get("result");
        }
        if (!n.isArray()) {
            throw new UnexpectedOutputException("network-get-interfaces", "expected a JSON array");
        }
        List<GuestInterface> out = new ArrayList<>();
        for (JsonNode i : n) {
            List<GuestInterface.Address> addresses = new ArrayList<>();
            for (JsonNode a : i.path("ip-addresses")) {
                addresses.add(new GuestInterface.Address(a.path("ip-address-type").asText(""),
                        a.path("ip-address").asText(""), a.path("prefix").asInt(0)));
            }
            out.add(new GuestInterface(required(i, "name", "network-get-interfaces").asText(),
                    i.path("hardware-address").asText("").toLowerCase(java.util.Locale.ROOT), addresses));
        }
        return List.copyOf(out);
    }

    /** {@code qm guest exec --synchronous 0}: {@code {"pid": N}}. */
    public static int guestExecPid(String json) {
        JsonNode n = parse(json, "guest exec");
        if (n.isObject() && n.has("result")) {
            n = n.get("result");
        }
        JsonNode pid = n.get("pid");
        if (pid == null || !pid.canConvertToInt()) {
            throw new UnexpectedOutputException("guest exec", "no pid in the reply");
        }
        return pid.asInt();
    }

    /** {@code qm guest exec-status}: out-data/err-data are already base64-decoded by qemu-server. */
    public static GuestExecStatus guestExecStatus(String json) {
        JsonNode n = parse(json, "guest exec-status");
        if (n.isObject() && n.has("result")) {
            n = n.get("result");
        }
        boolean exited = n.path("exited").asInt(0) == 1 || n.path("exited").asBoolean(false);
        Integer exitCode = exited && n.hasNonNull("exitcode") ? n.get("exitcode").asInt() : null;
        return new GuestExecStatus(exited, exitCode, n.path("out-data").asText(""), n.path("err-data").asText(""));
    }

    // ---- helpers -----------------------------------------------------------------------

    private static JsonNode parse(String json, String what) {
        if (json == null || json.isBlank()) {
            throw new UnexpectedOutputException(what, "empty output");
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UnexpectedOutputException(what, "not JSON: " + e.getOriginalMessage());
        }
    }

    private static JsonNode array(String json, String what) {
        JsonNode n = parse(json, what);
        if (!n.isArray()) {
            throw new UnexpectedOutputException(what, "expected a JSON array");
        }
        return n;
    }

    private static JsonNode required(JsonNode n, String field, String what) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new UnexpectedOutputException(what, "missing field '" + field + "'");
        }
        return v;
    }

    private static String textOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    private static String scalar(JsonNode v) {
        if (v.isValueNode()) {
            return v.asText();
        }
        return v.toString();
    }
}
