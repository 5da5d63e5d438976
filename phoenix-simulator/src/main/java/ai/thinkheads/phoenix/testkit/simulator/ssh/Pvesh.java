package ai.thinkheads.phoenix.testkit.simulator.ssh;

import ai.thinkheads.phoenix.testkit.simulator.ApiResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code pvesh get|set|create|delete <api_path> [--param value ...] [--output-format ...]}, after
 * pve-manager {@code PVE/CLI/pvesh.pm} {@code call_api_method}: forwards any path to the router as
 * GET/PUT/POST/DELETE, so everything the simulator's API knows works over SSH too.
 *
 * <ul>
 *   <li>A leading {@code --nooutput} or {@code --quiet 1} suppresses the result.</li>
 *   <li>A result that is a UPID is a task: it runs in the foreground (log to stdout, failure text
 *       to stderr, exit status 0 regardless), then the UPID is printed.</li>
 *   <li>{@code --output-format json}: the bare {@code data} value, compact, keys sorted, one
 *       newline; {@code json-pretty}: Perl's pretty form; {@code text} (the default): scalars as
 *       {@code "$data\n"} and empty lists as nothing (pve-common
 *       {@code CLIFormatter::print_api_result}). Text tables for objects and lists and
 *       {@code yaml} are not implemented and fail with a message saying so.</li>
 *   <li>A {@code null} result prints nothing: the simulator has no return schemas, and real handlers
 *       returning null declare {@code returns => {type => 'null'}}, which print_api_result skips.</li>
 *   <li>Errors: {@code <code> <message>} and {@code <param>: <msg>} lines on stderr (plus the usage
 *       line for 400s), exit 255; an unknown path is {@code no '<cmd>' handler for '<path>'}.</li>
 * </ul>
 * The API schema is not available here, so option parsing treats the standard output options and
 * well-known API booleans (full, purge, force, ...) as booleans and every other {@code --name} as
 * taking a value (repeat it for array parameters).
 */
final class Pvesh {

    private static final Map<String, String> METHODS = Map.of("get", "GET", "set", "PUT", "create", "POST", "delete", "DELETE");
    private static final Set<String> FORMATS = Set.of("text", "json", "json-pretty", "yaml");
    private static final Set<String> STANDARD = Set.of("output-format", "noborder", "noheader", "quiet", "human-readable", "noproxy");
    private static final String[] OPTIONS = {"output-format", "noborder:b", "noheader:b", "quiet:b", "human-readable:b",
        "noproxy:b",
        // API booleans common enough to be written without a value
        "full:b", "purge:b", "destroy-unreferenced-disks:b", "skiplock:b", "force:b", "start:b", "vmstate:b", "current:b",
        "forceStop:b", "keepActive:b", "overrule-shutdown:b", "unique:b", "todisk:b", "nocheck:b", "download:b"};

    private final Session s;

    Pvesh(Session s) {
        this.s = s;
    }

    /** A {@code pvesh} command line taken apart: the API call and how to print its result. */
    record Resolved(String cmd, String method, String path, Map<String, List<String>> params, String format,
                    boolean nooutput, String usage) {
    }

    /** pvesh refuses the command line before calling the API; {@code render} shows it as pvesh does. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Function<Session, Session.Exit> render;

        Refusal(String message, Function<Session, Session.Exit> render) {
            super(message, null, false, false);
            this.render = render;
        }
    }

    /** Parses the words after {@code pvesh} as pvesh.pm does, without calling anything. */
    static Resolved resolve(List<String> argv) throws Refusal {
        boolean nooutput = false;
        if (!argv.isEmpty() && argv.get(0).equals("--nooutput")) {
            nooutput = true;
            argv = argv.subList(1, argv.size());
        }
        if (argv.isEmpty()) {
            throw new Refusal("no command specified", s -> abort(s, "no command specified"));
        }
        String cmd = argv.get(0);
        String method = METHODS.get(cmd);
        if (method == null) {
            if (cmd.equals("ls") || cmd.equals("usage")) {
                String text = "simulator: 'pvesh " + cmd + "' is not implemented; use 'pvesh get'";
                throw new Refusal(text, s -> s.die(text));
            }
            String reason = "unknown command 'pvesh " + cmd + "'";
            throw new Refusal(reason, s -> abort(s, reason));
        }
        String usage = "pvesh " + cmd + " <api_path> [OPTIONS] [FORMAT_OPTIONS]";
        CommandSpec spec = CommandSpec.of(usage, List.of("api_path"), true, OPTIONS);
        CommandSpec.Parsed p;
        try {
            p = spec.parse(argv.subList(1, argv.size()));
        } catch (CommandSpec.ParseError e) {
            throw new Refusal(String.join("; ", e.warnings) + " " + e.getMessage(), s -> s.parseError(e, usage));
        }
        String format = p.option("output-format");
        if (format == null) {
            format = "text";
        } else if (!FORMATS.contains(format)) {
            Map<String, String> errors = Map.of("output-format",
                    "value '" + format + "' does not have a value in the enumeration 'text, json, json-pretty, yaml'");
            throw new Refusal(errors.toString(), s -> s.paramError(errors, usage));
        }
        if (p.flag("quiet")) {
            nooutput = true;
        }
        String path = p.args().get("api_path");
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        p.options().forEach((k, v) -> {
            if (!STANDARD.contains(k)) {
                params.put(k, v);
            }
        });
        return new Resolved(cmd, method, path, params, format, nooutput, usage);
    }

    int run(List<String> argv) throws Session.Exit, InterruptedException {
        Resolved c;
        try {
            c = resolve(argv);
        } catch (Refusal e) {
            throw e.render.apply(s);
        }
        String cmd = c.cmd();
        String method = c.method();
        String path = c.path();
        String format = c.format();
        String usage = c.usage();
        boolean nooutput = c.nooutput();
        Map<String, List<String>> params = c.params();
        ApiResponse r = s.call(method, path, params);
        if (r.status() == 501 && r.message() != null && r.message().startsWith("Method '")) {
            throw s.die("no '" + cmd + "' handler for '" + path + "'");
        }
        if (!r.isSuccess()) {
            throw s.fail(r, usage);
        }
        s.printed(r);
        JsonNode data = Session.toJson(r.data());
        if (Session.isUpid(data)) {
            s.followTask(data.textValue()); // fork_worker in the foreground; pvesh exits 0 either way
        }
        if (nooutput || data.isNull()) {
            return 0;
        }
        print(data, format);
        return 0;
    }

    private void print(JsonNode data, String format) throws Session.Exit {
        switch (format) {
            case "json" -> s.out(PerlJson.compact(data) + "\n");
            case "json-pretty" -> s.out(PerlJson.pretty(data));
            case "text" -> {
                if (data.isContainerNode()) {
                    if (data.isEmpty()) {
                        return;
                    }
                    throw s.die("simulator: text tables are not implemented; use --output-format json");
                }
                s.out(Session.text(data) + "\n");
            }
            default -> throw s.die("simulator: --output-format " + format + " is not implemented; use json");
        }
    }

    private static Session.Exit abort(Session s, String reason) {
        s.err("ERROR: " + reason + "\nUSAGE: pvesh <COMMAND> [ARGS] [OPTIONS]\n");
        return new Session.Exit(CliInterpreter.EXIT_DIE);
    }
}
