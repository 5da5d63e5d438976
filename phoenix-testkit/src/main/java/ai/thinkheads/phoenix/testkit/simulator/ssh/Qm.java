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
 *
 * <p>Supported: list, create, set, config, pending, status, start, stop, shutdown, reboot, reset,
 * suspend, resume, destroy, clone, template, disk resize (alias resize), snapshot, delsnapshot,
 * rollback, listsnapshot, guest cmd (alias agent), guest exec, guest exec-status, wait, cloudinit
 * dump. Anything else is {@code unknown command} (exit 255).
 */
final class Qm {

    @FunctionalInterface
    private interface Handler {
        void run(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit, InterruptedException;
    }

    private record Command(CommandSpec spec, Handler handler) {
    }

    private static final String[] CREATE_BOOLEANS = {"acpi:b", "autostart:b", "ciupgrade:b", "force:b", "freeze:b",
        "keephugepages:b", "kvm:b", "live-restore:b", "localtime:b", "numa:b", "onboot:b", "protection:b", "reboot:b",
        "start:b", "tablet:b", "tdf:b", "template:b", "unique:b", "nameserver:l", "tags:l"};
    private static final String[] SET_BOOLEANS = {"acpi:b", "autostart:b", "ciupgrade:b", "force:b", "freeze:b",
        "keephugepages:b", "kvm:b", "localtime:b", "numa:b", "onboot:b", "protection:b", "reboot:b", "skiplock:b",
        "tablet:b", "tdf:b", "template:b", "delete:l", "revert:l", "nameserver:l", "tags:l"};

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = Map.of("resize", "disk resize", "agent", "guest cmd");
    private static final List<String> GROUPS = List.of("guest", "disk", "cloudinit");

    private static void def(String name, List<String> args, boolean open, Handler h, String... options) {
        StringBuilder usage = new StringBuilder("qm ").append(name);
        args.forEach(a -> usage.append(a.equals("extra-args") ? " [<extra-args>]" : " <" + a + ">"));
        if (options.length > 0 || open) {
            usage.append(" [OPTIONS]");
        }
        COMMANDS.put(name, new Command(CommandSpec.of(usage.toString(), args, open, options), h));
    }

    static {
        def("list", List.of(), false, Qm::list, "full:b");
        def("create", List.of("vmid"), true, Qm::create, CREATE_BOOLEANS);
        def("set", List.of("vmid"), true, Qm::set, SET_BOOLEANS);
        def("config", List.of("vmid"), false, Qm::config, "current:b", "snapshot");
        def("pending", List.of("vmid"), false, Qm::pending);
        def("status", List.of("vmid"), false, Qm::status, "verbose:b");
        def("start", List.of("vmid"), false, power("start"), "skiplock:b", "targetstorage:l", "force-cpu", "machine",
                "migratedfrom", "migration_network", "migration_type", "nets-host-mtu", "stateuri", "timeout");
        def("stop", List.of("vmid"), false, power("stop"), "keepActive:b", "overrule-shutdown:b", "skiplock:b",
                "migratedfrom", "timeout");
        def("shutdown", List.of("vmid"), false, power("shutdown"), "forceStop:b", "keepActive:b", "skiplock:b", "timeout");
        def("reboot", List.of("vmid"), false, power("reboot"), "timeout");
        def("reset", List.of("vmid"), false, power("reset"), "skiplock:b");
        def("suspend", List.of("vmid"), false, power("suspend"), "skiplock:b", "todisk:b", "statestorage");
        def("resume", List.of("vmid"), false, power("resume"), "nocheck:b", "skiplock:b");
        def("destroy", List.of("vmid"), false, Qm::destroy, "destroy-unreferenced-disks:b", "purge:b", "skiplock:b");
        def("clone", List.of("vmid", "newid"), false, Qm::cloneVm, "full:b", "bwlimit", "description", "format", "name",
                "pool", "snapname", "storage", "target");
        def("template", List.of("vmid"), false, Qm::template, "disk");
        def("disk resize", List.of("vmid", "disk", "size"), false, Qm::resize, "skiplock:b", "digest");
        def("snapshot", List.of("vmid", "snapname"), false, Qm::snapshot, "vmstate:b", "description");
        def("delsnapshot", List.of("vmid", "snapname"), false, Qm::delsnapshot, "force:b");
        def("rollback", List.of("vmid", "snapname"), false, Qm::rollback, "start:b");
        def("listsnapshot", List.of("vmid"), false, Qm::listsnapshot);
        def("guest cmd", List.of("vmid", "command"), false, Qm::guestCmd);
        def("guest exec", List.of("vmid", "extra-args"), false, Qm::guestExec, "synchronous:b", "pass-stdin:b", "timeout");
        def("guest exec-status", List.of("vmid", "pid"), false, Qm::guestExecStatus);
        def("wait", List.of("vmid"), false, Qm::waitStopped, "timeout");
        def("cloudinit dump", List.of("vmid", "type"), false, Qm::cloudinitDump);
    }

