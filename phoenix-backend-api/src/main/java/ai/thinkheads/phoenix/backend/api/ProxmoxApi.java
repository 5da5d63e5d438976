package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.backend.api.ApiTransport.Method;
import ai.thinkheads.phoenix.backend.api.ApiTransport.Reply;
import ai.thinkheads.phoenix.backend.api.ApiTransport.Target;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.PendingChanges;
import ai.thinkheads.phoenix.hypervisor.ShutdownOptions;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.StorageVolume;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Tasks;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.hypervisor.wire.ProxmoxReplies;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Hypervisor} over the Proxmox VE HTTP API ({@code https://<node>:8006/api2/json}).
 *
 * <pre>{@code
 * try (ProxmoxApi pve = ProxmoxApi.builder()
 *         .baseUrl("https://pve1:8006")
 *         .defaultNode("pve1")
 *         .credentials(Credentials.apiToken("phoenix@pve!deploy", Secret.of(tokenSecret)))
 *         .tls(TlsTrust.pinned("5B:7C:...:E1"))
 *         .build()) {
 *     int vmid = pve.nextFreeVmid();
 *     pve.create(CreateRequest.of("pve1", vmid, Map.of("memory", "2048", "net0", "virtio,bridge=vmbr0")))
 *        .await(Duration.ofMinutes(2));
 *     pve.start(VmRef.of("pve1", vmid)).await(Duration.ofMinutes(1));
 * }
 * }</pre>
 *
 * <h2>What each primitive sends</h2>
 * One request each (task status and log reads aside): {@code GET /cluster/resources?type=vm|node},
 * {@code GET /nodes/{node}/storage}, {@code GET /cluster/nextid}, {@code GET|POST
 * /nodes/{node}/qemu/{vmid}/config} (updates send {@code delete} as a comma list and the
 * {@code digest}), {@code POST /nodes/{node}/qemu}, {@code PUT .../resize}, {@code POST
 * .../status/start|stop|shutdown|reboot}, {@code POST .../clone}, {@code POST .../template},
 * {@code DELETE /nodes/{node}/qemu/{vmid}} (parameters in the query), {@code GET|POST .../snapshot},
 * {@code POST .../snapshot/{name}/rollback}, {@code DELETE .../snapshot/{name}}, {@code POST
 * .../agent/ping}, {@code GET .../agent/network-get-interfaces}, {@code POST .../agent/exec}
 * ({@code command} repeated once per argument), {@code GET .../agent/exec-status}, {@code GET
 * /nodes/{node}/tasks/{upid}/status|log}, {@code GET|DELETE /nodes/{node}/storage/{storage}/content[/{volid}]},
 * and {@code POST .../storage/{storage}/upload} as {@code multipart/form-data} (ISO images, import
 * images and templates only: the endpoint takes no snippets). Worker endpoints return a UPID, which becomes a
 * {@link Tasks#polling} task; core does the waiting. An endpoint that answers {@code null} instead
 * (older servers' resize) gives an already completed task.
 *
 * <h2>Connections</h2>
 * pveproxy closes idle keep-alive connections after about five seconds, so pooled connections are
 * dropped after {@link Builder#keepAlive} (3 s). Requests are bounded by {@link
 * Builder#maxConcurrentRequests}. Each request is sent once: retries are core's (the planner and the
 * applier), and a {@code TransportException} says whether the request was sent. Errors are mapped in
 * one place ({@code PveErrors}).
 *
 * <h2>Secrets</h2>
 * Passwords, token secrets, tickets, CSRF tokens and {@code cipassword} values never reach a log
 * line, an exception message or a {@code toString}. Request lines (method and path) are logged at
 * debug level under this class's logger.
 *
 * <p>Instances are immutable and thread-safe; {@link #close()} releases the connection pool.
 */
public final class ProxmoxApi implements Hypervisor {

    private static final Logger log = LoggerFactory.getLogger(ProxmoxApi.class);

    private final HttpUrl baseUrl;
    private final String defaultNode;
    private final Credentials credentials;
    private final TlsTrust tls;
    private final TimeSource time;
    private final ApiTransport transport;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ProxmoxApi(Builder b, ApiTransport transport) {
        this.baseUrl = b.baseUrl;
        this.defaultNode = b.defaultNode;
        this.credentials = b.credentials;
        this.tls = b.tls;
        this.time = b.time;
        this.transport = transport;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The server, e.g. {@code https://pve1:8006/}. */
    public HttpUrl baseUrl() {
        return baseUrl;
    }

    /** The node given to the builder, if any. */
    public Optional<String> defaultNode() {
        return Optional.ofNullable(defaultNode);
    }

    /** A VM on the default node. Throws {@link IllegalStateException} when none was configured. */
    public VmRef vm(int vmid) {
        if (defaultNode == null) {
            throw new IllegalStateException("no default node configured");
        }
        return VmRef.of(defaultNode, vmid);
    }

    // ---- cluster-wide reads -------------------------------------------------------------

    @Override
    public List<VmSummary> listVms() {
        return ProxmoxReplies.vms(get(target(null, null, "cluster", "resources"), Form.empty().add("type", "vm")).data());
    }

    @Override
    public List<NodeResources> listNodes() {
        return ProxmoxReplies.nodes(get(target(null, null, "cluster", "resources"), Form.empty().add("type", "node")).data());
    }

    @Override
    public List<StorageInfo> listStorages(String node) {
        requireNode(node);
        return ProxmoxReplies.storages(node, get(target(node, null, "nodes", node, "storage"), Form.empty()).data());
    }

    @Override
    public List<String> listBridges(String node) {
        requireNode(node);
        return ProxmoxReplies.bridges(get(target(node, null, "nodes", node, "network"), Form.empty().add("type", "any_bridge")).data());
    }

    @Override
    public int nextFreeVmid() {
        return ProxmoxReplies.nextId(get(target(null, null, "cluster", "nextid"), Form.empty()).data());
    }

    // ---- files on storages ----------------------------------------------------------------

    /** The upload endpoint's {@code content} enum (pve-storage {@code Status.pm} upload): no snippets. */
    private static final Set<StorageContent> UPLOADABLE = Collections.unmodifiableSet(
            EnumSet.of(StorageContent.ISO, StorageContent.IMPORT, StorageContent.VZTMPL));

    @Override
    public List<StorageVolume> listVolumes(String node, String storage, StorageContent content) {
        requireNode(node);
        Objects.requireNonNull(storage, "storage");
        return ProxmoxReplies.volumes(content, get(target(node, null, "nodes", node, "storage", storage, "content"),
                Form.empty().add("content", content.word())).data());
    }

    /** ISO images, import images and container templates: what {@code POST .../upload} takes. */
    @Override
    public Set<StorageContent> uploadableContent() {
        return UPLOADABLE;
    }

    /**
     * {@code POST /nodes/{node}/storage/{storage}/upload} as {@code multipart/form-data}:
     * {@code content}, {@code checksum-algorithm=sha256} and {@code checksum} (so Proxmox verifies
     * what arrived), then the file. Returns the {@code imgcopy} task.
     */
    @Override
    public Task uploadFile(String node, String storage, StorageContent content, String filename, byte[] data) {
        StorageContent.checkUpload(this, node, storage, content, filename, data);
        requireNode(node);
        Form fields = Form.empty().add("content", content.word()).add("checksum-algorithm", "sha256")
                .add("checksum", sha256(data));
        log.debug("uploading {} bytes as {}", data.length, content.volid(storage, filename));
        return task(transport.upload(target(node, null, "nodes", node, "storage", storage, "upload"), fields,
                new ApiTransport.FilePart(filename, data)), node, null);
    }

    /**
     * {@code DELETE /nodes/{node}/storage/{storage}/content/{volume}}, the volume id's slashes kept
     * as path separators (the handler takes the rest of the path as {@code volume}).
     */
    @Override
    public Task deleteVolume(String node, String volid) {
        requireNode(node);
        Objects.requireNonNull(volid, "volid");
        int colon = volid.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not a volume id: " + volid);
        }
        List<String> segments = new ArrayList<>(List.of("nodes", node, "storage", volid.substring(0, colon), "content"));
        segments.addAll(Arrays.asList(volid.split("/", -1)));
        return task(transport.call(Method.DELETE, new Target(segments, node, null), Form.empty()), node, null);
    }

    private static String sha256(byte[] data) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    // ---- one VM's config ----------------------------------------------------------------

    @Override
    public VmConfig getConfig(VmRef vm) {
        return ProxmoxReplies.config(vm, get(vmTarget(vm, "config"), Form.empty()).data());
    }

    @Override
    public PendingChanges getPending(VmRef vm) {
        return ProxmoxReplies.pending(vm, get(vmTarget(vm, "pending"), Form.empty()).data());
    }

    @Override
    public Task create(CreateRequest request) {
        Objects.requireNonNull(request, "request");
        Form form = Form.empty().add("vmid", request.vmid()).addAll(request.config())
                .addIfPresent("pool", request.pool()).flagIfSet("start", request.start());
        return task(post(target(request.node(), request.vmid(), "nodes", request.node(), "qemu"), form),
                request.node(), request.vmid());
    }

    @Override
    public Task updateConfig(VmRef vm, ConfigUpdate update) {
        Objects.requireNonNull(update, "update");
        Form form = Form.empty().addAll(update.set());
        if (!update.delete().isEmpty()) {
            form.add("delete", String.join(",", update.delete()));
        }
        update.digestIfAny().ifPresent(d -> form.add("digest", d));
        // update_vm_async returns a UPID (schema: optional string); a null answer is a finished task
        return task(post(vmTarget(vm, "config"), form), vm.node(), vm.vmid());
    }

    /**
     * {@code PUT .../resize}: one request. qemu-server checks {@code shrinking disks is not
     * supported} and {@code disk '...' does not exist} inside the {@code resize} worker, so they come
     * back from {@link Task#await} as a failed task (or, from servers that resize synchronously, as
     * the request's error), as {@link Hypervisor#resizeDisk} allows.
     */
    @Override
    public Task resizeDisk(VmRef vm, String disk, DiskSize newSize) {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(newSize, "newSize");
        // PVE 8.x and 9.x: returns the UPID of a 'resize' worker (schema 'returns': "the task ID.")
        Reply reply = transport.call(Method.PUT, vmTarget(vm, "resize"),
                Form.empty().add("disk", disk).add("size", newSize.toString()));
        return task(reply, vm.node(), vm.vmid());
    }

    // ---- power --------------------------------------------------------------------------

    @Override
    public Task start(VmRef vm) {
        return task(post(vmTarget(vm, "status", "start"), Form.empty()), vm.node(), vm.vmid());
    }

    @Override
    public Task stop(VmRef vm) {
        return task(post(vmTarget(vm, "status", "stop"), Form.empty()), vm.node(), vm.vmid());
    }

    @Override
    public Task shutdown(VmRef vm, ShutdownOptions options) {
        Objects.requireNonNull(options, "options");
        long seconds = Math.max(1, (options.timeout().toMillis() + 999) / 1000);
        Form form = Form.empty().add("timeout", seconds).flagIfSet("forceStop", options.forceStop());
        return task(post(vmTarget(vm, "status", "shutdown"), form), vm.node(), vm.vmid());
    }

    @Override
    public Task reboot(VmRef vm) {
        return task(post(vmTarget(vm, "status", "reboot"), Form.empty()), vm.node(), vm.vmid());
    }

    // ---- lifecycle ----------------------------------------------------------------------

    @Override
    public Task clone(VmRef source, CloneRequest request) {
        Objects.requireNonNull(request, "request");
        Form form = Form.empty().add("newid", request.newVmid()).addIfPresent("name", request.name())
                .addIfPresent("target", request.targetNode()).flag("full", request.full())
                .addIfPresent("storage", request.targetStorage()).addIfPresent("snapname", request.snapshot())
                .addIfPresent("pool", request.pool()).addIfPresent("description", request.description());
        return task(post(vmTarget(source, "clone"), form), source.node(), request.newVmid());
    }

    @Override
    public Task convertToTemplate(VmRef vm) {
        return task(post(vmTarget(vm, "template"), Form.empty()), vm.node(), vm.vmid());
    }

    @Override
    public Task destroy(VmRef vm, DestroyOptions options) {
        Objects.requireNonNull(options, "options");
        Form form = Form.empty().flagIfSet("purge", options.purge())
                .flagIfSet("destroy-unreferenced-disks", options.destroyUnreferencedDisks());
        return task(transport.call(Method.DELETE, vmTarget(vm), form), vm.node(), vm.vmid());
    }

    // ---- snapshots ----------------------------------------------------------------------

    @Override
    public List<Snapshot> listSnapshots(VmRef vm) {
        return ProxmoxReplies.snapshots(get(vmTarget(vm, "snapshot"), Form.empty()).data());
    }

    @Override
    public Task createSnapshot(VmRef vm, String name, String description, boolean withRamState) {
        Objects.requireNonNull(name, "name");
        Form form = Form.empty().add("snapname", name).flagIfSet("vmstate", withRamState);
        if (description != null && !description.isEmpty()) {
            form.add("description", description);
        }
        return task(post(vmTarget(vm, "snapshot"), form), vm.node(), vm.vmid());
    }

    @Override
    public Task rollbackSnapshot(VmRef vm, String name) {
        Objects.requireNonNull(name, "name");
        return task(post(vmTarget(vm, "snapshot", name, "rollback"), Form.empty()), vm.node(), vm.vmid());
    }

    @Override
    public Task deleteSnapshot(VmRef vm, String name) {
        Objects.requireNonNull(name, "name");
        return task(transport.call(Method.DELETE, vmTarget(vm, "snapshot", name), Form.empty()), vm.node(), vm.vmid());
    }

    // ---- guest agent --------------------------------------------------------------------

    @Override
    public void agentPing(VmRef vm) {
        post(vmTarget(vm, "agent", "ping"), Form.empty());
    }

    @Override
    public List<GuestInterface> agentNetworkInterfaces(VmRef vm) {
        return ProxmoxReplies.guestInterfaces(get(vmTarget(vm, "agent", "network-get-interfaces"), Form.empty()).data());
    }

    @Override
    public int agentExec(VmRef vm, List<String> command, String stdin) {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must name a program");
        }
        // 'command' is an array parameter: form-encoded as the key repeated once per item
        Form form = Form.empty().addAll("command", command).addIfPresent("input-data", stdin);
        return ProxmoxReplies.guestExecPid(post(vmTarget(vm, "agent", "exec"), form).data());
    }

    @Override
    public GuestExecStatus agentExecStatus(VmRef vm, int pid) {
        return ProxmoxReplies.guestExecStatus(get(vmTarget(vm, "agent", "exec-status"), Form.empty().add("pid", pid)).data());
    }

    // ---- tasks --------------------------------------------------------------------------

    @Override
    public TaskStatus taskStatus(Upid upid) {
        Objects.requireNonNull(upid, "upid");
        return ProxmoxReplies.taskStatus(upid, get(taskTarget(upid, "status"), Form.empty()).data());
    }

    @Override
    public List<String> taskLog(Upid upid, int lines) {
        Objects.requireNonNull(upid, "upid");
        if (lines <= 0) {
            throw new IllegalArgumentException("lines must be positive");
        }
        Reply first = get(taskTarget(upid, "log"), Form.empty().add("start", 0).add("limit", lines));
        long total = PveJson.longOf(first.envelope().get("total"), -1);
        Reply tail = first;
        if (total > lines) {
            // the envelope carries the log's line count as 'total': fetch the last lines
            tail = get(taskTarget(upid, "log"), Form.empty().add("start", total - lines).add("limit", lines));
        }
        return ProxmoxReplies.taskLog(tail.data(), lines);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            transport.close();
        }
    }

    @Override
    public String toString() {
        return "ProxmoxApi[" + baseUrl + ", " + credentials + ", " + tls + "]";
    }

    // ---- plumbing -----------------------------------------------------------------------

    private Reply get(Target target, Form form) {
        return transport.call(Method.GET, target, form);
    }

    private Reply post(Target target, Form form) {
        return transport.call(Method.POST, target, form);
    }

    private static Target target(String node, Integer vmid, String... segments) {
        return new Target(List.of(segments), node, vmid);
    }

    private static Target vmTarget(VmRef vm, String... rest) {
        Objects.requireNonNull(vm, "vm");
        List<String> segments = new ArrayList<>(List.of("nodes", vm.node(), "qemu", Integer.toString(vm.vmid())));
        segments.addAll(List.of(rest));
        return new Target(segments, vm.node(), vm.vmid());
    }

    private static Target taskTarget(Upid upid, String what) {
        return new Target(List.of("nodes", upid.node(), "tasks", upid.toString(), what), upid.node(), null);
    }

    private static void requireNode(String node) {
        Objects.requireNonNull(node, "node");
        if (node.isBlank()) {
            throw new IllegalArgumentException("node must not be blank");
        }
    }

    /** A worker's UPID becomes a polling task; a {@code null} answer is a task that already ended. */
    private Task task(Reply reply, String node, Integer vmid) {
        return ProxmoxReplies.workerUpid(reply.data())
                .map(upid -> Tasks.polling(upid, vmid, this, time))
                .orElseGet(() -> Tasks.completed(node, vmid, TaskStatus.stopped(null, "OK"), List.of()));
    }

    /**
     * Configures a {@link ProxmoxApi}. Required: {@link #baseUrl} and {@link #credentials}. Each
     * method checks its argument at once; {@link #build()} checks the combination.
     */
    public static final class Builder {
        private HttpUrl baseUrl;
        private String defaultNode;
        private Credentials credentials;
        private TlsTrust tls = TlsTrust.system();
        private TimeSource time = TimeSource.system();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Duration keepAlive = Duration.ofSeconds(3);
        private Duration ticketRenewal = Duration.ofMinutes(90);
        private int maxConcurrentRequests = 8;

        private Builder() {
        }

        /**
         * The API endpoint: {@code https://pve1:8006} (a trailing {@code /api2/json} is accepted).
         * Plain {@code http} is accepted for test servers and logged at WARN: credentials would
         * cross the network unencrypted.
         */
        public Builder baseUrl(String url) {
            Objects.requireNonNull(url, "url");
            HttpUrl parsed = HttpUrl.parse(url.strip());
            if (parsed == null) {
                throw new IllegalArgumentException("not an http(s) URL: '" + url + "'");
            }
            if (parsed.username().length() > 0 || parsed.password().length() > 0) {
                throw new IllegalArgumentException("put credentials in credentials(...), not in the URL");
            }
            if (parsed.query() != null || parsed.fragment() != null) {
                throw new IllegalArgumentException("the base URL takes no query or fragment: '" + url + "'");
            }
            List<String> segments = new ArrayList<>(parsed.pathSegments());
            segments.removeIf(String::isEmpty);
            if (!segments.isEmpty() && !segments.equals(List.of("api2", "json"))) {
                throw new IllegalArgumentException("the base URL must be the server root or /api2/json: '" + url + "'");
            }
            this.baseUrl = parsed.newBuilder().encodedPath("/").build();
            return this;
        }

        /** The node {@link ProxmoxApi#vm(int)} addresses. */
        public Builder defaultNode(String node) {
            Objects.requireNonNull(node, "node");
            if (!node.matches("[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?")) {
                throw new IllegalArgumentException("not a node name: '" + node + "'");
            }
            this.defaultNode = node;
            return this;
        }

        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** Which certificates to accept; {@link TlsTrust#system()} by default. */
        public Builder tls(TlsTrust tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** The clock for ticket renewal, retry pauses and task polling; the system clock by default. */
        public Builder time(TimeSource time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** The limit for one whole request (connect, send, wait, read). 60 s by default. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * How long an idle pooled connection may be reused: below pveproxy's ~5 s keep-alive so
         * that no request goes out on a connection the server has already closed. 3 s by default.
         */
        public Builder keepAlive(Duration idle) {
            positive(idle, "keepAlive");
            if (idle.compareTo(Duration.ofSeconds(5)) >= 0) {
                throw new IllegalArgumentException("keepAlive must stay below pveproxy's 5 s idle timeout, got " + idle);
            }
            this.keepAlive = idle;
            return this;
        }

        /** After how long a ticket is renewed (it is valid for 2 h). 90 min by default. */
        public Builder ticketRenewal(Duration after) {
            positive(after, "ticketRenewal");
            if (after.compareTo(ApiTransport.TICKET_LIFETIME) >= 0) {
                throw new IllegalArgumentException("ticketRenewal must be shorter than the ticket's 2 h life, got " + after);
            }
            this.ticketRenewal = after;
            return this;
        }

        /** At most this many requests in flight at once (8 by default). */
        public Builder maxConcurrentRequests(int max) {
            if (max < 1 || max > 256) {
                throw new IllegalArgumentException("maxConcurrentRequests must be 1..256, got " + max);
            }
            this.maxConcurrentRequests = max;
            return this;
        }

        public ProxmoxApi build() {
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl is required");
            }
            if (credentials == null) {
                throw new IllegalStateException("credentials are required");
            }
            if (requestTimeout.compareTo(connectTimeout) < 0) {
                throw new IllegalStateException("requestTimeout (" + requestTimeout + ") must not be shorter than connectTimeout ("
                        + connectTimeout + ")");
            }
            if (!baseUrl.isHttps()) {
                log.warn("Proxmox API at {} over plain HTTP: credentials and tickets travel unencrypted", baseUrl);
            }
            if (tls.mode() == TlsTrust.Mode.TRUST_ALL) {
                log.warn("TLS certificate verification is DISABLED for {} (TlsTrust.insecureTrustAll): "
                        + "anyone on the network path can impersonate the server and read the credentials", baseUrl);
            }
            Map<String, String> refused = new ConcurrentHashMap<>();
            Dispatcher dispatcher = new Dispatcher();
            dispatcher.setMaxRequests(maxConcurrentRequests);
            dispatcher.setMaxRequestsPerHost(maxConcurrentRequests);
            OkHttpClient.Builder http = new OkHttpClient.Builder()
                    .dispatcher(dispatcher)
                    .connectionPool(new ConnectionPool(maxConcurrentRequests, keepAlive.toMillis(), TimeUnit.MILLISECONDS))
                    .connectTimeout(connectTimeout)
                    .readTimeout(requestTimeout)
                    .writeTimeout(requestTimeout)
                    .callTimeout(requestTimeout)
                    .protocols(List.of(Protocol.HTTP_1_1)) // pveproxy speaks HTTP/1.1 only
                    .retryOnConnectionFailure(false) // we decide what is safe to repeat
                    .followRedirects(false)
                    .followSslRedirects(false)
                    .eventListenerFactory(ApiTransport.sentTracking());
            if (baseUrl.isHttps()) {
                X509TrustManager tm = tls.trustManager();
                try {
                    SSLContext ctx = SSLContext.getInstance("TLS");
                    ctx.init(null, new TrustManager[] {tm}, null);
                    http.sslSocketFactory(ctx.getSocketFactory(), tm);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
                }
                if (tls.verifiesHostname()) {
                    http.hostnameVerifier(ApiTransport.reporting(new OkHttpClient().hostnameVerifier(), refused));
                } else {
                    http.hostnameVerifier((host, session) -> true); // a pin is the identity; trust-all checks nothing
                }
            }
            HttpUrl apiBase = baseUrl.newBuilder().addPathSegments("api2/json").build();
            ApiTransport transport = new ApiTransport(apiBase, credentials, http.build(), time, ticketRenewal,
                    maxConcurrentRequests, refused);
            return new ProxmoxApi(this, transport);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }
    }
}
