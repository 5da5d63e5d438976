package ai.thinkheads.phoenix.testkit.simulator;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.testkit.model.PveCluster;
import ai.thinkheads.phoenix.testkit.model.StorageSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The PVE API paths the simulator serves, each straight onto the cluster model's handler of the
 * same name ({@link PveCluster}: {@code POST /nodes/{node}/qemu} → {@code createVm}, {@code POST
 * .../status/start} → {@code vmStart}, ...), as fabric8's mock server dispatches to its CRUD
 * model: wire parameters in, one model call, the wire reply out. The parameters go to the model as
 * the handler receives them (without the path's {@code node}, {@code vmid}), so the set of a
 * handler's parameters is written once, in the model. The HTTP face, the SSH face's {@code qm} and
 * {@code pvesh}, and a {@code FakeHypervisor} over the same model all see one cluster.
 *
 * <p>Each route answers with the shapes of PVE 8.4/9.1 (see {@code ../shared/pve-api}): UPID
 * strings for task-starting calls, {@code null} for synchronous {@code PUT .../config},
 * {@code nextid} as a string, config values typed as the config schema types them (integers and
 * booleans as JSON numbers, {@code memory} and every property string as strings), agent replies
 * wrapped in {@code {"result": ...}}. Errors come from the model's exceptions, whose messages
 * are Proxmox's; the {@link ApiRouter} turns them into 400/403/500 answers.
 */
public final class ApiRoutes {

    /**
     * Config keys whose JSON type is not string in {@code GET .../config}: integers, booleans
     * (0/1) and numbers. Our own table; {@code ApiRoutesSchemaTest} checks it against the 8.4 and
     * 9.1 schemas.
     */
    static final Set<String> NUMERIC_CONFIG_KEYS = Set.of(
            // boolean
            "acpi", "allow-ksm", "autostart", "ciupgrade", "freeze", "keephugepages", "kvm", "localtime", "numa",
            "onboot", "protection", "reboot", "tablet", "tdf", "template",
            // integer
            "balloon", "cores", "cpuunits", "migrate_speed", "shares", "smp", "snaptime", "sockets", "vcpus",
            // number
            "cpulimit", "migrate_downtime");

    private final PveCluster cluster;
    private final String version;
    private final String release;

    private ApiRoutes(PveCluster cluster, String version) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.version = version;
        this.release = version.substring(0, version.lastIndexOf('.'));
    }

    /**
     * A router serving {@code cluster} as PVE {@code version} (e.g. {@code 8.4.1}) would; each
     * request runs as its caller ({@link PveCluster#actingAs}), so task UPIDs name the calling user
     * or token.
     */
    public static ApiRouter over(PveCluster cluster, String version) {
        ApiRoutes r = new ApiRoutes(cluster, version);
        String vm = "/nodes/{node}/qemu/{vmid}";
        ApiRouter router = new ApiRouter().callerScope(cluster::actingAs);
        router.route("POST", "/nodes/{node}/storage/{storage}/upload", c -> r.upload(c, router.uploadedFiles()));
        return router
                .route("GET", "/version", c -> Map.of("version", r.version, "release", r.release, "repoid", "5f3a1a0b"))
                .route("GET", "/cluster/resources", r::clusterResources)
                .route("GET", "/cluster/nextid", r::nextId)
                .route("GET", "/nodes", c -> r.cluster.nodes().stream().map(ApiRoutes::nodeEntry).toList())
                .route("GET", "/nodes/{node}/status", r::nodeStatus)
                .route("GET", "/nodes/{node}/network", r::network)
                .route("GET", "/nodes/{node}/storage", r::storages)
                .route("GET", "/nodes/{node}/storage/{storage}/content", r::storageContent)
                .route("DELETE", "/nodes/{node}/storage/{storage}/content/{volume}", r::deleteVolume)
                .route("GET", "/storage/{storage}", r::storageConfig)
                .route("GET", "/nodes/{node}/qemu", r::qemuList)
                .route("POST", "/nodes/{node}/qemu", r::create)
                .route("GET", vm + "/config", r::getConfig)
                .route("POST", vm + "/config", c -> r.updateConfig(c, false))
                .route("PUT", vm + "/config", c -> r.updateConfig(c, true))
                .route("GET", vm + "/pending", r::pending)
                .route("GET", vm + "/status/current", r::statusCurrent)
                .route("POST", vm + "/status/start", c -> r.cluster.vmStart(c.require("node"), vmid(c)).toString())
                .route("POST", vm + "/status/stop", c -> r.cluster.vmStop(c.require("node"), vmid(c)).toString())
                .route("POST", vm + "/status/reboot", c -> r.cluster.vmReboot(c.require("node"), vmid(c)).toString())
                .route("POST", vm + "/status/shutdown", r::shutdown)
                .route("POST", vm + "/clone", r::cloneVm)
                .route("POST", vm + "/template", c -> r.cluster.template(c.require("node"), vmid(c)).toString())
                .route("PUT", vm + "/resize", r::resize)
                .route("DELETE", vm, r::destroy)
                .route("GET", vm + "/snapshot", r::snapshots)
                .route("POST", vm + "/snapshot", c -> r.cluster.snapshot(c.require("node"), vmid(c), c.require("snapname"),
                        bool(c.get("vmstate", "0")), c.get("description", "")).toString())
                .route("POST", vm + "/snapshot/{snapname}/rollback", c -> r.cluster.rollback(c.require("node"), vmid(c),
                        c.require("snapname"), bool(c.get("start", "0"))).toString())
                .route("DELETE", vm + "/snapshot/{snapname}", c -> r.cluster.delsnapshot(c.require("node"), vmid(c),
                        c.require("snapname")).toString())
                .route("POST", vm + "/agent/ping", c -> {
                    r.cluster.agentPing(c.require("node"), vmid(c));
                    return Map.of("result", Map.of());
                })
                .route("GET", vm + "/agent/network-get-interfaces", r::agentInterfaces)
                .route("POST", vm + "/agent", r::agentCommand)
                .route("POST", vm + "/agent/exec", r::agentExec)
                .route("GET", vm + "/agent/exec-status", r::agentExecStatus)
                .route("GET", "/nodes/{node}/tasks/{upid}/status", r::taskStatus)
                .route("GET", "/nodes/{node}/tasks/{upid}/log", r::taskLog);
    }

    // ---- cluster ------------------------------------------------------------------------

    private Object clusterResources(ApiRouter.ApiCall c) {
        String type = c.get("type", null);
        List<Map<String, Object>> out = new ArrayList<>();
        if (type == null || type.equals("vm")) {
            for (VmSummary v : cluster.clusterResources()) {
                out.add(vmEntry(v, true));
            }
        }
        if (type == null || type.equals("node")) {
            cluster.nodes().forEach(n -> out.add(nodeEntry(n)));
        }
        if (type == null || type.equals("storage")) {
            for (NodeResources n : cluster.nodes()) {
                for (StorageInfo s : cluster.storageStatus(n.node())) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("id", "storage/" + s.node() + "/" + s.storage());
                    e.put("type", "storage");
                    e.put("node", s.node());
                    e.put("storage", s.storage());
                    e.put("plugintype", s.type());
                    e.put("content", String.join(",", new java.util.TreeSet<>(s.content())));
                    e.put("shared", s.shared() ? 1 : 0);
                    e.put("status", s.active() ? "available" : "unknown");
                    e.put("disk", s.used());
                    e.put("maxdisk", s.total());
                    out.add(e);
                }
            }
        }
        if (type != null && !Set.of("vm", "node", "storage", "sdn", "pool").contains(type)) {
            throw new ApiException(Map.of("type", "value '" + type + "' does not have a value in the enumeration 'vm, storage, node, sdn'"));
        }
        return out;
    }

    private Object nextId(ApiRouter.ApiCall c) {
        String wanted = c.get("vmid", null);
        if (wanted != null) {
            int id = Integer.parseInt(wanted);
            if (cluster.clusterResources().stream().anyMatch(v -> v.vmid() == id)) {
                // pve-manager PVE/API2/Cluster.pm nextid: raise_param_exc
                throw new ApiException(Map.of("vmid", "VM " + id + " already exists"));
            }
            return String.valueOf(id);
        }
        return String.valueOf(cluster.nextid());
    }

    private static Map<String, Object> nodeEntry(NodeResources n) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", "node/" + n.node());
        e.put("type", "node");
        e.put("node", n.node());
        e.put("status", n.online() ? "online" : "offline");
        e.put("cpu", n.cpuLoad());
        e.put("maxcpu", n.cpus());
        e.put("mem", n.memoryUsed());
        e.put("maxmem", n.memoryTotal());
        e.put("level", "");
        e.put("uptime", n.online() ? 86_400 : 0);
        e.put("cgroup-mode", 2);
        return e;
    }

    private Object nodeStatus(ApiRouter.ApiCall c) {
        NodeResources n = node(c.require("node"));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("cpu", n.cpuLoad());
        e.put("cpuinfo", Map.of("cpus", n.cpus(), "cores", n.cpus(), "sockets", 1, "model", "Simulated CPU", "mhz", "2400.000"));
        e.put("memory", Map.of("total", n.memoryTotal(), "used", n.memoryUsed(), "free", n.memoryFree()));
        e.put("uptime", 86_400);
        e.put("pveversion", "pve-manager/" + version + "/5f3a1a0b");
        e.put("kversion", "Linux 6.8.12-4-pve #1 SMP PREEMPT_DYNAMIC");
        e.put("loadavg", List.of("0.10", "0.05", "0.01"));
        return e;
    }

    /**
     * pve-manager {@code PVE::API2::Network} {@code index}: the node's interfaces from
     * {@code /etc/network/interfaces} (PVE::INotify read_etc_network_interfaces), {@code lo} left out,
     * filtered by {@code type} ({@code any_bridge} and {@code any_local_bridge} match every bridge;
     * {@code include_sdn} adds SDN vnets, of which the model has none). The model knows only the
     * node's Linux bridges, each a {@code manual} IPv4 stanza, started on boot and up.
     */
    private Object network(ApiRouter.ApiCall c) {
        String node = c.require("node");
        node(node);
        String type = c.get("type", null);
        boolean bridges = type == null || List.of("bridge", "any_bridge", "any_local_bridge", "include_sdn").contains(type);
        List<Map<String, Object>> out = new ArrayList<>();
        if (bridges) {
            for (String b : cluster.bridges(node)) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("iface", b);
                e.put("type", "bridge");
                e.put("method", "manual");
                e.put("families", List.of("inet"));
                e.put("autostart", 1);
                e.put("active", 1);
                out.add(e);
            }
        }
        return out;
    }

    private NodeResources node(String name) {
        return cluster.nodes().stream().filter(n -> n.node().equals(name)).findFirst()
                // pve-manager: the proxy cannot resolve an unknown node
                .orElseThrow(() -> new ApiException(500, "hostname lookup '" + name + "' failed - failed to get address info for: "
                        + name + ": Name or service not known"));
    }

    private Object storages(ApiRouter.ApiCall c) {
        node(c.require("node"));
        String content = c.get("content", null);
        String only = c.get("storage", null);
        List<Map<String, Object>> out = new ArrayList<>();
        for (StorageInfo s : cluster.storageStatus(c.require("node"))) {
            if ((content != null && !s.holds(content)) || (only != null && !only.equals(s.storage()))) {
                continue;
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("storage", s.storage());
            e.put("type", s.type());
            e.put("content", String.join(",", new java.util.TreeSet<>(s.content())));
            e.put("active", s.active() ? 1 : 0);
            e.put("enabled", 1);
            e.put("shared", s.shared() ? 1 : 0);
            e.put("total", s.total());
            e.put("used", s.used());
            e.put("avail", s.available());
            e.put("used_fraction", s.total() == 0 ? 0.0 : (double) s.used() / s.total());
            out.add(e);
        }
        return out;
    }

    // ---- files on storages ----------------------------------------------------------------

    /**
     * {@code GET /storage/{storage}} (pve-storage {@code PVE::API2::Storage::Config} read): the
     * {@code storage.cfg} section, content and nodes as comma lists.
     */
    private Object storageConfig(ApiRouter.ApiCall c) {
        StorageSpec spec = cluster.storageConfig(c.require("storage"));
        Map<String, Object> e = new TreeMap<>();
        e.put("storage", spec.id());
        e.put("type", spec.type());
        e.put("content", String.join(",", new java.util.TreeSet<>(spec.content())));
        if (spec.path() != null) {
            e.put("path", spec.path());
        }
        if (spec.shared()) {
            e.put("shared", 1);
        }
        if (!spec.nodes().isEmpty()) {
            e.put("nodes", String.join(",", new java.util.TreeSet<>(spec.nodes())));
        }
        if (spec.type().equals("lvmthin")) {
            e.put("vgname", "pve");
            e.put("thinpool", "data");
        }
        e.put("digest", sha1(e.toString()));
        return e;
    }

    /**
     * {@code GET /nodes/{node}/storage/{storage}/content} (pve-storage
     * {@code PVE/API2/Storage/Content.pm} index) for the file content types, sorted by volume id
     * as pve-storage's {@code volume_list} sorts; disk images are not listed here.
     */
    private Object storageContent(ApiRouter.ApiCall c) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PveCluster.FileVolume v : cluster.fileVolumes(c.require("node"), c.require("storage"), c.get("content", null))) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("volid", v.volid());
            e.put("content", v.content());
            e.put("format", v.format());
            e.put("size", v.size());
            out.add(e);
        }
        return out;
    }

    /**
     * {@code DELETE /nodes/{node}/storage/{storage}/content/{volume}}: {@code volume} is a volume id
     * or, with {@code storage}, a volume name (Content.pm {@code $real_volume_id}). Returns the
     * {@code imgdel} task's UPID.
     */
    private Object deleteVolume(ApiRouter.ApiCall c) {
        String storage = c.get("storage", null);
        String volume = c.require("volume");
        String volid;
        if (volume.contains(":")) {
            String given = volume.substring(0, volume.indexOf(':'));
            if (storage != null && !storage.equals(given)) {
                // Content.pm $real_volume_id
                throw new ApiException(Map.of("volume", "storage ID mismatch ($storeid != $storage)"
                        .replace("$storeid", given).replace("$storage", storage)));
            }
            volid = volume;
        } else {
            if (storage == null) {
                throw new ApiException(Map.of("storage", "storage ID missing"));
            }
            volid = storage + ":" + volume;
        }
        return cluster.deleteVolume(c.require("node"), volid).toString();
    }

    /**
     * {@code POST /nodes/{node}/storage/{storage}/upload} (pve-storage {@code Status.pm} upload),
     * after the HTTP face has put the file part in {@code files} and named it in
     * {@code tmpfilename}. The model checks storage, content type and file name in the handler's
     * order and normalizes the name. A checksum is verified here, before the task (Proxmox verifies
     * it in the worker: a mismatch is then a failed task, here a 500).
     */
    private Object upload(ApiRouter.ApiCall c, UploadedFiles files) {
        String tmp = c.get("tmpfilename", null);
        if (tmp == null) {
            throw new IllegalStateException("missing temporary file name");
        }
        byte[] data = files.take(tmp).orElseThrow(() -> new IllegalStateException(
                "temporary file '" + tmp + "' does not exist"));
        String algorithm = c.get("checksum-algorithm", null);
        String checksum = c.get("checksum", null);
        if (algorithm != null && checksum != null) {
            String got = digest(algorithm, data);
            if (!got.equalsIgnoreCase(checksum)) {
                throw new IllegalStateException("checksum mismatch: got '" + got + "' != expect '" + checksum + "'");
            }
        }
        return cluster.uploadVolume(c.require("node"), c.require("storage"), c.require("content"), c.require("filename"),
                data).toString();
    }

    private static String digest(String algorithm, byte[] data) {
        String name = switch (algorithm) {
            case "md5" -> "MD5";
            case "sha1" -> "SHA-1";
            case "sha224" -> "SHA-224";
            case "sha256" -> "SHA-256";
            case "sha384" -> "SHA-384";
            case "sha512" -> "SHA-512";
            default -> throw new ApiException(Map.of("checksum-algorithm",
                    "value '" + algorithm + "' does not have a value in the enumeration 'md5, sha1, sha224, sha256, sha384, sha512'"));
        };
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance(name).digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- VMs ----------------------------------------------------------------------------

    private Object qemuList(ApiRouter.ApiCall c) {
        String node = c.require("node");
        node(node);
        return cluster.clusterResources().stream().filter(v -> v.node().equals(node)).map(v -> vmEntry(v, false)).toList();
    }

    /** One VM as {@code /cluster/resources} (id, type, node) or {@code /nodes/{node}/qemu} list it. */
    private Map<String, Object> vmEntry(VmSummary v, boolean clusterForm) {
        Map<String, String> config = configOrEmpty(v.ref());
        Map<String, Object> e = new LinkedHashMap<>();
        if (clusterForm) {
            e.put("id", "qemu/" + v.vmid());
            e.put("type", "qemu");
            e.put("node", v.node());
        }
        e.put("vmid", v.vmid());
        e.put("name", v.name());
        e.put("status", v.state() == PowerState.STOPPED ? "stopped" : "running");
        e.put("template", v.template() ? 1 : 0);
        if (!v.tags().isEmpty()) {
            e.put("tags", String.join(";", v.tags()));
        }
        if (v.lock() != null) {
            e.put("lock", v.lock());
        }
        e.put("maxmem", memoryBytes(config));
        e.put("maxdisk", bootDiskBytes(config));
        e.put("cpus", intOr(config.get("sockets"), 1) * intOr(config.get("cores"), 1));
        e.put("cpu", 0);
        e.put("mem", v.state() == PowerState.STOPPED ? 0 : memoryBytes(config) / 2);
        e.put("disk", 0);
        e.put("uptime", v.state() == PowerState.STOPPED ? 0 : 3600);
        e.put("netin", 0);
        e.put("netout", 0);
        e.put("diskread", 0);
        e.put("diskwrite", 0);
        if (!clusterForm) {
            e.put("pid", v.state() == PowerState.STOPPED ? null : 100_000 + v.vmid());
            e.put("qmpstatus", v.state().proxmoxName());
        }
        return e;
    }

    private Map<String, String> configOrEmpty(VmRef ref) {
        try {
            return cluster.vmConfig(ref.node(), ref.vmid(), false).values();
        } catch (NotFoundException e) {
            return Map.of(); // destroyed between list and read
        }
    }

    /** {@code create_vm}: every parameter but the path's goes to the model, which knows the handler's set. */
    private Object create(ApiRouter.ApiCall c) {
        return cluster.createVm(c.require("node"), vmid(c), handlerParams(c, "node", "vmid")).toString();
    }

    /** {@code vm_config}: with {@code current=1} the values in effect, without pending changes. */
    private Object getConfig(ApiRouter.ApiCall c) {
        VmConfig config = cluster.vmConfig(c.require("node"), vmid(c), bool(c.get("current", "0")));
        Map<String, Object> out = new TreeMap<>();
        config.values().forEach((k, v) -> out.put(k, typed(k, v)));
        out.put("digest", config.digest());
        return out;
    }

    /** The JSON value PVE sends for a config value: numbers for integer/boolean/number keys. */
    static Object typed(String key, String value) {
        if (NUMERIC_CONFIG_KEYS.contains(key)) {
            try {
                return value.contains(".") ? (Object) Double.parseDouble(value) : (Object) Long.parseLong(value);
            } catch (NumberFormatException e) {
                return value;
            }
        }
        return value;
    }

    /**
     * {@code update_vm} ({@code PUT}, synchronous: {@code null}) or {@code update_vm_async}
     * ({@code POST}: a {@code qmconfig} worker's UPID, qemu-server API2/Qemu.pm); the model takes
     * the config keys with {@code delete}, {@code revert}, {@code digest} and {@code skiplock}.
     */
    private Object updateConfig(ApiRouter.ApiCall c, boolean synchronous) {
        Map<String, String> params = handlerParams(c, "node", "vmid");
        if (synchronous) {
            return new ApiResponse.Printed(null, cluster.updateVm(c.require("node"), vmid(c), params));
        }
        return cluster.updateVmAsync(c.require("node"), vmid(c), params).toString();
    }

    /**
     * {@code vm_pending}: qemu-server API2/Qemu.pm returns pve-guest-common's
     * {@code PVE::GuestHelpers::config_with_pending_array} over the loaded config (whose
     * {@code digest} is one of its keys): {@code key} with the {@code value} in effect, a
     * {@code pending} value, and {@code delete: 1} for a pending deletion; a {@code cipassword}
     * shows as {@code **********}.
     */
    private Object pending(ApiRouter.ApiCall c) {
        String node = c.require("node");
        int vmid = vmid(c);
        VmConfig current = cluster.vmConfig(node, vmid, true);
        Map<String, String> pending = cluster.vmPending(node, vmid);
        Map<String, Map<String, Object>> items = new TreeMap<>();
        current.values().forEach((k, v) -> item(items, k).put("value", typed(k, masked(k, v))));
        item(items, "digest").put("value", current.digest());
        pending.forEach((k, v) -> {
            if (v == null) {
                item(items, k).put("delete", 1);
            } else {
                item(items, k).put("pending", typed(k, masked(k, v)));
            }
        });
        return List.copyOf(items.values());
    }

    private static Map<String, Object> item(Map<String, Map<String, Object>> items, String key) {
        return items.computeIfAbsent(key, k -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("key", k);
            return e;
        });
    }

    private static String masked(String key, String value) {
        return key.equals("cipassword") ? "**********" : value;
    }

    private Object statusCurrent(ApiRouter.ApiCall c) {
        VmRef ref = ref(c);
        VmConfig config = cluster.vmConfig(ref.node(), ref.vmid(), false);
        VmSummary v = summary(ref.vmid()).orElseThrow(() -> new ApiException(500,
                "Configuration file 'nodes/" + ref.node() + "/qemu-server/" + ref.vmid() + ".conf' does not exist"));
        Map<String, Object> e = new LinkedHashMap<>(vmEntry(v, false));
        e.put("ha", Map.of("managed", 0));
        String agent = config.values().get("agent");
        e.put("agent", agent != null && agentEnabled(agent) ? 1 : 0);
        if (v.state() != PowerState.STOPPED) {
            e.put("running-qemu", "9.2.0");
            e.put("running-machine", "pc-i440fx-9.2+pve1");
        }
        return e;
    }

    private static boolean agentEnabled(String agent) {
        String enabled = PropertyString.parse(agent, "enabled").get("enabled").orElse("0");
        return bool(enabled);
    }

    /**
     * {@code vm_shutdown}: without {@code timeout} the model waits qemu-server's default, 60 s
     * ({@code PVE::QemuServer::_do_vm_stop}: {@code $timeout = 60 if !defined($timeout)}).
     */
    private Object shutdown(ApiRouter.ApiCall c) {
        String timeout = c.get("timeout", null);
        return cluster.vmShutdown(c.require("node"), vmid(c), bool(c.get("forceStop", "0")),
                timeout == null ? null : Duration.ofSeconds(Long.parseLong(timeout))).toString();
    }

    /** {@code clone_vm}: the model defaults {@code full} (full unless the source is a template) and checks the rest. */
    private Object cloneVm(ApiRouter.ApiCall c) {
        String newid = c.require("newid");
        int id;
        try {
            id = Integer.parseInt(newid);
        } catch (NumberFormatException e) {
            throw new ApiException(Map.of("newid", "type check ('integer') failed - got '" + newid + "'"));
        }
        return cluster.cloneVm(c.require("node"), vmid(c), id, handlerParams(c, "node", "vmid", "newid")).toString();
    }

    /** {@code resize_vm}: {@code size} as given ({@code +} is relative), checked by the model. */
    private Object resize(ApiRouter.ApiCall c) {
        return cluster.resizeVm(c.require("node"), vmid(c), c.require("disk"), c.require("size"), c.get("digest", null))
                .toString();
    }

    private Object destroy(ApiRouter.ApiCall c) {
        return cluster.destroyVm(c.require("node"), vmid(c), bool(c.get("purge", "0")),
                bool(c.get("destroy-unreferenced-disks", "0"))).toString();
    }

    private Object snapshots(ApiRouter.ApiCall c) {
        VmRef ref = ref(c);
        List<Snapshot> snaps = cluster.snapshotList(ref.node(), ref.vmid());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Snapshot s : snaps) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", s.name());
            e.put("description", s.description());
            if (s.parent() != null) {
                e.put("parent", s.parent());
            }
            if (s.taken() != null) {
                e.put("snaptime", s.taken().getEpochSecond());
            }
            if (s.withRamState()) {
                e.put("vmstate", 1);
            }
            out.add(e);
        }
        // qemu-server snapshot_list: the "current" pseudo-entry, parent = the newest snapshot
        Map<String, Object> current = new LinkedHashMap<>();
        current.put("name", "current");
        current.put("description", "You are here!");
        summary(ref.vmid()).ifPresent(v -> current.put("running", v.state() == PowerState.STOPPED ? 0 : 1));
        if (!snaps.isEmpty()) {
            current.put("parent", snaps.get(snaps.size() - 1).name());
        }
        out.add(current);
        return out;
    }

    // ---- guest agent --------------------------------------------------------------------

    private Object agentInterfaces(ApiRouter.ApiCall c) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (GuestInterface i : cluster.agentNetworkGetInterfaces(c.require("node"), vmid(c))) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", i.name());
            e.put("hardware-address", i.macAddress());
            List<Map<String, Object>> addrs = new ArrayList<>();
            for (GuestInterface.Address a : i.addresses()) {
                addrs.add(Map.of("ip-address", a.address(), "ip-address-type", a.type(), "prefix", a.prefix()));
            }
            e.put("ip-addresses", addrs);
            e.put("statistics", Map.of("rx-bytes", 0, "rx-packets", 0, "tx-bytes", 0, "tx-packets", 0,
                    "rx-errs", 0, "tx-errs", 0, "rx-dropped", 0, "tx-dropped", 0));
            result.add(e);
        }
        return Map.of("result", result);
    }

    /**
     * {@code POST .../agent} with {@code command}: the generic entry {@code qm guest cmd} calls
     * (qemu-server {@code PVE/API2/Qemu/Agent.pm} handler {@code agent}).
     */
    private Object agentCommand(ApiRouter.ApiCall c) {
        String command = c.require("command");
        return switch (command) {
            case "ping" -> {
                cluster.agentPing(c.require("node"), vmid(c));
                yield Map.of("result", Map.of());
            }
            case "network-get-interfaces" -> agentInterfaces(c);
            default -> throw new ApiException(Map.of("command", "value '" + command
                    + "' is not simulated (ping and network-get-interfaces are)"));
        };
    }

    private Object agentExec(ApiRouter.ApiCall c) {
        List<String> command = c.all("command");
        if (command.isEmpty()) {
            throw new ApiException(Map.of("command", "property is missing and it is not optional"));
        }
        return Map.of("pid", cluster.agentExec(c.require("node"), vmid(c), command, c.get("input-data", null)));
    }

    private Object agentExecStatus(ApiRouter.ApiCall c) {
        GuestExecStatus s = cluster.agentExecStatus(c.require("node"), vmid(c), Integer.parseInt(c.require("pid")));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("exited", s.exited() ? 1 : 0);
        if (s.exited()) {
            if (s.exitCode() != null) {
                e.put("exitcode", s.exitCode());
            }
            if (!s.stdout().isEmpty()) {
                e.put("out-data", s.stdout());
            }
            if (!s.stderr().isEmpty()) {
                e.put("err-data", s.stderr());
            }
        }
        return e;
    }

    // ---- tasks --------------------------------------------------------------------------

    private Object taskStatus(ApiRouter.ApiCall c) {
        Upid upid = upidParam(c);
        TaskStatus s = cluster.taskStatus(upid);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", upid.id());
        e.put("node", upid.node());
        e.put("pid", upid.pid());
        e.put("pstart", upid.pstart());
        e.put("starttime", upid.startTime());
        e.put("type", upid.type());
        e.put("upid", upid.toString());
        e.put("user", upid.user().contains("!") ? upid.user().substring(0, upid.user().indexOf('!')) : upid.user());
        if (upid.user().contains("!")) {
            e.put("tokenid", upid.user().substring(upid.user().indexOf('!') + 1));
        }
        e.put("status", s.running() ? "running" : "stopped");
        if (!s.running()) {
            e.put("exitstatus", s.exitStatus());
        }
        return e;
    }

    private Object taskLog(ApiRouter.ApiCall c) {
        Upid upid = upidParam(c);
        List<String> lines = cluster.taskLog(upid);
        int start = Integer.parseInt(c.get("start", "0"));
        int limit = Integer.parseInt(c.get("limit", "50"));
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = start; i < lines.size() && (limit == 0 || out.size() < limit); i++) {
            out.add(Map.of("n", i + 1, "t", lines.get(i)));
        }
        return out;
    }

    private static Upid upidParam(ApiRouter.ApiCall c) {
        String text = c.require("upid");
        if (!Upid.isValid(text)) {
            // pve-manager PVE/API2/Tasks.pm: upid_decode dies
            throw new ApiException(500, "unable to parse worker upid '" + text + "'");
        }
        Upid upid = Upid.parse(text);
        if (!upid.node().equals(c.require("node"))) {
            throw new ApiException(500, "no such task");
        }
        return upid;
    }

    // ---- helpers ------------------------------------------------------------------------

    private static VmRef ref(ApiRouter.ApiCall c) {
        return new VmRef(c.require("node"), vmid(c));
    }

    /** The path's VMID, checked as pve-common's {@code pve-vmid} is. */
    private static int vmid(ApiRouter.ApiCall c) {
        String vmid = c.require("vmid");
        int id;
        try {
            id = Integer.parseInt(vmid);
        } catch (NumberFormatException e) {
            throw new ApiException(Map.of("vmid", "type check ('integer') failed - got '" + vmid + "'"));
        }
        if (id < 100 || id > 999_999_999) {
            throw new ApiException(Map.of("vmid", "value must have a minimum value of 100"));
        }
        return id;
    }

    /** The request's parameters as the handler receives them: all but the path's {@code exclude}. */
    private static Map<String, String> handlerParams(ApiRouter.ApiCall c, String... exclude) {
        Map<String, String> out = new TreeMap<>(c.params());
        for (String name : exclude) {
            out.remove(name);
        }
        return out;
    }

    private Optional<VmSummary> summary(int vmid) {
        return cluster.clusterResources().stream().filter(v -> v.vmid() == vmid).findFirst();
    }

    /** pve-common {@code PVE::JSONSchema::parse_boolean}. */
    static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "1", "on", "yes", "true" -> true;
            case "0", "off", "no", "false" -> false;
            default -> throw new ApiException(Map.of("value", "type check ('boolean') failed - got '" + v + "'"));
        };
    }

    private static int intOr(String v, int fallback) {
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long memoryBytes(Map<String, String> config) {
        String memory = config.get("memory");
        if (memory == null) {
            return 512L << 20; // qemu-server default memory: 512 MiB
        }
        String current = PropertyString.parse(memory, "current").get("current").orElse("512");
        return Long.parseLong(current) << 20;
    }

    private static long bootDiskBytes(Map<String, String> config) {
        String boot = config.get("boot");
        List<String> order = new ArrayList<>();
        if (boot != null) {
            PropertyString.parse(boot, "legacy").get("order").ifPresent(o -> order.addAll(Arrays.asList(o.split(";"))));
        }
        order.addAll(List.of("scsi0", "virtio0", "sata0", "ide0"));
        for (String key : order) {
            Optional<String> size = Optional.ofNullable(config.get(key))
                    .flatMap(v -> PropertyString.parse(v, "file").get("size"));
            if (size.isPresent() && !config.get(key).contains("media=cdrom")) {
                return DiskSize.parse(size.get()).bytes();
            }
        }
        return 0;
    }
}
