package ai.thinkheads.phoenix.testkit.simulator.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code qm}, after qemu-server {@code src/PVE/CLI/qm.pm}: each entry of its {@code $cmddef}
 * becomes the API call of the handler it names (same parameter names, same positional
 * arguments), followed by the entry's output printer. Commands with {@code $upid_exit} exit 255
 * when their task fails; {@code template} and {@code disk resize} have none and exit 0 regardless.
 * Each entry has one mapping from the parsed command line to its API call; running the command and
 * translating it without running ({@link QmCommandLines}) both use it.
 *
 * <p>Supported: list, create, set, config, pending, status, start, stop, shutdown, reboot, reset,
 * suspend, resume, destroy, clone, template, disk resize (alias resize), snapshot, delsnapshot,
 * rollback, listsnapshot, guest cmd (alias agent), guest exec, guest exec-status, wait, cloudinit
 * dump. Anything else is {@code unknown command} (exit 255).
 */
final class Qm {

    @FunctionalInterface
    private interface Handler {
        void run(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit, InterruptedException;
    }

    /** The API call a command line stands for: the first (and mostly only) request the command sends. */
    record Call(String method, String path, Map<String, List<String>> params) {
    }

    /**
     * Where a command reads its inputs from: standard input ({@code qm guest exec --pass-stdin}) and
     * the files named by qm.pm's {@code param_mapping} ({@code --sshkeys <file>}).
     */
    interface Inputs {
        byte[] stdin(int limit) throws Session.Exit;

        byte[] file(String path) throws Session.Exit;

        /** The {@code pve-password} mapping's prompt (PVE::PTY::get_confirmed_password), answered on STDIN. */
        String password(String parameter) throws Session.Exit;
    }

    /** Turns a parsed command line into its API call; shared by running and {@link QmCommandLines}. */
    @FunctionalInterface
    private interface Mapper {
        Call map(String nodePath, CommandSpec.Parsed p, Inputs in) throws Session.Exit;
    }

    private record Command(CommandSpec spec, Mapper mapper, Handler handler) {
    }

    private static final String[] CREATE_BOOLEANS = {"acpi:b", "autostart:b", "ciupgrade:b", "force:b", "freeze:b",
        "keephugepages:b", "kvm:b", "live-restore:b", "localtime:b", "numa:b", "onboot:b", "protection:b", "reboot:b",
        "start:b", "tablet:b", "tdf:b", "template:b", "unique:b", "nameserver:l", "tags:l", "cipassword:o"};
    private static final String[] SET_BOOLEANS = {"acpi:b", "autostart:b", "ciupgrade:b", "force:b", "freeze:b",
        "keephugepages:b", "kvm:b", "localtime:b", "numa:b", "onboot:b", "protection:b", "reboot:b", "skiplock:b",
        "tablet:b", "tdf:b", "template:b", "delete:l", "revert:l", "nameserver:l", "tags:l", "cipassword:o"};

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = Map.of("resize", "disk resize", "agent", "guest cmd");
    private static final List<String> GROUPS = List.of("guest", "disk", "cloudinit");

    private static void def(String name, List<String> args, boolean open, Mapper m, Handler h, String... options) {
        StringBuilder usage = new StringBuilder("qm ").append(name);
        args.forEach(a -> usage.append(a.equals("extra-args") ? " [<extra-args>]" : " <" + a + ">"));
        if (options.length > 0 || open) {
            usage.append(" [OPTIONS]");
        }
        COMMANDS.put(name, new Command(CommandSpec.of(usage.toString(), args, open, options), m, h));
    }

