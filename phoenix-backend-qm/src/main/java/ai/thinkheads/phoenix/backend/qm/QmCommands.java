package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.hypervisor.CloneRequest;
import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.ShutdownOptions;
import ai.thinkheads.phoenix.hypervisor.Upid;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@code qm} and {@code pvesh} commands for each primitive: pure functions from a
 * request to a {@link QmCommand}, with every value validated by {@link QmValidation} first. Nothing
 * here talks to a node, so a simulator (or a test) can check what would be sent.
 *
 * <h2>Mapping rules</h2>
 * <ul>
 *   <li>{@code qm} subcommands take the API handler's parameters as {@code --name value}
 *       (pve-common {@code PVE::JSONSchema::get_options}: string options are mandatory-argument
 *       Getopt::Long options, so a value that starts with '-' is still taken as the value);
 *       positional parameters come first, as in qm's {@code $cmddef} (qemu-server
 *       {@code PVE/CLI/qm.pm}).</li>
 *   <li>Booleans are sent as {@code 1}/{@code 0}; deletions as one {@code --delete a,b}
 *       (format {@code pve-configid-list}).</li>
 *   <li>{@code sshkeys} is a file name on qm's command line ({@code param_mapping} in qm.pm reads
 *       the file and URL-encodes it), so the backend URL-decodes the API value and feeds it on
 *       standard input with {@code --sshkeys /dev/stdin}.</li>
 *   <li>{@code cipassword} is marked secret: logs and messages show it redacted. (qm has no other
 *       way to take it than the command line, so it is visible in the node's process list while
 *       {@code qm} runs; use a password hash.)</li>
 *   <li>{@code qm guest exec} takes the guest command after {@code --} (the {@code extra-args}
 *       standard option), so each of its words arrives as one argument, dashes and all.</li>
 *   <li>Reads go through {@code pvesh get <path> --output-format json}, which prints the API
 *       handler's return value as compact JSON (pve-manager {@code PVE/CLI/pvesh.pm},
 *       pve-common {@code PVE::CLIFormatter::print_api_result}).</li>
 * </ul>
 */
final class QmCommands {

    /** The options of qm create/set that are secrets. */
    static final Set<String> SECRET_KEYS = Set.of("cipassword");

    private final String node;

    public QmCommands(String node) {
        this.node = QmValidation.node(node);
    }

    public String node() {
        return node;
    }

    // ---- reads (pvesh) -----------------------------------------------------------------

    public QmCommand clusterResources(String type) {
        return pvesh("/cluster/resources", "--type", type);
    }

    public QmCommand nextId() {
        return pvesh("/cluster/nextid");
    }

    public QmCommand storages(String storageNode) {
        return pvesh("/nodes/" + QmValidation.node(storageNode) + "/storage");
    }

    /** {@code pvesh get /nodes/{node}/storage/{storage}/content --content <type>}. */
    public QmCommand storageContent(String storageNode, String storage, ai.thinkheads.phoenix.hypervisor.StorageContent content) {
        return pvesh("/nodes/" + QmValidation.node(storageNode) + "/storage/" + QmValidation.storage(storage) + "/content",
                "--content", content.word());
    }

    /** {@code pvesh get /storage/{storage}}: type, content types and path from {@code storage.cfg}. */
    public QmCommand storageConfig(String storage) {
        return pvesh("/storage/" + QmValidation.storage(storage));
    }

