package ai.thinkheads.phoenix.testkit.simulator.ssh;

import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.testkit.simulator.ApiRequest;
import ai.thinkheads.phoenix.testkit.simulator.ApiResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One command's run: its streams, API calls as the interpreter's user, error rendering and the
 * foreground task follower shared by {@link Qm} and {@link Pvesh}.
 */
final class Session {

    /** Ends the command with an exit status (Perl's {@code exit}). */
    static final class Exit extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        Exit(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TASK_END = Pattern.compile("^TASK (OK|ERROR: .*|WARNINGS: \\d+)$");
    private static final Pattern WARNINGS = Pattern.compile("^WARNINGS: (\\d+)$");

    final CliInterpreter cli;
    final InputStream stdin;
    private final OutputStream out;
    private final OutputStream err;

    Session(CliInterpreter cli, InputStream stdin, OutputStream out, OutputStream err) {
        this.cli = cli;
        this.stdin = stdin;
        this.out = out;
        this.err = err;
    }

    // ---- output ---------------------------------------------------------------------------------

    void out(String text) {
        outBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    void outBytes(byte[] bytes) {
        write(out, bytes);
    }

    void err(String text) {
        write(err, text.getBytes(StandardCharsets.UTF_8));
    }

    void errQuietly(String text) {
        try {
            err(text);
        } catch (UncheckedIOException ignored) {
            // nobody listening
        }
    }

    private static void write(OutputStream s, byte[] bytes) {
        try {
            s.write(bytes);
            s.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Perl's {@code die}: the text on stderr (newline added if missing), exit 255. */
    Exit die(String message) {
        err(message.endsWith("\n") ? message : message + "\n");
        return new Exit(CliInterpreter.EXIT_DIE);
    }

    /**
     * A failed call rendered as the CLI shows an API exception (pve-common
     * {@code PVE::Exception::stringify}): {@code <code> <msg>}, then {@code <param>: <msg>} lines,
     * then for a 400 the command's usage line ({@code RESTHandler::cli_handler} appends it to
     * parameter exceptions). A 500 is shown without the code: it is what a plain Perl {@code die}
     * in a handler becomes over HTTP, and the CLI prints such a die as bare text.
     */
    Exit fail(ApiResponse r, String usage) {
        StringBuilder sb = new StringBuilder();
        String msg = r.message() == null ? "" : r.message();
        if (!msg.endsWith("\n")) {
            msg += "\n";
        }
        sb.append(r.status() == 500 ? msg : r.status() + " " + msg);
        new TreeMap<>(r.errors()).forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        if (r.status() == 400 && usage != null) {
            sb.append(usage).append('\n');
        }
        err(sb.toString());
        return new Exit(CliInterpreter.EXIT_DIE);
    }

    /** A parameter error raised by the CLI itself ({@code raise_param_exc}), with the usage line. */
    Exit paramError(Map<String, String> errors, String usage) {
        return fail(ApiResponse.parameterErrors(errors), usage);
    }

    /** A {@link CommandSpec} parse failure: Getopt's warnings, then {@code 400 <msg>} and the usage. */
    Exit parseError(CommandSpec.ParseError e, String usage) {
        StringBuilder sb = new StringBuilder();
        e.warnings.forEach(w -> sb.append(w).append('\n'));
        sb.append("400 ").append(e.getMessage()).append('\n').append(usage).append('\n');
        err(sb.toString());
        return new Exit(CliInterpreter.EXIT_DIE);
    }

    // ---- API --------------------------------------------------------------------------------------

    ApiResponse call(String method, String path, Map<String, List<String>> params) {
        return cli.router().dispatch(new ApiRequest(method, path, params, cli.userId()));
    }

    /** The call's {@code data} as JSON, or the rendered error and exit 255. */
    JsonNode data(String method, String path, Map<String, List<String>> params, String usage) throws Exit {
        ApiResponse r = call(method, path, params);
        if (!r.isSuccess()) {
            throw fail(r, usage);
        }
        printed(r);
        return toJson(r.data());
    }

    /** What the handler printed on stdout: the CLI ran it in its own process, so it reaches the terminal. */
    void printed(ApiResponse r) {
        printLines(r.printed());
    }

    static JsonNode toJson(Object data) {
        return data == null ? NullNode.getInstance() : JSON.valueToTree(data);
    }

    static String seg(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8);
    }

    static Map<String, List<String>> params(Object... kv) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int k = 0; k < kv.length; k += 2) {
            if (kv[k + 1] != null) {
                m.put((String) kv[k], List.of(kv[k + 1].toString()));
            }
        }
        return m;
    }

    // ---- tasks ------------------------------------------------------------------------------------

    /**
     * Follows task {@code upid} in the foreground as pve-common {@code RESTEnvironment::fork_worker}
     * does for {@code type=cli}: new log lines go to stdout as they appear (the final
     * {@code TASK ...} line is not printed); at the end a failure's text goes to stderr, warnings
     * as {@code Task finished with N warning(s)!}.
     *
     * @return the task's exit status ({@code OK}, {@code WARNINGS: n} or the error text)
     */
    String followTask(String upid) throws Exit, InterruptedException {
        String taskNode;
        try {
            taskNode = Upid.parse(upid).node();
        } catch (IllegalArgumentException e) {
            throw die("unable to parse worker upid '" + upid + "'");
        }
        String base = "/nodes/" + seg(taskNode) + "/tasks/" + seg(upid);
        Instant deadline = cli.time().now().plus(cli.taskWaitLimit());
        long seen = 0;
        List<String> held = new ArrayList<>();
        while (true) {
            JsonNode status = data("GET", base + "/status", Map.of(), null);
            boolean stopped = "stopped".equals(status.path("status").asText());
            List<String> lines = new ArrayList<>(held);
            held.clear();
            seen = readLog(base, seen, lines);
            if (stopped) {
                String exit = status.path("exitstatus").asText("unexpected status");
                if (!lines.isEmpty() && TASK_END.matcher(lines.get(lines.size() - 1)).matches()) {
                    lines.remove(lines.size() - 1);
                    // fork_worker writes "\n" before TASK ERROR/WARNINGS into the log file only
                    if (!exit.equals("OK") && !lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                        lines.remove(lines.size() - 1);
                    }
                }
                printLines(lines);
                if (WARNINGS.matcher(exit).matches()) {
                    err("Task finished with " + WARNINGS.matcher(exit).replaceFirst("$1") + " warning(s)!\n");
                } else if (!exit.equals("OK")) {
                    err(exit + "\n");
                }
                return exit;
            }
            // hold back what could still turn out to be the closing "\nTASK ..." of the log
            int keep = lines.size();
            while (keep > 0 && (lines.get(keep - 1).isEmpty() || lines.get(keep - 1).startsWith("TASK "))) {
                keep--;
            }
            held.addAll(lines.subList(keep, lines.size()));
            printLines(lines.subList(0, keep));
            if (!cli.time().now().isBefore(deadline)) {
                throw die("simulator: task " + upid + " did not finish within " + cli.taskWaitLimit());
            }
            cli.time().sleep(cli.pollInterval());
        }
    }

    private void printLines(List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l).append('\n'));
        out(sb.toString());
    }

    /** Appends log lines numbered above {@code seen} (GET .../log pages by start/limit); returns the new high mark. */
    private long readLog(String base, long seen, List<String> into) throws Exit {
        long mark = seen;
        for (int page = 0; page < 10_000; page++) {
            JsonNode log = data("GET", base + "/log", params("start", mark, "limit", 500), null);
            int added = 0;
            for (JsonNode line : log) {
                long n = line.path("n").asLong(mark + 1);
                if (n > mark) {
                    into.add(line.path("t").asText(""));
                    mark = n;
                    added++;
                }
            }
            if (added == 0 || log.size() < 500) {
                break;
            }
        }
        return mark;
    }

    static boolean isUpid(JsonNode data) {
        return data.isTextual() && Upid.isValid(data.textValue());
    }

    /** pve-common {@code PVE::UPID::status_is_error}. */
    static boolean isError(String exitStatus) {
        return !(exitStatus.equals("OK") || WARNINGS.matcher(exitStatus).matches());
    }

    static String text(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "";
        }
        if (v.isNumber()) {
            return PerlJson.perlNumber(v);
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? "1" : "";
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        return PerlJson.compact(v);
    }
}