    static {
        def("list", List.of(), false, node("GET", "/qemu"), Qm::list, "full:b");
        def("create", List.of("vmid"), true, Qm::createCall, Qm::create, CREATE_BOOLEANS);
        def("set", List.of("vmid"), true, Qm::setCall, Qm::set, SET_BOOLEANS);
        def("config", List.of("vmid"), false, vm("GET", "/config", true), Qm::config, "current:b", "snapshot");
        def("pending", List.of("vmid"), false, vm("GET", "/pending", false), Qm::pending);
        def("status", List.of("vmid"), false, vm("GET", "/status/current", false), Qm::status, "verbose:b");
        def("start", List.of("vmid"), false, vm("POST", "/status/start", true), Qm::power, "skiplock:b", "targetstorage:l", "force-cpu", "machine",
                "migratedfrom", "migration_network", "migration_type", "nets-host-mtu", "stateuri", "timeout");
        def("stop", List.of("vmid"), false, vm("POST", "/status/stop", true), Qm::power, "keepActive:b", "overrule-shutdown:b", "skiplock:b",
                "migratedfrom", "timeout");
        def("shutdown", List.of("vmid"), false, vm("POST", "/status/shutdown", true), Qm::power, "forceStop:b", "keepActive:b", "skiplock:b", "timeout");
        def("reboot", List.of("vmid"), false, vm("POST", "/status/reboot", true), Qm::power, "timeout");
        def("reset", List.of("vmid"), false, vm("POST", "/status/reset", true), Qm::power, "skiplock:b");
        def("suspend", List.of("vmid"), false, vm("POST", "/status/suspend", true), Qm::power, "skiplock:b", "todisk:b", "statestorage");
        def("resume", List.of("vmid"), false, vm("POST", "/status/resume", true), Qm::power, "nocheck:b", "skiplock:b");
        def("destroy", List.of("vmid"), false, vm("DELETE", "", true), Qm::destroy, "destroy-unreferenced-disks:b", "purge:b", "skiplock:b");
        def("clone", List.of("vmid", "newid"), false, vm("POST", "/clone", true, "newid"), Qm::cloneVm, "full:b", "bwlimit", "description", "format", "name",
                "pool", "snapname", "storage", "target");
        def("template", List.of("vmid"), false, vm("POST", "/template", true), Qm::template, "disk");
        def("disk resize", List.of("vmid", "disk", "size"), false, vm("PUT", "/resize", true, "disk", "size"), Qm::resize, "skiplock:b", "digest");
        def("snapshot", List.of("vmid", "snapname"), false, vm("POST", "/snapshot", true, "snapname"), Qm::snapshot, "vmstate:b", "description");
        def("delsnapshot", List.of("vmid", "snapname"), false, snap("DELETE", ""), Qm::delsnapshot, "force:b");
        def("rollback", List.of("vmid", "snapname"), false, snap("POST", "/rollback"), Qm::rollback, "start:b");
        def("listsnapshot", List.of("vmid"), false, vm("GET", "/snapshot", false), Qm::listsnapshot);
        def("guest cmd", List.of("vmid", "command"), false, vm("POST", "/agent", true, "command"), Qm::guestCmd);
        def("guest exec", List.of("vmid", "extra-args"), false, Qm::execCall, Qm::guestExec, "synchronous:b", "pass-stdin:b", "timeout");
        def("guest exec-status", List.of("vmid", "pid"), false, vm("GET", "/agent/exec-status", true, "pid"), Qm::guestExecStatus);
        def("wait", List.of("vmid"), false, vm("GET", "/status/current", false), Qm::waitStopped, "timeout");
        def("cloudinit dump", List.of("vmid", "type"), false, vm("GET", "/cloudinit/dump", true, "type"), Qm::cloudinitDump);
    }

    private final Session s;
    private final String nodePath;

    Qm(Session s) {
        this.s = s;
        this.nodePath = "/nodes/" + Session.seg(s.cli.node());
    }

    int run(List<String> argv) throws Session.Exit, InterruptedException {
        Resolved r;
        try {
            r = resolve(argv);
        } catch (Refusal e) {
            throw e.parseError != null ? s.parseError(e.parseError, e.usage) : abort(e.getMessage());
        }
        for (String id : List.of("vmid", "newid")) {
            String v = r.parsed.args().get(id);
            if (v != null) {
                checkVmid(id, v, r.command.spec.usage);
            }
        }
        Call call = r.command.mapper.map(nodePath, r.parsed, sessionInputs());
        r.command.handler.run(this, r.command.spec, r.parsed, call);
        return 0;
    }