    private final Session s;
    private final String nodePath;

    Qm(Session s) {
        this.s = s;
        this.nodePath = "/nodes/" + Session.seg(s.cli.node());
    }

    int run(List<String> argv) throws Session.Exit, InterruptedException {
        if (argv.isEmpty()) {
            throw abort("no command specified");
        }
        String name = argv.get(0);
        int used = 1;
        if (ALIASES.containsKey(name)) {
            name = ALIASES.get(name);
        } else if (GROUPS.contains(name)) {
            if (argv.size() < 2) {
                throw abort("incomplete command 'qm " + name + "'");
            }
            name = name + " " + argv.get(1);
            used = 2;
        }
        Command c = COMMANDS.get(name);
        if (c == null) {
            throw abort("unknown command 'qm " + name + "'");
        }
        CommandSpec.Parsed p;
        try {
            p = c.spec.parse(argv.subList(used, argv.size()));
        } catch (CommandSpec.ParseError e) {
            throw s.parseError(e, c.spec.usage);
        }
        for (String id : List.of("vmid", "newid")) {
            String v = p.args().get(id);
            if (v != null) {
                checkVmid(id, v, c.spec.usage);
            }
        }
        c.handler.run(this, c.spec, p);
        return 0;
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

    private String vmPath(CommandSpec.Parsed p) {
        return nodePath + "/qemu/" + p.args().get("vmid");
    }

    /** Options plus the given positionals (except vmid, which is in the path) as API parameters. */
    private static Map<String, List<String>> apiParams(CommandSpec.Parsed p, String... positionals) {
        Map<String, List<String>> m = new LinkedHashMap<>(p.options());
        for (String a : positionals) {
            m.put(a, List.of(p.args().get(a)));
        }
        return m;
    }

    /** A task-starting call followed in the foreground; {@code upidExit} is qm.pm's {@code $upid_exit}. */
    private void task(String method, String path, Map<String, List<String>> params, String usage, boolean upidExit)
            throws Session.Exit, InterruptedException {
        JsonNode data = s.data(method, path, params, usage);
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
    private static void list(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit {
        JsonNode vms = qm.s.data("GET", qm.nodePath + "/qemu", p.options(), spec.usage);
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

    private static void create(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit, InterruptedException {
        qm.noFileMappings(p);
        qm.task("POST", qm.nodePath + "/qemu", apiParams(p, "vmid"), spec.usage, true);
    }

    /** {@code update_vm}: synchronous PUT, prints nothing on success. */
    private static void set(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit {
        qm.noFileMappings(p);
        qm.s.data("PUT", qm.vmPath(p) + "/config", p.options(), spec.usage);
    }

    /**
     * qm.pm {@code param_mapping}: {@code --sshkeys} names a file on the node that qm reads and
     * URL-encodes. The simulated node has no such files, so this fails as a missing file would.
     */
    private void noFileMappings(CommandSpec.Parsed p) throws Session.Exit {
        String file = p.option("sshkeys");
        if (file != null) {
            throw s.die("unable to open file '" + file + "' - No such file or directory");
        }
    }

    /** qm.pm cmddef {@code config}: sorted {@code key: value}, no digest, description through encode_text. */
    private static void config(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit {
        JsonNode conf = qm.s.data("GET", qm.vmPath(p) + "/config", p.options(), spec.usage);
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
    private static void pending(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit {
        JsonNode items = qm.s.data("GET", qm.vmPath(p) + "/pending", Map.of(), spec.usage);
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
    private static void status(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit {
        JsonNode st = qm.s.data("GET", qm.vmPath(p) + "/status/current", Map.of(), spec.usage);
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

    private static Handler power(String action) {
        return (qm, spec, p) -> qm.task("POST", qm.vmPath(p) + "/status/" + action, p.options(), spec.usage, true);
    }

    private static void destroy(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit, InterruptedException {
        qm.task("DELETE", qm.vmPath(p), p.options(), spec.usage, true);
    }

    private static void cloneVm(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit, InterruptedException {
        qm.task("POST", qm.vmPath(p) + "/clone", apiParams(p, "newid"), spec.usage, true);
    }

    /** cmddef {@code template} has no {@code $upid_exit}: a failed task still exits 0. */
    private static void template(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit, InterruptedException {
        qm.task("POST", qm.vmPath(p) + "/template", p.options(), spec.usage, false);
    }

    /** cmddef {@code disk resize} has no {@code $upid_exit}: a failed task still exits 0. */
    private static void resize(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit, InterruptedException {
        qm.task("PUT", qm.vmPath(p) + "/resize", apiParams(p, "disk", "size"), spec.usage, false);
    }

    private static void snapshot(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit, InterruptedException {
        qm.task("POST", qm.vmPath(p) + "/snapshot", apiParams(p, "snapname"), spec.usage, true);
    }

    private static void delsnapshot(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit, InterruptedException {
        qm.task("DELETE", qm.vmPath(p) + "/snapshot/" + Session.seg(p.args().get("snapname")), p.options(), spec.usage, true);
    }

    private static void rollback(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit, InterruptedException {
        qm.task("POST", qm.vmPath(p) + "/snapshot/" + Session.seg(p.args().get("snapname")) + "/rollback",
                p.options(), spec.usage, true);
    }

    /** pve-guest-common {@code PVE::GuestHelpers::print_snapshot_tree}. */
    private static void listsnapshot(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit {
        JsonNode list = qm.s.data("GET", qm.vmPath(p) + "/snapshot", Map.of(), spec.usage);
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
    private static void guestCmd(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit {
        JsonNode res = qm.s.data("POST", qm.vmPath(p) + "/agent", apiParams(p, "command"), spec.usage);
        qm.printAgentResult(res);
    }

    private static void guestExecStatus(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit {
        JsonNode res = qm.s.data("GET", qm.vmPath(p) + "/agent/exec-status", apiParams(p, "pid"), spec.usage);
        qm.printAgentResult(res);
    }

    /**
     * qm.pm {@code exec}: starts the command through the API ({@code POST .../agent/exec} with
     * {@code command} and {@code input-data}), then, when synchronous (the default), polls
     * {@code GET .../agent/exec-status} once a second until it exited or {@code --timeout} (30 s,
     * 0 = forever) passed; on timeout it warns and returns the pid.
     */
    private static void guestExec(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit, InterruptedException {
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
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (!p.extraArgs().isEmpty()) {
            params.put("command", p.extraArgs());
        }
        if (p.flag("pass-stdin")) {
            byte[] input;
            try {
                input = qm.s.stdin.readNBytes(1024 * 1024 + 1);
            } catch (IOException e) {
                throw qm.s.die("reading STDIN failed - " + e.getMessage());
            }
            if (input.length > 1024 * 1024) {
                throw qm.s.die("'input-data' (STDIN) is limited to 1 MiB, aborting");
            }
            params.put("input-data", List.of(new String(input, StandardCharsets.UTF_8)));
        }
        JsonNode res = qm.s.data("POST", qm.vmPath(p) + "/agent/exec", params, spec.usage);
        if (sync) {
            String pid = Session.text(res.get("pid"));
            Instant start = qm.s.cli.time().now();
            while (timeout == 0 || Duration.between(start, qm.s.cli.time().now()).getSeconds() < timeout) {
                JsonNode out = qm.s.data("GET", qm.vmPath(p) + "/agent/exec-status", Session.params("pid", pid), spec.usage);
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
    private static void waitStopped(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit, InterruptedException {
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
        String path = qm.vmPath(p) + "/status/current";
        JsonNode st = qm.s.data("GET", path, Map.of(), spec.usage);
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
    private static void cloudinitDump(Qm qm, CommandSpec spec, CommandSpec.Parsed p) throws Session.Exit {
        JsonNode doc = qm.s.data("GET", qm.vmPath(p) + "/cloudinit/dump", apiParams(p, "type"), spec.usage);
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
