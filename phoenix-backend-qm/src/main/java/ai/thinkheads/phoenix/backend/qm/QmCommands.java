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
 *   <li>{@code cipassword} never goes on the command line (which every user of the node sees in
 *       its process list): it is {@code --cipassword} without a value, and the password follows on
 *       standard input, as qm reads an interactive {@code pve-password} parameter when STDIN is
 *       not a terminal (see {@code Args.password}); in a {@code qm set} of its own when
 *       {@code --sshkeys /dev/stdin} already takes stdin ({@link #separatePasswordCommand}). It
 *       is marked secret: logs and messages show it redacted.</li>
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

    /** {@code pvesh get /nodes/{node}/network --type any_bridge}: the bridges a NIC on the node can join. */
    public QmCommand bridges(String bridgeNode) {
        return pvesh("/nodes/" + QmValidation.node(bridgeNode) + "/network", "--type", "any_bridge");
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
     * stay: the handler takes the rest of the path); the volume id is checked first as pve-storage
     * parses it ({@link QmValidation#volumeId}). pvesh runs the {@code imgdel} task in the
     * foreground, prints its log, then its UPID.
     */
    public QmCommand deleteVolume(String storageNode, String volid) {
        String storage = QmValidation.volumeId(volid);
        return QmCommand.of(List.of("pvesh", "delete", "/nodes/" + QmValidation.node(storageNode) + "/storage/"
                + QmValidation.storage(storage) + "/content/" + volid));
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

    /**
     * {@code readlink /etc/pve/local}: pmxcfs links {@code local} to {@code nodes/<nodename>}, the
     * node's name as Proxmox knows it (pve-cluster {@code src/pmxcfs/pmxcfs.c}: {@code main} takes
     * {@code uname}'s node name up to the first dot and passes it to {@code create_symlinks}). Unlike
     * {@code hostname}, it needs no tool beyond coreutils and answers only where pmxcfs runs.
     */
    public static QmCommand localNodeLink() {
        return QmCommand.of(List.of("readlink", "/etc/pve/local"));
    }

    // ---- mutations (qm) ----------------------------------------------------------------

    /**
     * {@code qm create}. When {@code cipassword} needs a command of its own
     * ({@link #separatePasswordCommand}), it is left out here, and so is {@code --start}: the
     * caller sets the password, then starts the VM.
     */
    public QmCommand create(CreateRequest request) {
        Args a = new Args("qm", "create", Integer.toString(request.vmid()));
        for (String reserved : List.of("vmid", "node", "pool", "start", "digest", "delete")) {
            if (request.config().containsKey(reserved)) {
                throw new IllegalArgumentException("config key '" + reserved + "' is not a VM option");
            }
        }
        a.config(request.config());
        request.poolIfAny().ifPresent(p -> a.option("pool", QmValidation.pool(p)));
        if (request.start() && separatePasswordCommand(request.vmid(), request.config()).isEmpty()) {
            a.option("start", "1");
        }
        return a.build();
    }

    /**
     * The {@code qm set <vmid> --cipassword} that {@code config} needs on its own, with the
     * password on standard input: present only when {@code config} sets both {@code cipassword}
     * and {@code sshkeys}, because {@code --sshkeys /dev/stdin} already takes standard input (qm
     * reads the password first, through Perl's buffered STDIN, so the two cannot share it:
     * pve-common {@code PVE::RESTHandler::cli_handler} runs {@code get_options}, which calls the
     * interactive mappings, before {@code replace_file_names_with_contents}). {@link #create} and
     * {@link #set} leave the password out in that case.
     */
    public java.util.Optional<QmCommand> separatePasswordCommand(int vmid, Map<String, String> config) {
        String password = config.get("cipassword");
        if (password == null || !config.containsKey("sshkeys")) {
            return java.util.Optional.empty();
        }
        Args a = new Args("qm", "set", Integer.toString(vmid));
        a.password(QmValidation.configValue("cipassword", password));
        return java.util.Optional.of(a.build());
    }

    /**
     * {@code qm set}; without {@code cipassword} when it needs a command of its own
     * ({@link #separatePasswordCommand}), which the caller runs after this one.
     */
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
                    // never on the command line; on stdin here, or in a command of its own
                    if (!config.containsKey("sshkeys")) {
                        password = value;
                    }
                    continue;
                }
                option(key, value);
            }
        }

        /**
         * {@code --cipassword} without a value, the password on stdin: qm.pm maps cipassword
         * through pve-common's {@code pve-password} standard mapping ({@code PVE::CLIHandler}
         * {@code $standard_mappings}, {@code interactive => 1}), so {@code PVE::JSONSchema::get_options}
         * declares it {@code cipassword:s} and, the value being empty (false in Perl), calls the
         * mapping's func, {@code PVE::PTY::get_confirmed_password}: {@code read_password} twice
         * ("Enter new password: ", "Retype new password: "), each of which, when STDIN is not a
         * terminal ({@code !-t $infd}), reads one line and chomps it; the two must match. So the
         * password goes twice, each followed by a line feed; it has none itself
         * ({@link QmValidation#configValue}). Added last, so no following word can be taken for
         * the option's optional value.
         */
        void password(String value) {
            password = value;
        }

        private String password;

        QmCommand build() {
            if (password != null) {
                if (stdin != null) {
                    throw new IllegalStateException("stdin already used");
                }
                argv.add("--cipassword");
                stdin = (password + "\n" + password + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                secrets.add(password);
            }
            return new QmCommand(argv, stdin, secrets, minimumTimeout);
        }
    }
}