    /**
     * The API call {@code argv} (the words after {@code qm}) stands for on node {@code node},
     * without running it: the same parsing and mapping as {@link #run}, with {@code stdin} as
     * standard input and as the file {@code /dev/stdin}.
     *
     * @throws IllegalArgumentException when qm would refuse the command line before calling the API
     */
    static Call call(List<String> argv, String node, byte[] stdin) {
        Resolved r;
        try {
            r = resolve(argv);
        } catch (Refusal e) {
            throw new IllegalArgumentException(e.parseError == null ? e.getMessage()
                    : String.join("; ", e.parseError.warnings) + (e.parseError.warnings.isEmpty() ? "" : "; ")
                    + e.parseError.getMessage() + " (" + e.usage + ")");
        }
        java.io.ByteArrayInputStream input = new java.io.ByteArrayInputStream(stdin);
        boolean[] passwordRead = {false};
        Inputs given = new Inputs() {
            @Override
            public byte[] stdin(int limit) {
                if (stdin.length > limit) {
                    throw new IllegalArgumentException("'input-data' (STDIN) is limited to 1 MiB, aborting");
                }
                return stdin.clone();
            }

            @Override
            public byte[] file(String path) {
                if (!path.equals("/dev/stdin")) {
                    throw new IllegalArgumentException("qm would read the file '" + path
                            + "' on the node; only /dev/stdin can be translated");
                }
                if (passwordRead[0]) {
                    throw new IllegalArgumentException(PASSWORD_THEN_FILE);
                }
                return stdin.clone();
            }

            @Override
            public String password(String parameter) {
                passwordRead[0] = true;
                try {
                    return confirmedPassword(input);
                } catch (IOException e) {
                    throw new IllegalArgumentException(e.getMessage());
                }
            }
        };
        try {
            return r.command.mapper.map("/nodes/" + Session.seg(node), r.parsed, given);
        } catch (Session.Exit e) {
            throw new IllegalStateException("translation does not exit", e);
        }
    }

    private record Resolved(Command command, CommandSpec.Parsed parsed) {
    }

    /** qm refuses the command line before any API call: an abort reason, or a Getopt failure. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final transient CommandSpec.ParseError parseError;
        final String usage;

        Refusal(String reason, CommandSpec.ParseError parseError, String usage) {
            super(reason, null, false, false);
            this.parseError = parseError;
            this.usage = usage;
        }
    }

    /** qm.pm's {@code $cmddef} lookup (with aliases and command groups) and {@code get_options}. */
    private static Resolved resolve(List<String> argv) throws Refusal {
        if (argv.isEmpty()) {
            throw new Refusal("no command specified", null, null);
        }
        String name = argv.get(0);
        int used = 1;
        if (ALIASES.containsKey(name)) {
            name = ALIASES.get(name);
        } else if (GROUPS.contains(name)) {
            if (argv.size() < 2) {
                throw new Refusal("incomplete command 'qm " + name + "'", null, null);
            }
            name = name + " " + argv.get(1);
            used = 2;
        }
        Command c = COMMANDS.get(name);
        if (c == null) {
            throw new Refusal("unknown command 'qm " + name + "'", null, null);
        }
        try {
            return new Resolved(c, c.spec.parse(argv.subList(used, argv.size())));
        } catch (CommandSpec.ParseError e) {
            throw new Refusal(e.getMessage(), e, c.spec.usage);
        }
    }

    /** Inputs of a running command: its session's stdin (also as the file {@code /dev/stdin}); the simulated node has no other files to read. */
    private Inputs sessionInputs() {
        return new Inputs() {
            @Override
            public byte[] stdin(int limit) throws Session.Exit {
                byte[] input;
                try {
                    input = s.stdin.readNBytes(limit + 1);
                } catch (IOException e) {
                    throw s.die("reading STDIN failed - " + e.getMessage());
                }
                if (input.length > limit) {
                    throw s.die("'input-data' (STDIN) is limited to 1 MiB, aborting");
                }
                return input;
            }

            @Override
            public byte[] file(String path) throws Session.Exit {
                if (path.equals("/dev/stdin")) {
                    if (passwordRead) {
                        throw s.die(PASSWORD_THEN_FILE);
                    }
                    // qm.pm param_mapping reads the file with PVE::Tools::file_get_contents: /dev/stdin is the command's stdin
                    return stdin(1024 * 1024);
                }
                throw s.die("unable to open file '" + path + "' - No such file or directory");
            }

            private boolean passwordRead;

            @Override
            public String password(String parameter) throws Session.Exit {
                passwordRead = true;
                try {
                    return confirmedPassword(s.stdin);
                } catch (IOException e) {
                    throw s.die(e.getMessage());
                }
            }
        };
    }

