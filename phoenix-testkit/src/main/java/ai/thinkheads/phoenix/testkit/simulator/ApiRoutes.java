package ai.thinkheads.phoenix.testkit.simulator;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.ShutdownOptions;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The PVE API paths the simulator serves, written once over any {@link Hypervisor} (in practice
 * the testkit's {@code FakeHypervisor}), so that the HTTP face, the SSH face's {@code pvesh} and
 * the fake itself all see one cluster.
 *
 * <p>Each route answers with the shapes of PVE 8.4/9.1 (see {@code ../shared/pve-api}): UPID
 * strings for task-starting calls, {@code null} for synchronous {@code PUT .../config},
 * {@code nextid} as a string, config values typed as the config schema types them (integers and
 * booleans as JSON numbers, {@code memory} and every property string as strings), agent replies
 * wrapped in {@code {"result": ...}}. Errors come from the hypervisor's exceptions, whose messages
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

    /** Create parameters that are not config keys (pve qemu-server API2/Qemu.pm create_vm). */
    private static final Set<String> CREATE_NON_CONFIG = Set.of("node", "vmid", "pool", "start", "archive", "storage",
            "force", "unique", "live-restore", "bwlimit", "import-working-storage", "ha-managed");

    /** Config update parameters that are not config keys (update_vm). */
    private static final Set<String> UPDATE_NON_CONFIG = Set.of("node", "vmid", "digest", "delete", "revert",
            "skiplock", "force", "background_delay");

    private static final Pattern LIST_SPLIT = Pattern.compile("[,;\\s]+");
    private static final Duration SYNC_WAIT = Duration.ofMinutes(10);

    private final Hypervisor hv;
    private final String version;
    private final String release;

    private ApiRoutes(Hypervisor hv, String version) {
        this.hv = Objects.requireNonNull(hv, "hypervisor");
        this.version = version;
        this.release = version.substring(0, version.lastIndexOf('.'));
    }

    /** A router serving {@code hypervisor} as PVE {@code version} (e.g. {@code 8.4.1}) would. */
    public static ApiRouter over(Hypervisor hypervisor, String version) {
        ApiRoutes r = new ApiRoutes(hypervisor, version);
        String vm = "/nodes/{node}/qemu/{vmid}";
        ApiRouter router = new ApiRouter();
        router.route("POST", "/nodes/{node}/storage/{storage}/upload", c -> r.upload(c, router.uploadedFiles()));
        return router
                .route("GET", "/version", c -> Map.of("version", r.version, "release", r.release, "repoid", "5f3a1a0b"))
                .route("GET", "/cluster/resources", r::clusterResources)
                .route("GET", "/cluster/nextid", r::nextId)
                .route("GET", "/nodes", c -> r.hv.listNodes().stream().map(ApiRoutes::nodeEntry).toList())
                .route("GET", "/nodes/{node}/status", r::nodeStatus)
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
                .route("POST", vm + "/status/start", c -> upid(r.hv.start(ref(c))))
                .route("POST", vm + "/status/stop", c -> upid(r.hv.stop(ref(c))))
                .route("POST", vm + "/status/reboot", c -> upid(r.hv.reboot(ref(c))))
                .route("POST", vm + "/status/shutdown", r::shutdown)
                .route("POST", vm + "/clone", r::cloneVm)
                .route("POST", vm + "/template", c -> upid(r.hv.convertToTemplate(ref(c))))
                .route("PUT", vm + "/resize", r::resize)
                .route("DELETE", vm, r::destroy)
                .route("GET", vm + "/snapshot", r::snapshots)
                .route("POST", vm + "/snapshot", c -> upid(r.hv.createSnapshot(ref(c), c.require("snapname"),
                        c.get("description", ""), bool(c.get("vmstate", "0")))))
                .route("POST", vm + "/snapshot/{snapname}/rollback", c -> upid(r.hv.rollbackSnapshot(ref(c), c.require("snapname"))))
                .route("DELETE", vm + "/snapshot/{snapname}", c -> upid(r.hv.deleteSnapshot(ref(c), c.require("snapname"))))
                .route("POST", vm + "/agent/ping", c -> {
                    r.hv.agentPing(ref(c));
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
            for (VmSummary v : hv.listVms()) {
                out.add(vmEntry(v, true));
            }
        }
        if (type == null || type.equals("node")) {
            hv.listNodes().forEach(n -> out.add(nodeEntry(n)));
        }
        if (type == null || type.equals("storage")) {
            for (NodeResources n : hv.listNodes()) {
                for (StorageInfo s : hv.listStorages(n.node())) {
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
            if (hv.findVm(id).isPresent()) {
                // pve-manager PVE/API2/Cluster.pm nextid: raise_param_exc
                throw new ApiException(Map.of("vmid", "VM " + id + " already exists"));
            }
            return String.valueOf(id);
        }
        return String.valueOf(hv.nextFreeVmid());
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

    private NodeResources node(String name) {
        return hv.listNodes().stream().filter(n -> n.node().equals(name)).findFirst()
                // pve-manager: the proxy cannot resolve an unknown node
                .orElseThrow(() -> new ApiException(500, "hostname lookup '" + name + "' failed - failed to get address info for: "
                        + name + ": Name or service not known"));
    }

    private Object storages(ApiRouter.ApiCall c) {
        node(c.require("node"));
        String content = c.get("content", null);
        String only = c.get("storage", null);
        List<Map<String, Object>> out = new ArrayList<>();
        for (StorageInfo s : hv.listStorages(c.require("node"))) {
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
     * {@code storage.cfg} section, content and nodes as comma lists. Only a {@code FakeHypervisor}
     * knows storage paths; over any other hypervisor this is not implemented.
     */
    private Object storageConfig(ApiRouter.ApiCall c) {
        if (!(hv instanceof FakeHypervisor fake)) {
            throw new ApiException(501, "Method 'GET /storage/" + c.require("storage") + "' not implemented\n");
        }
        ai.thinkheads.phoenix.testkit.model.StorageSpec spec = fake.cluster().storageConfig(c.require("storage"));
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
     * {@code PVE/API2/Storage/Content.pm} index) for the file content types; disk images are not
     * listed here (the seam has no such read).
     */
    private Object storageContent(ApiRouter.ApiCall c) {
        String node = c.require("node");
        String storage = c.require("storage");
        String content = c.get("content", null);
        List<Map<String, Object>> out = new ArrayList<>();
        for (ai.thinkheads.phoenix.hypervisor.StorageContent type : ai.thinkheads.phoenix.hypervisor.StorageContent.values()) {
            if (content != null && !content.equals(type.word())) {
                continue;
            }
            for (ai.thinkheads.phoenix.hypervisor.StorageVolume v : hv.listVolumes(node, storage, type)) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("volid", v.volid());
                e.put("content", type.word());
                e.put("format", v.format());
                e.put("size", v.size());
                out.add(e);
            }
        }
        if (content == null) {
            // pve-storage PVE::Storage::volume_list: sort { lc($a->{volid}) cmp lc($b->{volid}) }
            out.sort((a, b) -> ((String) a.get("volid")).toLowerCase(Locale.ROOT)
                    .compareTo(((String) b.get("volid")).toLowerCase(Locale.ROOT)));
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
        return upid(hv.deleteVolume(c.require("node"), volid));
    }

    /**
     * {@code POST /nodes/{node}/storage/{storage}/upload} (pve-storage {@code Status.pm} upload),
     * after the HTTP face has put the file part in {@code files} and named it in
     * {@code tmpfilename}. The file name is normalized as Proxmox normalizes it. A checksum is
     * verified here, before the task (Proxmox verifies it in the worker: a mismatch is then a
     * failed task, here a 500).
     */
    private Object upload(ApiRouter.ApiCall c, UploadedFiles files) {
        String tmp = c.get("tmpfilename", null);
        if (tmp == null) {
            throw new IllegalStateException("missing temporary file name");
        }
        byte[] data = files.take(tmp).orElseThrow(() -> new IllegalStateException(
                "temporary file '" + tmp + "' does not exist"));
        String content = c.require("content");
        String filename = ai.thinkheads.phoenix.hypervisor.StorageContent.normalizeFilename(c.require("filename"));
        ai.thinkheads.phoenix.hypervisor.StorageContent type = ai.thinkheads.phoenix.hypervisor.StorageContent
                .fromWord(content).filter(t -> t != ai.thinkheads.phoenix.hypervisor.StorageContent.SNIPPETS)
                .orElseThrow(() -> new ApiException(Map.of("content", "upload content type '" + content + "' not allowed")));
        String algorithm = c.get("checksum-algorithm", null);
        String checksum = c.get("checksum", null);
        if (algorithm != null && checksum != null) {
            String got = digest(algorithm, data);
            if (!got.equalsIgnoreCase(checksum)) {
                throw new IllegalStateException("checksum mismatch: got '" + got + "' != expect '" + checksum + "'");
            }
        }
        return upid(hv.uploadFile(c.require("node"), c.require("storage"), type, filename, data));
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
        return hv.listVms().stream().filter(v -> v.node().equals(node)).map(v -> vmEntry(v, false)).toList();
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
            return hv.getConfig(ref).values();
        } catch (NotFoundException e) {
            return Map.of(); // destroyed between list and read
        }
    }

    private Object create(ApiRouter.ApiCall c) {
        Map<String, String> config = new TreeMap<>();
        c.params().forEach((k, v) -> {
            if (!CREATE_NON_CONFIG.contains(k)) {
                config.put(k, v);
            }
        });
        CreateRequest req = new CreateRequest(c.require("node"), Integer.parseInt(c.require("vmid")), config,
                c.get("pool", null), bool(c.get("start", "0")));
        return upid(hv.create(req));
    }

    private Object getConfig(ApiRouter.ApiCall c) {
        VmConfig config = hv.getConfig(ref(c));
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

    private Object updateConfig(ApiRouter.ApiCall c, boolean synchronous) {
        Map<String, String> set = new TreeMap<>();
        c.params().forEach((k, v) -> {
            if (!UPDATE_NON_CONFIG.contains(k)) {
                set.put(k, v);
            }
        });
        Set<String> delete = new LinkedHashSet<>();
        String del = c.get("delete", null);
        if (del != null && !del.isBlank()) {
            delete.addAll(Arrays.asList(LIST_SPLIT.split(del.strip())));
        }
        if (set.isEmpty() && delete.isEmpty()) {
            // qemu-server update_vm: "no options specified"
            throw new ApiException(Map.of("delete", "no options specified"));
        }
        ConfigUpdate update = new ConfigUpdate(set, delete, c.get("digest", null));
        if (!synchronous && hv instanceof FakeHypervisor fake) {
            // POST .../config is update_vm_async: a worker with a UPID (qemu-server API2/Qemu.pm)
            Map<String, String> params = new TreeMap<>(set);
            if (!delete.isEmpty()) {
                params.put("delete", String.join(",", delete));
            }
            if (update.digest() != null) {
                params.put("digest", update.digest());
            }
            return fake.cluster().updateVmAsync(c.require("node"), ref(c).vmid(), params).toString();
        }
        Task task = hv.updateConfig(ref(c), update);
        if (synchronous) {
            task.await(SYNC_WAIT);
            return null;
        }
        return upid(task);
    }

    private Object pending(ApiRouter.ApiCall c) {
        List<Map<String, Object>> out = new ArrayList<>();
        hv.getConfig(ref(c)).values().forEach((k, v) -> out.add(Map.of("key", k, "value", v)));
        return out;
    }

    private Object statusCurrent(ApiRouter.ApiCall c) {
        VmRef ref = ref(c);
        VmConfig config = hv.getConfig(ref);
        VmSummary v = hv.findVm(ref.vmid()).orElseThrow(() -> new ApiException(500,
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

    private Object shutdown(ApiRouter.ApiCall c) {
        Duration timeout = Duration.ofSeconds(Long.parseLong(c.get("timeout", "180")));
        ShutdownOptions options = new ShutdownOptions(timeout.isZero() ? Duration.ofSeconds(1) : timeout, bool(c.get("forceStop", "0")));
        return upid(hv.shutdown(ref(c), options));
    }

    private Object cloneVm(ApiRouter.ApiCall c) {
        VmRef source = ref(c);
        String fullParam = c.get("full", null);
        boolean full = fullParam == null ? !hv.getConfig(source).isTemplate() : bool(fullParam);
        CloneRequest req = new CloneRequest(Integer.parseInt(c.require("newid")), c.get("name", null),
                c.get("target", null), full, c.get("storage", null), c.get("snapname", null), c.get("pool", null),
                c.get("description", null));
        return upid(hv.clone(source, req));
    }

    private Object resize(ApiRouter.ApiCall c) {
        VmRef ref = ref(c);
        String disk = c.require("disk");
        String size = c.require("size");
        DiskSize target;
        if (size.startsWith("+")) {
            String current = hv.getConfig(ref).get(disk).orElseThrow(() -> new ApiException(500, "disk '" + disk + "' does not exist"));
            String currentSize = PropertyString.parse(current, "file").get("size")
                    .orElseThrow(() -> new ApiException(500, "unable to get size of disk '" + disk + "'"));
            target = new DiskSize(DiskSize.parse(currentSize).bytes() + DiskSize.parse(size.substring(1)).bytes());
        } else {
            target = DiskSize.parse(size);
        }
        return upid(hv.resizeDisk(ref, disk, target));
    }

    private Object destroy(ApiRouter.ApiCall c) {
        return upid(hv.destroy(ref(c), new DestroyOptions(bool(c.get("purge", "0")), bool(c.get("destroy-unreferenced-disks", "0")))));
    }

    private Object snapshots(ApiRouter.ApiCall c) {
        VmRef ref = ref(c);
        List<Snapshot> snaps = hv.listSnapshots(ref);
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
        hv.findVm(ref.vmid()).ifPresent(v -> current.put("running", v.state() == PowerState.STOPPED ? 0 : 1));
        if (!snaps.isEmpty()) {
            current.put("parent", snaps.get(snaps.size() - 1).name());
        }
        out.add(current);
        return out;
    }

    // ---- guest agent --------------------------------------------------------------------

    private Object agentInterfaces(ApiRouter.ApiCall c) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (GuestInterface i : hv.agentNetworkInterfaces(ref(c))) {
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
                hv.agentPing(ref(c));
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
        return Map.of("pid", hv.agentExec(ref(c), command, c.get("input-data", null)));
    }

    private Object agentExecStatus(ApiRouter.ApiCall c) {
        GuestExecStatus s = hv.agentExecStatus(ref(c), Integer.parseInt(c.require("pid")));
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
        TaskStatus s = hv.taskStatus(upid);
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
        List<String> lines = hv.taskLog(upid, Integer.MAX_VALUE);
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
        return new VmRef(c.require("node"), id);
    }

    private static String upid(Task task) {
        return task.upid().map(Upid::toString).orElseThrow(() -> new IllegalStateException("the hypervisor returned a task without a UPID"));
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
