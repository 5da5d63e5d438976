package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.NodeResources;
import ai.thinkheads.phoenix.hypervisor.PendingChanges;
import ai.thinkheads.phoenix.hypervisor.ShutdownOptions;
import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.StorageVolume;
import ai.thinkheads.phoenix.hypervisor.Task;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Tasks;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.wire.ProxmoxReplies;
import ai.thinkheads.phoenix.hypervisor.wire.StorageConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Hypervisor} that drives one Proxmox VE node through {@code qm} and {@code pvesh} over
 * SSH.
 *
 * <h2>Connecting</h2>
 * <pre>{@code
 * try (QmHypervisor pve = QmHypervisor.builder()
 *         .ssh(SshSettings.builder()
 *                 .host("pve1.example.org")
 *                 .user("root")
 *                 .privateKey(Path.of("/home/me/.ssh/id_ed25519"), passphrase)   // or .password(...)
 *                 .knownHosts(Path.of("/home/me/.ssh/known_hosts"))              // or .hostKeyFingerprint("SHA256:...")
 *                 .build())
 *         .build()) {
 *     List<VmSummary> vms = pve.listVms();
 *     pve.start(VmRef.of(pve.node(), 100)).await(Duration.ofMinutes(2));
 * }
 * }</pre>
 * The host key is always verified ({@link HostKeyPolicy}); a non-root user works with
 * {@link SshSettings.Builder#sudo(boolean) sudo(true)} ({@code sudo -n}, so sudo must not ask for a password).
 * The node name is read from pmxcfs's {@code /etc/pve/local} link ({@code readlink}) unless
 * {@link Builder#node(String)} sets it.
 *
 * <h2>How primitives map</h2>
 * Mutations run {@code qm} ({@link QmCommands} builds every command line, {@link QmValidation}
 * refuses values Proxmox would refuse, before anything is sent); reads run
 * {@code pvesh get ... --output-format json}, whose JSON is the API's and is decoded by the same
 * {@link ProxmoxReplies} the API backend uses; a failed command's stderr becomes the same exception
 * the API backend throws ({@link QmErrors}). Snippets and ISO images are written as files: the bytes
 * go on stdin to a temporary file renamed over {@code <storage path>/...} once complete
 * ({@link CommandRunner#writeFile}), the path from {@code pvesh get /storage/{storage}}. No Proxmox
 * handler sees such a write, so this backend makes pve-storage's upload checks itself (see
 * {@link #uploadFile}).
 *
 * <h2>Tasks</h2>
 * {@code qm} runs a task in the foreground and does not print its UPID, so every {@link Task}
 * returned here has already ended ({@link Tasks#completed}) and has no UPID. Errors Proxmox has a
 * specific word for (locked, running, missing, bad parameter...) are thrown by the primitive
 * itself; any other failure is a failed task, and {@link Task#await} throws
 * {@link ai.thinkheads.phoenix.hypervisor.TaskFailedException} with the output. {@code qm template}
 * and {@code qm disk resize} exit 0 even when their task fails, so their stderr is checked and the
 * config re-read to confirm.
 *
 * <p>{@code qm} only acts on its own node: mutations of a VM on another node throw
 * {@link ForeignNodeException}. Reads ({@code pvesh}) see the whole cluster.
 *
 * <h2>Secrets</h2>
 * Passwords, passphrases and {@code cipassword} values never appear in logs, messages or
 * {@code toString()}: commands are logged (at debug) with such values replaced by
 * {@value QmCommand#REDACTED}. Command output is parsed as the node printed it; only what goes
 * into an exception, a task log or a log line is scrubbed of them (in every spelling: as is,
 * URL-encoded, JSON-escaped) and has its control characters neutralised. {@code cipassword}
 * never travels on a command line: qm reads it from standard input (see {@link QmCommands}).
 *
 * <p>Thread-safe: commands share one SSH session, one channel each.
 */
public final class QmHypervisor implements Hypervisor {

    private static final Logger LOG = LoggerFactory.getLogger(QmHypervisor.class);

    private final CommandRunner runner;
    private final String node;
    private final QmCommands commands;
    private final TimeSource time;

    private QmHypervisor(CommandRunner runner, String node, TimeSource time) {
        this.runner = runner;
        this.node = node;
        this.time = time;
        this.commands = new QmCommands(node);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The node this backend runs {@code qm} on. */
    public String node() {
        return node;
    }

    // ---- reads ---------------------------------------------------------------------------

    @Override
    public List<VmSummary> listVms() {
        return ProxmoxReplies.vms(json(read(commands.clusterResources("vm"), null, null), "cluster resources"));
    }

    /** The VMs on this node as {@code qm list} shows them (works without the cluster API). */
    public List<LocalVm> listLocalVms() {
        return QmOutput.qmList(read(commands.qmList(), node, null));
    }

    @Override
    public List<NodeResources> listNodes() {
        return ProxmoxReplies.nodes(json(read(commands.clusterResources("node"), null, null), "cluster resources"));
    }

    @Override
    public List<StorageInfo> listStorages(String storageNode) {
        return ProxmoxReplies.storages(storageNode, json(read(commands.storages(storageNode), storageNode, null), "storage list"));
    }

    @Override
    public List<String> listBridges(String bridgeNode) {
        return ProxmoxReplies.bridges(json(read(commands.bridges(bridgeNode), bridgeNode, null), "network list"));
    }

    @Override
    public int nextFreeVmid() {
        return ProxmoxReplies.nextId(json(read(commands.nextId(), null, null), "nextid"));
    }

    @Override
    public VmConfig getConfig(VmRef vm) {
        return ProxmoxReplies.config(vm, json(read(commands.config(vm.node(), vm.vmid()), vm.node(), vm.vmid()), "config"));
    }

    /** {@code pvesh get .../pending --output-format json}: the API's reply, so the one decoder reads it. */
    @Override
    public PendingChanges getPending(VmRef vm) {
        return ProxmoxReplies.pending(vm, json(read(commands.pending(vm.node(), vm.vmid()), vm.node(), vm.vmid()), "pending"));
    }

    /**
     * Reads the config files of all of {@code vms} in one remote command ({@code tail} of their
     * pmxcfs paths, see {@link VmConfigFiles}; one more per about 2,000 VMs), parsed to the values
     * and digest {@code pvesh get .../config} gives; {@code parallelism} is not needed. A VM
     * whose file does not exist is left out.
     */
    @Override
    public Map<Integer, VmConfig> getConfigs(Collection<VmRef> vms, int parallelism) {
        Map<Integer, VmConfig> out = new LinkedHashMap<>();
        List<VmRef> refs = List.copyOf(vms);
        if (refs.isEmpty()) {
            return out;
        }
        for (QmCommand command : VmConfigFiles.commands(refs)) {
            CommandResult raw = execute(command);
            if (!raw.succeeded() && !onlyMissingFiles(raw)) {
                throw QmErrors.toException(shown(command, raw), "tail", node, null);
            }
            out.putAll(VmConfigFiles.parse(raw.stdout(), refs));
        }
        return out;
    }

    /** GNU tail exits 1 when a file cannot be opened, after printing the others. */
    private static boolean onlyMissingFiles(CommandResult result) {
        List<String> errors = QmErrors.meaningfulLines(result.stderr());
        return result.exitCode() == 1 && !errors.isEmpty()
                && errors.stream().allMatch(l -> l.startsWith("tail: cannot open '") && l.endsWith("No such file or directory"));
    }

    @Override
    public List<Snapshot> listSnapshots(VmRef vm) {
        return ProxmoxReplies.snapshots(json(read(commands.snapshots(vm.node(), vm.vmid()), vm.node(), vm.vmid()), "snapshot list"));
    }

    @Override
    public TaskStatus taskStatus(Upid upid) {
        return ProxmoxReplies.taskStatus(upid, json(read(commands.taskStatus(upid), upid.node(), null), "task status"));
    }

    @Override
    public List<String> taskLog(Upid upid, int lines) {
        if (lines < 0) {
            throw new IllegalArgumentException("lines: must not be negative");
        }
        return ProxmoxReplies.taskLog(json(read(commands.taskLog(upid), upid.node(), null), "task log"), lines);
    }

    // ---- mutations -----------------------------------------------------------------------

    /**
     * {@code qm create}. With both {@code sshkeys} and {@code cipassword} the password follows in
     * a {@code qm set} of its own ({@link QmCommands#separatePasswordCommand}) and, if asked, the
     * VM is started after it, so it boots with its password.
     */
    @Override
    public Task create(CreateRequest request) {
        local(request.node(), request.vmid());
        Optional<QmCommand> password = commands.separatePasswordCommand(request.vmid(), request.config());
        if (password.isEmpty()) {
            return task(commands.create(request), request.vmid());
        }
        QmCommand create = commands.create(request);
        CommandResult created = run(create);
        if (!created.succeeded()) {
            return failed(create, created, request.vmid(), null);
        }
        setConfig(password.get(), request.vmid());
        return request.start() ? task(commands.start(request.vmid()), request.vmid()) : succeeded(created, request.vmid());
    }

    @Override
    public Task updateConfig(VmRef vm, ConfigUpdate update) {
        local(vm);
        Task done = setConfig(commands.set(vm.vmid(), update), vm.vmid());
        Optional<QmCommand> password = commands.separatePasswordCommand(vm.vmid(), update.set());
        return password.isPresent() ? setConfig(password.get(), vm.vmid()) : done;
    }

    /** qm set is update_vm: synchronous, no task; every failure is the primitive's own. */
    private Task setConfig(QmCommand command, int vmid) {
        CommandResult result = run(command);
        if (!result.succeeded()) {
            throw QmErrors.toException(result, what(command), node, vmid);
        }
        return succeeded(result, vmid);
    }

    @Override
    public Task resizeDisk(VmRef vm, String disk, DiskSize newSize) {
        local(vm);
        QmCommand command = commands.resize(vm.vmid(), disk, newSize);
        return exitsZeroOnFailure(command, vm.vmid(), () -> {
            String value = qmConfig(vm.vmid()).get(disk);
            Optional<String> size = value == null ? Optional.empty() : PropertyString.parse(value, "file").get("size");
            if (size.isEmpty()) {
                return "qm disk resize exited 0, but " + disk + " has no size in the config";
            }
            DiskSize now = DiskSize.parse(size.get());
            return now.compareTo(newSize) >= 0 ? null
                    : "qm disk resize exited 0, but " + disk + " is " + now + ", not " + newSize;
        });
    }

    @Override
    public Task start(VmRef vm) {
        local(vm);
        return task(commands.start(vm.vmid()), vm.vmid());
    }

    @Override
    public Task stop(VmRef vm) {
        local(vm);
        return task(commands.stop(vm.vmid()), vm.vmid());
    }

    @Override
    public Task shutdown(VmRef vm, ShutdownOptions options) {
        local(vm);
        return task(commands.shutdown(vm.vmid(), options), vm.vmid());
    }

    @Override
    public Task reboot(VmRef vm) {
        local(vm);
        return task(commands.reboot(vm.vmid()), vm.vmid());
    }

    @Override
    public Task clone(VmRef source, CloneRequest request) {
        local(source);
        return task(commands.clone(source.vmid(), request), source.vmid());
    }

    @Override
    public Task convertToTemplate(VmRef vm) {
        local(vm);
        return exitsZeroOnFailure(commands.template(vm.vmid()), vm.vmid(), () ->
                "1".equals(qmConfig(vm.vmid()).get("template")) ? null
                        : "qm template exited 0, but VM " + vm.vmid() + " is not a template");
    }

    @Override
    public Task destroy(VmRef vm, DestroyOptions options) {
        local(vm);
        return task(commands.destroy(vm.vmid(), options), vm.vmid());
    }

    @Override
    public Task createSnapshot(VmRef vm, String name, String description, boolean withRamState) {
        local(vm);
        return task(commands.snapshot(vm.vmid(), name, description, withRamState), vm.vmid());
    }

    @Override
    public Task rollbackSnapshot(VmRef vm, String name) {
        local(vm);
        return task(commands.rollback(vm.vmid(), name), vm.vmid());
    }

    @Override
    public Task deleteSnapshot(VmRef vm, String name) {
        local(vm);
        return task(commands.deleteSnapshot(vm.vmid(), name), vm.vmid());
    }

    // ---- files on storages ----------------------------------------------------------------

    /** What a shell on the node writes: snippets and ISO images. */
    private static final Set<StorageContent> UPLOADABLE = Collections.unmodifiableSet(
            EnumSet.of(StorageContent.SNIPPETS, StorageContent.ISO));

    @Override
    public List<StorageVolume> listVolumes(String storageNode, String storage, StorageContent content) {
        return ProxmoxReplies.volumes(content,
                json(read(commands.storageContent(storageNode, storage, content), storageNode, null), "storage content"));
    }

    /** Snippets and ISO images: files this backend writes on its node with {@code cat}. */
    @Override
    public Set<StorageContent> uploadableContent() {
        return UPLOADABLE;
    }

    /**
     * Writes the file into the storage's directory on this node. First the checks every backend
     * makes ({@link StorageContent#checkUpload}: content this backend writes, a file name Proxmox
     * keeps). Then, since no Proxmox handler sees this write, what pve-storage's upload handler
     * refuses, in its words (pve-storage {@code PVE/API2/Storage/Status.pm} upload): it reads the
     * storage's {@code storage.cfg} section ({@code pvesh get /storage/{storage}}) and refuses a
     * storage not on this node, {@code can't upload to storage type '...'} and {@code storage '...'
     * does not support '...' content}. Then it streams the bytes on stdin to a temporary file renamed
     * over {@code <path>/snippets/<name>}
     * or {@code <path>/template/iso/<name>} (pve-storage {@code Plugin.pm} {@code $vtype_subdirs}).
     * Synchronous: the returned task has ended. The content is never logged.
     */
    @Override
    public Task uploadFile(String fileNode, String storage, StorageContent content, String filename, byte[] data) {
        StorageContent.checkUpload(this, fileNode, storage, content, filename, data);
        localNode(fileNode);
        StorageConfig config = ProxmoxReplies.storageConfig(json(read(commands.storageConfig(storage), fileNode, null),
                "storage config"));
        if (!config.availableOn(node)) {
            // PVE::Storage::storage_check_node
            throw new NotFoundException("storage '" + storage + "' is not available on node '" + node + "'", node, null);
        }
        if (config.pathIfAny().isEmpty()) {
            throw new HypervisorException("can't upload to storage type '" + config.type() + "'", node, null);
        }
        if (!config.content().contains(content.word())) {
            throw new HypervisorException("storage '" + storage + "' does not support '" + content.word() + "' content",
                    node, null);
        }
        String dir = content == StorageContent.ISO ? "/template/iso/" : "/snippets/";
        String path = config.path() + dir + filename;
        LOG.debug("{}: write {} ({} bytes on stdin)", node, path, data.length);
        CommandResult result = runner.writeFile(path, data);
        if (!result.succeeded()) {
            LOG.debug("{}: writing {} failed: exit {}", node, path, result.exitCode());
            throw QmErrors.toException(new CommandResult(result.exitCode(), "", RemoteText.printable(result.stderr())),
                    "writing " + path, node, null);
        }
        return Tasks.completed(node, null, TaskStatus.stopped(null, "OK"), List.of());
    }

    /**
     * {@code pvesh delete .../content/<volid>}: pvesh runs the {@code imgdel} worker in the
     * foreground and prints its UPID, which the returned task reads the outcome of.
     */
    @Override
    public Task deleteVolume(String fileNode, String volid) {
        String out = read(commands.deleteVolume(fileNode, volid), fileNode, null);
        Upid upid = QmOutput.lastUpid(out, "pvesh delete");
        return Tasks.polling(upid, null, this, time);
    }

    /** This node, or NotFoundException for a node the cluster does not have, or ForeignNodeException. */
    private void localNode(String requested) {
        Objects.requireNonNull(requested, "node");
        if (node.equals(requested)) {
            return;
        }
        if (listNodes().stream().noneMatch(n -> n.node().equals(requested))) {
            // pve-manager PVE::Cluster::check_node_exists
            throw new NotFoundException("no such cluster node '" + requested + "'", requested, null);
        }
        throw new ForeignNodeException(requested, node, null);
    }

    // ---- guest agent ---------------------------------------------------------------------

    @Override
    public void agentPing(VmRef vm) {
        local(vm);
        read(commands.agentCommand(vm.vmid(), "ping"), vm.node(), vm.vmid());
    }

    @Override
    public List<GuestInterface> agentNetworkInterfaces(VmRef vm) {
        local(vm);
        return ProxmoxReplies.guestInterfaces(
                json(read(commands.agentCommand(vm.vmid(), "network-get-interfaces"), vm.node(), vm.vmid()),
                        "network-get-interfaces"));
    }

    @Override
    public int agentExec(VmRef vm, List<String> command, String stdin) {
        local(vm);
        // the output is parsed as qm printed it: redacting the stdin (a secret) out of it first
        // would corrupt the reply ({"pid" : 4711} with stdin "4711"), and the command has started
        QmCommand exec = commands.agentExec(vm.vmid(), command, stdin);
        return parseOutput(exec, read(exec, vm.node(), vm.vmid()), out -> ProxmoxReplies.guestExecPid(json(out, "guest exec")));
    }

    @Override
    public GuestExecStatus agentExecStatus(VmRef vm, int pid) {
        local(vm);
        return ProxmoxReplies.guestExecStatus(json(read(commands.agentExecStatus(vm.vmid(), pid), vm.node(), vm.vmid()),
                "guest exec-status"));
    }

    @Override
    public void close() {
        runner.close();
    }

    @Override
    public String toString() {
        return "QmHypervisor[node=" + node + ", " + runner + "]";
    }

    // ---- plumbing ------------------------------------------------------------------------

    private Map<String, String> qmConfig(int vmid) {
        return QmOutput.qmConfig(read(commands.qmConfig(vmid), node, vmid));
    }

    private void local(VmRef vm) {
        local(vm.node(), vm.vmid());
    }

    private void local(String requested, int vmid) {
        if (!node.equals(requested)) {
            throw new ForeignNodeException(requested, node, vmid);
        }
    }

    /**
     * Runs a command and returns its output as it may be shown: scrubbed of the command's secrets
     * and with control characters neutralised ({@link #shown}). For messages, logs and task logs.
     */
    private CommandResult run(QmCommand command) {
        return shown(command, execute(command));
    }

    /** Runs a command and returns its output as the node printed it: for parsers only, never shown. */
    private CommandResult execute(QmCommand command) {
        LOG.debug("{}: {}", node, command);
        CommandResult raw = command.minimumTimeoutIfAny()
                .map(t -> runner.run(command.argv(), command.stdin(), t))
                .orElseGet(() -> runner.run(command.argv(), command.stdin()));
        if (raw.succeeded()) {
            LOG.debug("{}: exit 0", node);
        } else {
            LOG.debug("{}: exit {}: {}", node, raw.exitCode(),
                    QmErrors.errorText(shown(command, raw).stderr()));
        }
        return raw;
    }

    /**
     * {@code raw} as it may appear in a message or log: the command's secrets redacted in every
     * spelling ({@link QmCommand#redact}) and terminal control characters written as escapes
     * ({@link RemoteText#printable}).
     */
    private static CommandResult shown(QmCommand command, CommandResult raw) {
        return new CommandResult(raw.exitCode(), RemoteText.printable(command.redact(raw.stdout())),
                RemoteText.printable(command.redact(raw.stderr())));
    }

    /**
     * A plain command: any failure is an exception (with the output as {@link #shown}); on success
     * the output as the node printed it, for a parser. Parse errors are redacted by
     * {@link #parseOutput}.
     */
    private String read(QmCommand command, String errorNode, Integer vmid) {
        CommandResult raw = execute(command);
        if (!raw.succeeded()) {
            throw QmErrors.toException(shown(command, raw), what(command), errorNode, vmid);
        }
        return raw.stdout();
    }

    /**
     * Parses a command's raw output; a parse error that quotes the output is re-raised with the
     * command's secrets redacted and control characters neutralised (and without the original as
     * its cause, which would carry the raw text).
     */
    private static <T> T parseOutput(QmCommand command, String output, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(output);
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            String safe = RemoteText.printable(command.redact(message));
            if (safe.equals(message)) {
                throw e;
            }
            String prefix = "unexpected output from ";
            throw new UnexpectedOutputException(what(command),
                    safe.startsWith(prefix) ? safe.substring(safe.indexOf(": ") + 2) : safe);
        }
    }

    /** A command that runs a Proxmox task in the foreground and exits non-zero when it fails. */
    private Task task(QmCommand command, Integer vmid) {
        CommandResult result = run(command);
        if (result.succeeded()) {
            return succeeded(result, vmid);
        }
        return failed(command, result, vmid, null);
    }

    /**
     * A command whose exit status does not follow its task ({@code qm template}, {@code qm disk
     * resize}): stderr decides, and {@code verify} (returning null when the state is as expected,
     * else why not) re-reads the state.
     */
    private Task exitsZeroOnFailure(QmCommand command, Integer vmid, Supplier<String> verify) {
        CommandResult result = run(command);
        if (!result.succeeded() || QmErrors.reportsError(result.stderr())) {
            return failed(command, result, vmid, null);
        }
        String problem = verify.get();
        if (problem != null) {
            return failed(command, result, vmid, problem);
        }
        return succeeded(result, vmid);
    }

    private Task succeeded(CommandResult result, Integer vmid) {
        int warnings = QmErrors.warnings(result.stderr());
        return Tasks.completed(node, vmid, TaskStatus.stopped(null, warnings > 0 ? "WARNINGS: " + warnings : "OK"),
                log(result));
    }

    private Task failed(QmCommand command, CommandResult result, Integer vmid, String problem) {
        if (problem == null) {
            Optional<HypervisorException> known = QmErrors.classify(result.stderr(), node, vmid);
            if (known.isPresent()) {
                throw known.get();
            }
            if (result.exitCode() == 126 || result.exitCode() == 127) {
                // the shell could not run qm at all: not a task outcome
                throw QmErrors.toException(result, what(command), node, vmid);
            }
        }
        List<String> errors = QmErrors.meaningfulLines(result.stderr());
        String exitStatus = problem != null ? problem
                : errors.isEmpty() ? what(command) + " failed with exit status " + result.exitCode()
                : errors.get(errors.size() - 1).strip();
        List<String> log = new ArrayList<>(log(result));
        if (problem != null) {
            log.add(problem);
        }
        return Tasks.completed(node, vmid, TaskStatus.stopped(null, exitStatus), log);
    }

    private static List<String> log(CommandResult result) {
        List<String> log = new ArrayList<>(result.stdoutLines());
        log.addAll(QmErrors.meaningfulLines(result.stderr()));
        return log;
    }

    private static String what(QmCommand command) {
        List<String> argv = command.argv();
        return argv.get(0) + (argv.size() > 1 ? " " + argv.get(1) : "");
    }

    /** A command's output read as JSON: {@code pvesh} and {@code qm guest} print the API handler's return value. */
    private static JsonNode json(String output, String reply) {
        return ProxmoxReplies.parse(output, reply);
    }

    /**
     * Configures a {@link QmHypervisor}: either {@link SshSettings} or a ready {@link CommandRunner}
     * (a test double, a simulator), and optionally the node name and the time source.
     */
    public static final class Builder {
        private SshSettings ssh;
        private CommandRunner runner;
        private String node;
        private TimeSource time = TimeSource.system();

        private Builder() {
        }

        /** Reach the node over SSH with these settings. */
        public Builder ssh(SshSettings settings) {
            this.ssh = Objects.requireNonNull(settings, "ssh");
            return this;
        }

        /**
         * The clock this backend waits with (polling the {@code imgdel} task of
         * {@link QmHypervisor#deleteVolume}); the system clock by default.
         */
        public Builder time(TimeSource timeSource) {
            this.time = Objects.requireNonNull(timeSource, "time");
            return this;
        }

        /** Use this runner instead of SSH. The hypervisor closes it on {@link #close()}. */
        public Builder runner(CommandRunner commandRunner) {
            this.runner = Objects.requireNonNull(commandRunner, "runner");
            return this;
        }

        /** The node's name as Proxmox knows it; by default read from the host's {@code /etc/pve/local} link. */
        public Builder node(String nodeName) {
            this.node = QmValidation.node(nodeName);
            return this;
        }

        /**
         * Builds the hypervisor. Without {@link #node(String)} this runs {@code readlink /etc/pve/local} on the
         * host, so it connects (and may throw what connecting throws).
         */
        public QmHypervisor build() {
            if ((runner == null) == (ssh == null)) {
                throw new IllegalStateException("set either a runner or SSH settings (exactly one)");
            }
            CommandRunner r = runner != null ? runner : ssh.runner();
            String nodeName = node;
            if (nodeName == null) {
                try {
                    nodeName = askNodeName(r);
                } catch (RuntimeException e) {
                    r.close();
                    throw e;
                }
            }
            return new QmHypervisor(r, nodeName, time);
        }

        /** Names the SSH target or runner, never a secret. */
        @Override
        public String toString() {
            return "QmHypervisor.Builder[" + (ssh != null ? ssh : runner) + (node == null ? "" : ", node=" + node) + "]";
        }

        private static String askNodeName(CommandRunner r) {
            QmCommand link = QmCommands.localNodeLink();
            CommandResult result = r.run(link.argv(), link.stdin());
            if (!result.succeeded()) {
                throw QmErrors.toException(result, "readlink /etc/pve/local", null, null);
            }
            // pmxcfs's /etc/pve/local -> nodes/<nodename>: the name is the link target's last part
            String target = result.stdout().strip();
            String name = target.substring(target.lastIndexOf('/') + 1);
            if (!target.equals("nodes/" + name)) {
                throw new UnexpectedOutputException("readlink /etc/pve/local", "not pmxcfs's nodes/<node> link: " + target);
            }
            try {
                return QmValidation.node(name);
            } catch (IllegalArgumentException e) {
                throw new UnexpectedOutputException("readlink /etc/pve/local", "not a node name: " + name);
            }
        }
    }
}