    /** Why the simulator refuses {@code --sshkeys /dev/stdin} after a password was read from stdin. */
    private static final String PASSWORD_THEN_FILE = "simulator: --sshkeys /dev/stdin after a password read from STDIN:"
            + " qm reads the password through Perl's buffered STDIN first, so what is left for /dev/stdin is undefined";

    /**
     * pve-common {@code PVE::PTY::get_confirmed_password} with STDIN not a terminal (an SSH exec
     * channel has none): {@code read_password} twice, each reading one line ({@code $/ = "\n"})
     * and chomping it; {@code EOF while reading password} when there is no line, and
     * {@code passwords do not match} when the two differ. Reads byte by byte so nothing past the
     * second line is taken (Perl would buffer more; see {@link #PASSWORD_THEN_FILE}).
     */
    static String confirmedPassword(java.io.InputStream in) throws IOException {
        String first = passwordLine(in);
        String second = passwordLine(in);
        if (!first.equals(second)) {
            throw new IOException("passwords do not match");
        }
        return first;
    }

    private static String passwordLine(java.io.InputStream in) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        int b;
        boolean any = false;
        while ((b = in.read()) >= 0) {
            any = true;
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        if (!any) {
            throw new IOException("EOF while reading password");
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    // ---- API calls of the commands -----------------------------------------------------------------

    /** A call on the node itself, with the options as parameters. */
    private static Mapper node(String method, String suffix) {
        return (nodePath, p, in) -> new Call(method, nodePath + suffix, p.options());
    }

    /**
     * A call on the VM ({@code .../qemu/<vmid><suffix>}); its parameters are the options (when
     * {@code withOptions}: some options, such as {@code qm status --verbose}, are qm's own) and the
     * named positional arguments.
     */
    private static Mapper vm(String method, String suffix, boolean withOptions, String... positionals) {
        return (nodePath, p, in) -> {
            Map<String, List<String>> params = new LinkedHashMap<>(withOptions ? p.options() : Map.of());
            for (String a : positionals) {
                params.put(a, List.of(p.args().get(a)));
            }
            return new Call(method, vmPath(nodePath, p) + suffix, params);
        };
    }

    /** A call on a snapshot ({@code .../snapshot/<snapname><suffix>}) with the options. */
    private static Mapper snap(String method, String suffix) {
        return (nodePath, p, in) -> new Call(method,
                vmPath(nodePath, p) + "/snapshot/" + Session.seg(p.args().get("snapname")) + suffix, p.options());
    }

    private static Call createCall(String nodePath, CommandSpec.Parsed p, Inputs in) throws Session.Exit {
        Map<String, List<String>> params = new LinkedHashMap<>(p.options());
        params.put("vmid", List.of(p.args().get("vmid")));
        return new Call("POST", nodePath + "/qemu", mapFiles(params, in));
    }

    private static Call setCall(String nodePath, CommandSpec.Parsed p, Inputs in) throws Session.Exit {
        return new Call("PUT", vmPath(nodePath, p) + "/config", mapFiles(new LinkedHashMap<>(p.options()), in));
    }

    /**
     * qm.pm {@code param_mapping} for create_vm/update_vm: {@code --sshkeys} names a file that qm
     * reads and passes on as {@code URI::Escape::uri_escape(file_get_contents($file))};
     * {@code --cipassword} without a true value is read from STDIN ({@link #confirmedPassword}).
     */
    private static Map<String, List<String>> mapFiles(Map<String, List<String>> params, Inputs in) throws Session.Exit {
        // the pve-password mapping: "return $value if $value;" (Perl: "" and "0" are false), else
        // get_confirmed_password; get_options runs it before the file mappings (RESTHandler cli_handler)
        List<String> password = params.get("cipassword");
        if (password != null && !password.isEmpty()) {
            String v = password.get(password.size() - 1);
            if (v.isEmpty() || v.equals("0")) {
                params.put("cipassword", List.of(in.password("cipassword")));
            }
        }
        List<String> files = params.get("sshkeys");
        if (files != null && !files.isEmpty()) {
            params.put("sshkeys", List.of(uriEscape(in.file(files.get(files.size() - 1)))));
        }
        return params;
    }

    /**
     * qm.pm {@code exec}: {@code POST .../agent/exec} with the words after {@code --} as
     * {@code command} and, with {@code --pass-stdin}, standard input (at most 1 MiB) as
     * {@code input-data}; {@code --synchronous}, {@code --timeout} and {@code --pass-stdin} are
     * qm's own.
     */
    private static Call execCall(String nodePath, CommandSpec.Parsed p, Inputs in) throws Session.Exit {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (!p.extraArgs().isEmpty()) {
            params.put("command", p.extraArgs());
        }
        if (p.flag("pass-stdin")) {
            params.put("input-data", List.of(new String(in.stdin(1024 * 1024), StandardCharsets.UTF_8)));
        }
        return new Call("POST", vmPath(nodePath, p) + "/agent/exec", params);
    }

    private static String vmPath(String nodePath, CommandSpec.Parsed p) {
        return nodePath + "/qemu/" + p.args().get("vmid");
    }

    /** {@code URI::Escape::uri_escape}: every byte outside {@code A-Za-z0-9-._~} as {@code %XX}. */
    static String uriEscape(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return sb.toString();
    }

    private JsonNode data(Call call, String usage) throws Session.Exit {
        return s.data(call.method(), call.path(), call.params(), usage);
    }

    /** pve-common CLIHandler {@code $abort}: the reason and the usage to stderr, exit(-1). */
    private Session.Exit abort(String reason) {
        s.err("ERROR: " + reason + "\nUSAGE: qm <COMMAND> [ARGS] [OPTIONS]\n");
        return new Session.Exit(CliInterpreter.EXIT_DIE);
    }

    /** The {@code pve-vmid} standard option: integer, 100 to 999999999 (JSONSchema check_type/check_prop). */
    private void checkVmid(String name, String v, String usage) throws Session.Exit {
        String msg = null;
        if (!v.matches("[+-]?\\d+")) {
            msg = "type check ('integer') failed - got '" + v + "'";
        } else if (Long.parseLong(v.replace("+", "")) < 100) {
            msg = "value must have a minimum value of 100";
        } else if (v.length() > 10 || Long.parseLong(v.replace("+", "")) > 999_999_999L) {
            msg = "value must have a maximum value of 999999999";
        }
        if (msg != null) {
            throw s.paramError(Map.of(name, msg), usage);
        }
    }

    /** A task-starting call followed in the foreground; {@code upidExit} is qm.pm's {@code $upid_exit}. */
    private void task(Call call, String usage, boolean upidExit) throws Session.Exit, InterruptedException {
        JsonNode data = data(call, usage);
        if (!Session.isUpid(data)) {
            return; // a handler that finished synchronously (e.g. an older resize)
        }
        String exit = s.followTask(data.textValue());
        if (upidExit && Session.isError(exit)) {
            throw new Session.Exit(CliInterpreter.EXIT_DIE);
        }
    }

    // ---- commands --------------------------------------------------------------------------------

    /** qm.pm cmddef {@code list}: printf {@code %10s %-20s %-10s %-10s %12.2f %-10s}, nothing when empty. */
    private static void list(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit {
        JsonNode vms = qm.data(call, spec.usage);
        if (vms.isEmpty()) {
            return;
        }
        List<JsonNode> rows = new ArrayList<>();
        vms.forEach(rows::add);
        rows.sort(Comparator.comparingLong(r -> r.path("vmid").asLong()));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%10s %-20s %-10s %-10s %12s %-10s%n",
                "VMID", "NAME", "STATUS", "MEM(MB)", "BOOTDISK(GB)", "PID").replace(System.lineSeparator(), "\n"));
        for (JsonNode r : rows) {
            String status = Session.text(r.get("qmpstatus"));
            if (status.isEmpty() || status.equals("0")) {
                status = Session.text(r.get("status"));
            }
            String pid = Session.text(r.get("pid"));
            sb.append(String.format(Locale.ROOT, "%10s %-20s %-10s %-10s %12.2f %-10s", Session.text(r.get("vmid")),
                    Session.text(r.get("name")), status,
                    PerlJson.perlNumber(r.path("maxmem").asDouble(0) / (1024 * 1024)),
                    r.path("maxdisk").asDouble(0) / (1024 * 1024 * 1024),
                    pid.isEmpty() || pid.equals("0") ? "0" : pid)).append('\n');
        }
        qm.s.out(sb.toString());
    }

    private static void create(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit, InterruptedException {
        qm.task(call, spec.usage, true);
    }

    /** {@code update_vm}: synchronous PUT, prints nothing on success. */
    private static void set(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit {
        qm.data(call, spec.usage);
    }

    /** qm.pm cmddef {@code config}: sorted {@code key: value}, no digest, description through encode_text. */
    private static void config(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit {
        JsonNode conf = qm.data(call, spec.usage);
        StringBuilder sb = new StringBuilder();
        for (String k : sortedKeys(conf)) {
            if (k.equals("digest")) {
                continue;
            }
            String v = Session.text(conf.get(k));
            if (k.equals("description")) {
                v = encodeText(v);
            }
            sb.append(k).append(": ").append(v).append('\n');
        }
        qm.s.out(sb.toString());
    }

    /** pve-guest-common {@code PVE::GuestHelpers::format_pending}. */
    private static void pending(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit {
        JsonNode items = qm.data(call, spec.usage);
        List<JsonNode> sorted = new ArrayList<>();
        items.forEach(sorted::add);
        sorted.sort(Comparator.comparing(i -> i.path("key").asText()));
        StringBuilder sb = new StringBuilder();
        for (JsonNode item : sorted) {
            String k = item.path("key").asText();
            if (k.equals("digest")) {
                continue;
            }
            String v = item.hasNonNull("value") ? Session.text(item.get("value")) : null;
            String pend = item.hasNonNull("pending") ? Session.text(item.get("pending")) : null;
            if (k.equals("description")) {
                v = v == null ? null : encodeText(v);
                pend = pend == null ? null : encodeText(pend);
            }
            boolean delete = item.path("delete").asInt(0) != 0;
            if (v != null) {
                if (delete) {
                    sb.append("del ").append(k).append(": ").append(v).append('\n');
                } else {
                    sb.append("cur ").append(k).append(": ").append(v).append('\n');
                    if (pend != null) {
                        sb.append("new ").append(k).append(": ").append(pend).append('\n');
                    }
                }
            } else if (pend != null) {
                sb.append("new ").append(k).append(": ").append(pend).append('\n');
            }
        }
        qm.s.out(sb.toString());
    }

    /**
     * qm.pm {@code status}: {@code status: <qmpstatus>} (vmstatus falls back to {@code status}, see
     * QemuServer.pm vmstatus), or with {@code --verbose} every field via {@code print_recursive_hash}.
     */
    private static void status(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit {
        JsonNode st = qm.data(call, spec.usage);
        if (p.flag("verbose")) {
            StringBuilder sb = new StringBuilder();
            for (String k : sortedKeys(st)) {
                if (!k.equals("cpu") && !k.equals("relcpu")) {
                    printRecursive(sb, "", st.get(k), k);
                }
            }
            qm.s.out(sb.toString());
            return;
        }
        String status = Session.text(st.get("qmpstatus"));
        if (status.isEmpty()) {
            status = Session.text(st.get("status"));
        }
        qm.s.out("status: " + (status.isEmpty() ? "unknown" : status) + "\n");
    }

    /** qm.pm {@code print_recursive_hash}. */
    private static void printRecursive(StringBuilder sb, String prefix, JsonNode v, String key) {
        if (v == null || v.isNull()) {
            return;
        }
        if (v.isObject()) {
            if (key != null) {
                sb.append(prefix).append(key).append(":\n");
            }
            for (String k : sortedKeys(v)) {
                printRecursive(sb, "\t" + prefix, v.get(k), k);
            }
        } else if (v.isArray()) {
            if (key != null) {
                sb.append(prefix).append(key).append(":\n");
            }
            v.forEach(item -> printRecursive(sb, "\t" + prefix, item, null));
        } else {
            String text = v.isBoolean() ? (v.booleanValue() ? "1" : "0") : Session.text(v);
            sb.append(prefix).append(key == null ? "" : key + ": ").append(text).append('\n');
        }
    }

    /** The power commands: their task in the foreground, {@code $upid_exit}. */
    private static void power(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit, InterruptedException {
        qm.task(call, spec.usage, true);
    }

    private static void destroy(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit, InterruptedException {
        qm.task(call, spec.usage, true);
    }

    private static void cloneVm(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit, InterruptedException {
        qm.task(call, spec.usage, true);
    }

    /** cmddef {@code template} has no {@code $upid_exit}: a failed task still exits 0. */
    private static void template(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit, InterruptedException {
        qm.task(call, spec.usage, false);
    }

    /** cmddef {@code disk resize} has no {@code $upid_exit}: a failed task still exits 0. */
    private static void resize(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit, InterruptedException {
        qm.task(call, spec.usage, false);
    }

    private static void snapshot(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit, InterruptedException {
        qm.task(call, spec.usage, true);
    }

    private static void delsnapshot(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit, InterruptedException {
        qm.task(call, spec.usage, true);
    }

    private static void rollback(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit, InterruptedException {
        qm.task(call, spec.usage, true);
    }

    /** pve-guest-common {@code PVE::GuestHelpers::print_snapshot_tree}. */
    private static void listsnapshot(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit {
        JsonNode list = qm.data(call, spec.usage);
        Map<String, JsonNode> byName = new HashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        List<String> roots = new ArrayList<>();
        list.forEach(e -> byName.put(e.path("name").asText(), e));
        for (JsonNode e : list) {
            String parent = e.path("parent").asText("");
            if (!parent.isEmpty() && byName.containsKey(parent)) {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(e.path("name").asText());
            } else {
                roots.add(e.path("name").asText());
            }
        }
        Comparator<String> bySnaptime = (a, b) -> {
            JsonNode ta = byName.get(a).get("snaptime");
            JsonNode tb = byName.get(b).get("snaptime");
            if (ta == null || ta.isNull()) {
                return 1;
            }
            if (tb == null || tb.isNull()) {
                return -1;
            }
            return Long.compare(ta.asLong(), tb.asLong());
        };
        StringBuilder sb = new StringBuilder();
        roots.sort(bySnaptime);
        for (String root : roots) {
            qm.snapshotTree(sb, "`->", root, byName, children, bySnaptime);
        }
        qm.s.out(sb.toString());
    }

    private void snapshotTree(StringBuilder sb, String prefix, String name, Map<String, JsonNode> byName,
                              Map<String, List<String>> children, Comparator<String> order) {
        JsonNode e = byName.get(name);
        String description = e.path("description").asText("");
        if (description.isEmpty() || description.equals("0")) {
            description = "no-description";
        }
        String[] lines = description.split("\n", -1);
        description = lines[lines.length - 1]; // Perl's m/(.*)$/m matches the last line
        String time = "";
        if (e.hasNonNull("snaptime")) {
            time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
                    .format(Instant.ofEpochSecond(e.get("snaptime").asLong()).atZone(s.cli.zone()));
        }
        int len = Math.max(0, 30 - prefix.length());
        String padded = len == 0 ? name : String.format(Locale.ROOT, "%-" + len + "s", name);
        sb.append(String.format(Locale.ROOT, "%s %s %-23s %s", prefix, padded, time, description)).append('\n');
        List<String> kids = new ArrayList<>(children.getOrDefault(name, List.of()));
        kids.sort(order);
        for (String child : kids) {
            snapshotTree(sb, " " + prefix, child, byName, children, order);
        }
    }

    /** The {@code agent} handler (POST .../agent {command}), printed by qm.pm {@code $print_agent_result}. */
    private static void guestCmd(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit {
        JsonNode res = qm.data(call, spec.usage);
        qm.printAgentResult(res);
    }

    private static void guestExecStatus(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit {
        JsonNode res = qm.data(call, spec.usage);
        qm.printAgentResult(res);
    }

    /**
     * qm.pm {@code exec}: starts the command through the API ({@code POST .../agent/exec} with
     * {@code command} and {@code input-data}), then, when synchronous (the default), polls
     * {@code GET .../agent/exec-status} once a second until it exited or {@code --timeout} (30 s,
     * 0 = forever) passed; on timeout it warns and returns the pid.
     */
    private static void guestExec(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit, InterruptedException {
        boolean sync = !"0".equals(p.option("synchronous"));
        String timeoutText = p.option("timeout");
        if (timeoutText != null && !sync) {
            throw qm.s.paramError(Map.of("synchronous", "needs to be set for 'timeout'"), spec.usage);
        }
        long timeout = 30;
        if (timeoutText != null) {
            if (!timeoutText.matches("\\d+")) {
                throw qm.s.paramError(Map.of("timeout", "type check ('integer') failed - got '" + timeoutText + "'"), spec.usage);
            }
            timeout = Long.parseLong(timeoutText);
        }
        JsonNode res = qm.data(call, spec.usage);
        if (sync) {
            String pid = Session.text(res.get("pid"));
            Instant start = qm.s.cli.time().now();
            while (timeout == 0 || Duration.between(start, qm.s.cli.time().now()).getSeconds() < timeout) {
                JsonNode out = qm.s.data("GET", call.path() + "-status", Session.params("pid", pid), spec.usage);
                JsonNode st = out.has("result") && out.get("result").isObject() ? out.get("result") : out;
                if (truthy(st.get("exited"))) {
                    res = st;
                    break;
                }
                qm.s.cli.time().sleep(Duration.ofSeconds(1));
            }
            if (!truthy(res.get("exited"))) {
                qm.s.err("timeout reached, returning pid\n");
            }
        }
        qm.printAgentResult(res);
    }

    private static boolean truthy(JsonNode v) {
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String t = v.asText();
        return !t.isEmpty() && !t.equals("0");
    }

    /** qm.pm {@code $print_agent_result}: result (or the data itself) as pretty canonical JSON; strings raw. */
    private void printAgentResult(JsonNode data) {
        JsonNode result = data.has("result") ? data.get("result") : data;
        if (result == null || result.isNull() || result.isMissingNode()) {
            return;
        }
        if (result.isValueNode()) {
            String text = Session.text(result);
            if (text.endsWith("\n")) {
                text = text.substring(0, text.length() - 1);
            }
            if (!text.isBlank()) {
                s.out(text + "\n");
            }
            return;
        }
        if (result.isObject() && result.isEmpty()) {
            return;
        }
        s.out(PerlJson.pretty(result));
    }

    /** qm.pm {@code wait}: returns at once when stopped, else polls once a second. */
    private static void waitStopped(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit, InterruptedException {
        String timeoutText = p.option("timeout");
        long timeout = 0;
        if (timeoutText != null) {
            if (!timeoutText.matches("[+]?\\d+")) {
                throw qm.s.paramError(Map.of("timeout", "type check ('integer') failed - got '" + timeoutText + "'"), spec.usage);
            }
            timeout = Long.parseLong(timeoutText.replace("+", ""));
            if (timeout < 1) {
                throw qm.s.paramError(Map.of("timeout", "value must have a minimum value of 1"), spec.usage);
            }
        }
        String path = call.path();
        JsonNode st = qm.data(call, spec.usage);
        if (!"running".equals(st.path("status").asText())) {
            return;
        }
        qm.s.out("waiting until VM " + p.args().get("vmid") + " stops (PID " + Session.text(st.get("pid")) + ")\n");
        long count = 0;
        boolean running = true;
        while ((timeout == 0 || count < timeout) && running) {
            count++;
            qm.s.cli.time().sleep(Duration.ofSeconds(1));
            running = "running".equals(qm.s.data("GET", path, Map.of(), spec.usage).path("status").asText());
        }
        if (running) {
            throw qm.s.die("wait failed - got timeout");
        }
    }

    /** cmddef {@code cloudinit dump}: {@code print "$_[0]\n"}. */
    private static void cloudinitDump(Qm qm, CommandSpec spec, CommandSpec.Parsed p, Call call) throws Session.Exit {
        JsonNode doc = qm.data(call, spec.usage);
        qm.s.out(Session.text(doc) + "\n");
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static List<String> sortedKeys(JsonNode obj) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        keys.sort(null);
        return keys;
    }

    /**
     * pve-common {@code PVE::ParseUtils::encode_text} (called via {@code PVE::Tools::encode_text}):
     * UTF-8 encode, then percent-escape every byte outside {@code \x20-\x24 \x26-\x39 \x3b-\x7e},
     * i.e. control characters, non-ASCII, {@code %} and {@code :} (upper-case hex, as URI::Escape).
     */
    static String encodeText(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean safe = (c >= 0x20 && c <= 0x24) || (c >= 0x26 && c <= 0x39) || (c >= 0x3b && c <= 0x7e);
            if (safe) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return sb.toString();
    }
}