    /**
     * {@code pvesh delete /nodes/{node}/storage/{storage}/content/<volid>} (the volume id's slashes
     * stay: the handler takes the rest of the path). pvesh runs the {@code imgdel} task in the
     * foreground, prints its log, then its UPID.
     */
    public QmCommand deleteVolume(String storageNode, String volid) {
        int colon = volid.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not a volume id: " + volid);
        }
        return QmCommand.of(List.of("pvesh", "delete", "/nodes/" + QmValidation.node(storageNode) + "/storage/"
                + QmValidation.storage(volid.substring(0, colon)) + "/content/" + volid));
    }

    public QmCommand config(String vmNode, int vmid) {
        return pvesh("/nodes/" + QmValidation.node(vmNode) + "/qemu/" + vmid + "/config");
    }

    public QmCommand pending(String vmNode, int vmid) {
        return pvesh("/nodes/" + QmValidation.node(vmNode) + "/qemu/" + vmid + "/pending");
    }

    public QmCommand snapshots(String vmNode, int vmid) {
        return pvesh("/nodes/" + QmValidation.node(vmNode) + "/qemu/" + vmid + "/snapshot");
    }

    public QmCommand taskStatus(Upid upid) {
        return pvesh("/nodes/" + upid.node() + "/tasks/" + upid + "/status");
    }

    /** The whole log: pvesh prints only the data, not the total, so the tail is cut locally. */
    public QmCommand taskLog(Upid upid) {
        return pvesh("/nodes/" + upid.node() + "/tasks/" + upid + "/log", "--start", "0", "--limit", "1000000");
    }

    /** {@code qm config <vmid>}: the local, line-based view, used to re-check after template/resize. */
    public QmCommand qmConfig(int vmid) {
        return QmCommand.of(List.of("qm", "config", Integer.toString(vmid)));
    }

    /** {@code qm list}: the VMs on this node. */
    public QmCommand qmList() {
        return QmCommand.of(List.of("qm", "list"));
    }

    /** {@code hostname}: the node name is the short host name ({@code PVE::INotify::nodename}). */
    public static QmCommand hostname() {
        return QmCommand.of(List.of("hostname"));
    }

    // ---- mutations (qm) ----------------------------------------------------------------

    public QmCommand create(CreateRequest request) {
        Args a = new Args("qm", "create", Integer.toString(request.vmid()));
        for (String reserved : List.of("vmid", "node", "pool", "start", "digest", "delete")) {
            if (request.config().containsKey(reserved)) {
                throw new IllegalArgumentException("config key '" + reserved + "' is not a VM option");
            }
        }
        a.config(request.config());
        request.poolIfAny().ifPresent(p -> a.option("pool", QmValidation.pool(p)));
        if (request.start()) {
            a.option("start", "1");
        }
        return a.build();
    }

    public QmCommand set(int vmid, ConfigUpdate update) {
        Args a = new Args("qm", "set", Integer.toString(vmid));
        for (String reserved : List.of("vmid", "node", "digest", "delete")) {
            if (update.set().containsKey(reserved)) {
                throw new IllegalArgumentException("config key '" + reserved + "' is not a VM option");
            }
        }
        a.config(update.set());
        if (!update.delete().isEmpty()) {
            update.delete().forEach(QmValidation::configKey);
            a.option("delete", String.join(",", update.delete()));
        }
        update.digestIfAny().ifPresent(d -> a.option("digest", QmValidation.digest(d)));
        return a.build();
    }

    public QmCommand resize(int vmid, String disk, DiskSize size) {
        return new Args("qm", "disk", "resize", Integer.toString(vmid), QmValidation.disk(disk),
                QmValidation.size(size.toString())).build();
    }

    public QmCommand start(int vmid) {
        return simple("start", vmid);
    }

    public QmCommand stop(int vmid) {
        return simple("stop", vmid);
    }

    public QmCommand shutdown(int vmid, ShutdownOptions options) {
        long seconds = Math.max(1, (options.timeout().toMillis() + 999) / 1000);
        Args a = new Args("qm", "shutdown", Integer.toString(vmid));
        a.option("timeout", Long.toString(seconds));
        if (options.forceStop()) {
            a.option("forceStop", "1");
        }
        // qm waits up to the shutdown timeout (then may hard-stop): give the transport a minute more
        a.minimumTimeout = java.time.Duration.ofSeconds(seconds).plusMinutes(1);
        return a.build();
    }

    public QmCommand reboot(int vmid) {
        return simple("reboot", vmid);
    }

    public QmCommand clone(int vmid, CloneRequest request) {
        Args a = new Args("qm", "clone", Integer.toString(vmid), Integer.toString(request.newVmid()));
        if (request.name() != null) {
            a.option("name", QmValidation.name(request.name()));
        }
        request.targetNodeIfAny().ifPresent(t -> a.option("target", QmValidation.node(t)));
        a.option("full", request.full() ? "1" : "0");
        if (request.targetStorage() != null) {
            a.option("storage", QmValidation.storage(request.targetStorage()));
        }
        if (request.snapshot() != null) {
            a.option("snapname", QmValidation.snapshotName(request.snapshot()));
        }
        if (request.pool() != null) {
            a.option("pool", QmValidation.pool(request.pool()));
        }
        if (request.description() != null) {
            a.option("description", QmValidation.configValue("description", request.description()));
        }
        return a.build();
    }

    public QmCommand template(int vmid) {
        return simple("template", vmid);
    }

    public QmCommand destroy(int vmid, DestroyOptions options) {
        Args a = new Args("qm", "destroy", Integer.toString(vmid));
        if (options.purge()) {
            a.option("purge", "1");
        }
        a.option("destroy-unreferenced-disks", options.destroyUnreferencedDisks() ? "1" : "0");
        return a.build();
    }

    public QmCommand snapshot(int vmid, String name, String description, boolean withRamState) {
        Args a = new Args("qm", "snapshot", Integer.toString(vmid), QmValidation.snapshotName(name));
        if (description != null && !description.isEmpty()) {
            a.option("description", QmValidation.transmittable("description", description));
        }
        if (withRamState) {
            a.option("vmstate", "1");
        }
        return a.build();
    }

    public QmCommand rollback(int vmid, String name) {
        return new Args("qm", "rollback", Integer.toString(vmid), QmValidation.snapshotName(name)).build();
    }

    public QmCommand deleteSnapshot(int vmid, String name) {
        return new Args("qm", "delsnapshot", Integer.toString(vmid), QmValidation.snapshotName(name)).build();
    }

    public QmCommand agentCommand(int vmid, String command) {
        return new Args("qm", "guest", "cmd", Integer.toString(vmid), command).build();
    }

    /**
     * {@code qm guest exec <vmid> --synchronous 0 [--pass-stdin 1] -- <command...>}: returns the
     * guest PID at once ({@code {"pid": N}}).
     */
    public QmCommand agentExec(int vmid, List<String> command, String stdin) {
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("command: needs at least the program");
        }
        Args a = new Args("qm", "guest", "exec", Integer.toString(vmid));
        a.option("synchronous", "0");
        if (stdin != null) {
            byte[] bytes = stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (bytes.length > QmValidation.GUEST_STDIN_MAX) {
                throw new IllegalArgumentException("stdin: PVE accepts at most 64 KiB of input-data");
            }
            a.option("pass-stdin", "1");
            a.stdin = bytes;
            if (!stdin.isBlank()) {
                // a guest command's stdin is how a password reaches it (chpasswd): scrub echoes of it
                a.secrets.add(stdin);
            }
        }
        a.argv.add("--");
        for (String word : command) {
            a.argv.add(QmValidation.transmittable("command", word));
        }
        return a.build();
    }

    public QmCommand agentExecStatus(int vmid, int pid) {
        return new Args("qm", "guest", "exec-status", Integer.toString(vmid), Integer.toString(pid)).build();
    }

    // ---- helpers -----------------------------------------------------------------------

    private static QmCommand simple(String sub, int vmid) {
        return new Args("qm", sub, Integer.toString(vmid)).build();
    }

    private static QmCommand pvesh(String path, String... extra) {
        List<String> argv = new ArrayList<>(List.of("pvesh", "get", path));
        argv.addAll(List.of(extra));
        argv.add("--output-format");
        argv.add("json");
        return QmCommand.of(argv);
    }

    private static final class Args {
        final List<String> argv = new ArrayList<>();
        final Set<String> secrets = new HashSet<>();
        byte[] stdin;
        java.time.Duration minimumTimeout;

        Args(String... head) {
            argv.addAll(List.of(head));
        }

        void option(String name, String value) {
            argv.add("--" + name);
            argv.add(value);
        }

        void config(Map<String, String> config) {
            for (Map.Entry<String, String> e : config.entrySet()) {
                String key = e.getKey();
                String value = QmValidation.configValue(key, e.getValue());
                if (key.equals("sshkeys")) {
                    if (stdin != null) {
                        throw new IllegalStateException("stdin already used");
                    }
                    stdin = QmValidation.urlDecode(key, value);
                    option(key, "/dev/stdin");
                    continue;
                }
                if (SECRET_KEYS.contains(key)) {
                    secrets.add(value);
                }
                option(key, value);
            }
        }

        QmCommand build() {
            return new QmCommand(argv, stdin, secrets, minimumTimeout);
        }
    }
}
