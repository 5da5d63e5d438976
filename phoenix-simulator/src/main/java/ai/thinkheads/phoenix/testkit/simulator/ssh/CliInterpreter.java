package ai.thinkheads.phoenix.testkit.simulator.ssh;

import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.testkit.simulator.ApiRouter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Runs the command lines a client sends to a PVE node over SSH — {@code qm ...}, {@code pvesh ...}
 * and file writes ({@code cat > <path>}, {@code tee <path>}, the qm backend's atomic
 * {@code sh -c ... phoenix-upload <size> <temp> <path>}; {@link NodeFiles}) — against an {@link ApiRouter}, printing what the
 * real tools print and exiting with their exit status. It is the SSH face's engine, but pure: no
 * sockets, so tests call it directly.
 *
 * <p>Start with {@link #builder(ApiRouter, String)}, then {@link #run(String, byte[])} (a command
 * line, split by {@link ShellWords}) or {@link #run(List, byte[])} (words). The streaming form
 * {@link #run(CommandLine, InputStream, OutputStream, OutputStream)} writes output as it is
 * produced (task logs line by line) and reads stdin only for commands that consume it.
 *
 * <p>How the commands work (details in the package-private {@code Qm} and {@code Pvesh}): each {@code qm} subcommand
 * becomes the API call its qemu-server {@code PVE/CLI/qm.pm} cmddef entry names, with the API's
 * parameter names; a call that returns a task UPID is followed in the foreground by polling
 * {@code GET /nodes/{node}/tasks/{upid}/status} (sleeping {@code pollInterval} on the
 * {@link TimeSource} between polls, so a virtual clock makes this instant) and copying new lines of
 * {@code GET .../tasks/{upid}/log} to stdout. {@code pvesh get|set|create|delete} forwards any path.
 *
 * <p>Optionally every {@code qm}/{@code pvesh} invocation first sleeps {@code invocationCost} (real
 * nodes spend about 0.5 s starting Perl); {@link #invocations()} counts them. Thread-safe: one
 * interpreter serves all SSH sessions of a face.
 */
public final class CliInterpreter {

    /** Where {@code local:snippets/<name>} lives on a node. */
    public static final String SNIPPET_DIR = "/var/lib/vz/snippets";

    static final int EXIT_DIE = 255;
    private static final Pattern CONFIG_FILE = Pattern.compile("/etc/pve/nodes/([a-zA-Z0-9][a-zA-Z0-9.-]*)/qemu-server/([1-9][0-9]{2,8})\\.conf");

    private final ApiRouter router;
    private final String node;
    private final String userId;
    private final TimeSource time;
    private final Duration pollInterval;
    private final Duration taskWaitLimit;
    private final Duration invocationCost;
    private final NodeFiles files;
    private final ZoneId zone;
    private final ConfigFileSource configFiles;
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong commands = new AtomicLong();

    private CliInterpreter(Builder b) {
        this.router = b.router;
        this.node = b.node;
        this.userId = b.userId;
        this.time = b.time;
        this.pollInterval = b.pollInterval;
        this.taskWaitLimit = b.taskWaitLimit;
        this.invocationCost = b.invocationCost;
        this.files = b.files;
        this.zone = b.zone;
        this.configFiles = b.configFiles;
    }

    /**
     * The text of a VM config file as pmxcfs holds it at
     * {@code /etc/pve/nodes/<node>/qemu-server/<vmid>.conf}, or empty when there is no such file.
     */
    @FunctionalInterface
    public interface ConfigFileSource {
        Optional<String> read(String node, int vmid);
    }

    /** An interpreter on node {@code node} (the name {@code qm} puts in its API paths), over {@code router}. */
    public static Builder builder(ApiRouter router, String node) {
        return new Builder(router, node);
    }

    /** Settings of a {@link CliInterpreter}; every one has a default. */
    public static final class Builder {
        private final ApiRouter router;
        private final String node;
        private String userId = "root@pam";
        private TimeSource time = TimeSource.system();
        private Duration pollInterval = Duration.ofMillis(100);
        private Duration taskWaitLimit = Duration.ofHours(1);
        private Duration invocationCost = Duration.ZERO;
        private NodeFiles files;
        private ZoneId zone = ZoneOffset.UTC;
        private ConfigFileSource configFiles;

        private Builder(ApiRouter router, String node) {
            this.router = Objects.requireNonNull(router, "router");
            this.node = Objects.requireNonNull(node, "node");
        }

        /** Who the API calls are made as; {@code root@pam} (as for {@code qm} run by root) by default. */
        public Builder userId(String userId) {
            this.userId = Objects.requireNonNull(userId);
            return this;
        }

        /** Clock for polling, timeouts and {@code invocationCost}; the system clock by default. */
        public Builder time(TimeSource time) {
            this.time = Objects.requireNonNull(time);
            return this;
        }

        /** Pause between task status polls; 100 ms by default. */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = positive(pollInterval, "pollInterval");
            return this;
        }

        /** Give up on a foreground task after this long (exit 255); one hour by default. */
        public Builder taskWaitLimit(Duration taskWaitLimit) {
            this.taskWaitLimit = positive(taskWaitLimit, "taskWaitLimit");
            return this;
        }

        /** Time slept before each {@code qm}/{@code pvesh} invocation; zero by default. */
        public Builder invocationCost(Duration invocationCost) {
            Objects.requireNonNull(invocationCost);
            if (invocationCost.isNegative()) {
                throw new IllegalArgumentException("invocationCost must not be negative");
            }
            this.invocationCost = invocationCost;
            return this;
        }

        /** Receives {@code cat > <path>} and {@code tee <path>} writes; without it they fail. */
        public Builder files(NodeFiles nodeFiles) {
            this.files = nodeFiles;
            return this;
        }

        /** The node's time zone, for {@code qm listsnapshot}'s {@code localtime}; UTC by default. */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone);
            return this;
        }

        /** Serves {@code tail -v -n +1 -- /etc/pve/nodes/<node>/qemu-server/<vmid>.conf...}; without one every such file is missing. */
        public Builder configFiles(ConfigFileSource source) {
            this.configFiles = source;
            return this;
        }

        public CliInterpreter build() {
            return new CliInterpreter(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }
    }

    public String node() {
        return node;
    }

    /** {@code qm} and {@code pvesh} invocations so far (including failed ones). */
    public long invocations() {
        return invocations.get();
    }

    /** Every command line run so far, whatever the command ({@code qm}, {@code pvesh}, {@code tail}, uploads, unknown ones). */
    public long commands() {
        return commands.get();
    }

    /** Parses {@code commandLine} with {@link ShellWords} and runs it; stdin is {@code stdin}. */
    public CliResult run(String commandLine, byte[] stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(commandLine, new ByteArrayInputStream(stdin), out, err);
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs the words {@code argv} (no shell involved); stdin is {@code stdin}. */
    public CliResult run(List<String> argv, byte[] stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(CommandLine.of(argv), new ByteArrayInputStream(stdin), out, err);
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Streaming form of {@link #run(String, byte[])}: a refused line exits {@value ShellSyntaxException#EXIT_STATUS}. */
    public int run(String commandLine, InputStream stdin, OutputStream stdout, OutputStream stderr) {
        CommandLine line;
        try {
            line = ShellWords.parse(commandLine);
        } catch (ShellSyntaxException e) {
            Session s = new Session(this, stdin, stdout, stderr);
            s.err("sh: refused by the PVE simulator: " + e.getMessage() + "\n");
            return ShellSyntaxException.EXIT_STATUS;
        }
        return run(line, stdin, stdout, stderr);
    }

    /**
     * Runs one command, writing to {@code stdout}/{@code stderr} as output is produced (the streams
     * are flushed, not closed) and reading {@code stdin} only if the command consumes it.
     *
     * @return the exit status
     */
    public int run(CommandLine line, InputStream stdin, OutputStream stdout, OutputStream stderr) {
        Session s = new Session(this, stdin, stdout, stderr);
        commands.incrementAndGet();
        try {
            List<String> argv = line.argv();
            if (argv.get(0).equals("sudo")) {
                // Only the non-interactive form makes sense over a non-tty exec channel.
                if (argv.size() < 3 || !argv.get(1).equals("-n")) {
                    s.err("sudo: the PVE simulator accepts only 'sudo -n <command>'\n");
                    return 1;
                }
                argv = argv.subList(2, argv.size());
            }
            String command = argv.get(0);
            List<String> args = argv.subList(1, argv.size());
            Optional<String> redirect = line.stdoutRedirect();
            boolean teeQuietly = redirect.isPresent() && redirect.get().equals("/dev/null")
                    && (command.equals("tee") || command.equals("/usr/bin/tee"));
            if (redirect.isPresent() && !command.equals("cat") && !teeQuietly) {
                s.err("sh: refused by the PVE simulator: redirection is supported only as 'cat > <file>'"
                        + " and 'tee <file> > /dev/null'\n");
                return ShellSyntaxException.EXIT_STATUS;
            }
            switch (command) {
                case "qm", "/usr/sbin/qm" -> {
                    costOfInvocation();
                    return new Qm(s).run(args);
                }
                case "pvesh", "/usr/bin/pvesh" -> {
                    costOfInvocation();
                    return new Pvesh(s).run(args);
                }
                case "cat", "/usr/bin/cat", "/bin/cat" -> {
                    return upload(s, "cat", args, redirect, false);
                }
                case "tail", "/usr/bin/tail" -> {
                    return tail(s, args);
                }
                case "readlink", "/usr/bin/readlink", "/bin/readlink" -> {
                    return readlink(s, args);
                }
                case "tee", "/usr/bin/tee" -> {
                    return upload(s, "tee", args, args.size() == 1 ? Optional.of(args.get(0)) : Optional.empty(),
                            !teeQuietly);
                }
                case "sh", "/bin/sh" -> {
                    return atomicUpload(s, args);
                }
                default -> {
                    s.err("sh: 1: " + command + ": not found\n");
                    return 127;
                }
            }
        } catch (Session.Exit e) {
            return e.code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.errQuietly("interrupted by signal\n");
            return 130;
        } catch (UncheckedIOException e) {
            // the client went away while we were writing; nobody is left to tell
            return EXIT_DIE;
        }
    }

    private void costOfInvocation() throws InterruptedException {
        invocations.incrementAndGet();
        if (!invocationCost.isZero()) {
            time.sleep(invocationCost);
        }
    }

    /**
     * {@code tail -v -n +1 -- <file>...}: GNU tail printing each file whole after a
     * {@code ==> <file> <==} header (headers after the first preceded by an empty line; coreutils
     * {@code tail.c} {@code write_header}); a file that cannot be opened is reported on stderr
     * ({@code tail: cannot open '<file>' for reading: No such file or directory}), the others are
     * still printed, and the exit status is 1. Only VM config files in pmxcfs exist here.
     */
    private int tail(Session s, List<String> args) {
        List<String> expected = List.of("-v", "-n", "+1", "--");
        if (args.size() <= expected.size() || !args.subList(0, expected.size()).equals(expected)) {
            s.err("tail: the PVE simulator supports only 'tail -v -n +1 -- <file>...'\n");
            return 1;
        }
        boolean first = true;
        int code = 0;
        for (String path : args.subList(expected.size(), args.size())) {
            java.util.regex.Matcher m = CONFIG_FILE.matcher(path);
            Optional<String> text = Optional.empty();
            if (m.matches() && configFiles != null) {
                text = configFiles.read(m.group(1), Integer.parseInt(m.group(2)));
            }
            if (text.isEmpty()) {
                s.err("tail: cannot open '" + path + "' for reading: No such file or directory\n");
                code = 1;
                continue;
            }
            s.out((first ? "" : "\n") + "==> " + path + " <==\n" + text.get());
            first = false;
        }
        return code;
    }

    /**
     * {@code readlink <file>}: the one link a PVE node's clients read is pmxcfs's
     * {@code /etc/pve/local}, which points at {@code nodes/<nodename>} (pve-cluster
     * {@code src/pmxcfs/pmxcfs.c}: {@code main} passes the short node name to {@code create_symlinks}).
     * Any other file is not a link here: GNU readlink prints nothing and exits 1.
     */
    private int readlink(Session s, List<String> args) {
        if (args.size() != 1 || args.get(0).startsWith("-")) {
            s.err("readlink: the PVE simulator supports only 'readlink <file>'\n");
            return 1;
        }
        String path = args.get(0);
        if (path.equals("/etc/pve/local")) {
            s.out("nodes/" + node + "\n");
            return 0;
        }
        return 1;
    }

    /**
     * {@code cat > <path>} or {@code tee <path>}: the whole of stdin becomes the file, through
     * {@link NodeFiles} (the cluster model: {@code <storage path>/snippets/<name>} is a snippet
     * volume, {@code <storage path>/template/iso/<name>} an ISO volume).
     */
    private int upload(Session s, String tool, List<String> args, Optional<String> target, boolean echo) {
        if (target.isEmpty() || (tool.equals("cat") && !args.isEmpty())) {
            s.err(tool + ": the PVE simulator supports only 'cat > <file>' and 'tee <file>'\n");
            return 1;
        }
        String path = target.get();
        String refusal = null;
        if (!path.startsWith("/") || path.endsWith("/") || List.of(path.split("/")).stream()
                .anyMatch(p -> p.equals(".") || p.equals(".."))) {
            refusal = "Permission denied (the PVE simulator writes only absolute, normalized paths)";
        } else if (files == null) {
            refusal = "Read-only file system (no NodeFiles configured)";
        }
        byte[] content = null;
        if (refusal == null) {
            try {
                content = s.stdin.readAllBytes();
                files.write(path, content);
            } catch (IOException e) {
                s.err(tool + ": -: " + e.getMessage() + "\n");
                return 1;
            } catch (NodeFiles.CannotWrite e) {
                refusal = e.getMessage();
            }
        }
        if (refusal != null) {
            s.err((tool.equals("cat") ? "sh: 1: cannot create " : "tee: ") + path + ": " + refusal + "\n");
            return tool.equals("cat") ? 2 : 1;
        }
        if (echo) {
            s.outBytes(content);
        }
        return 0;
    }

    /** {@code $0} of the qm backend's atomic file write (SshCommandRunner.ATOMIC_WRITE), which names it. */
    static final String ATOMIC_WRITE_NAME = "phoenix-upload";

    /**
     * {@code sh -c <script> phoenix-upload <size> <temp> <path>}: the qm backend's atomic file
     * write (its {@code SshCommandRunner.ATOMIC_WRITE}: stdin to a temporary file beside the
     * target, renamed over it only when exactly {@code size} bytes arrived, else removed). The
     * simulator has no temporary files: it writes the target through {@link NodeFiles} only when
     * the size is right, and otherwise leaves it as it was and says what the script says. Any
     * other {@code sh -c} is refused.
     */
    private int atomicUpload(Session s, List<String> args) {
        if (args.size() != 6 || !args.get(0).equals("-c") || !args.get(2).equals(ATOMIC_WRITE_NAME)
                || !args.get(3).matches("\\d{1,10}")) {
            s.err("sh: the PVE simulator runs only the qm backend's '" + ATOMIC_WRITE_NAME + "' script\n");
            return 2;
        }
        long size = Long.parseLong(args.get(3));
        String temp = args.get(4);
        String path = args.get(5);
        int slash = path.lastIndexOf('/');
        if (slash < 0 || !temp.startsWith(path.substring(0, slash + 1)) || temp.indexOf('/', slash + 1) >= 0) {
            s.err("sh: refused by the PVE simulator: the temporary file must be beside the target\n");
            return 1;
        }
        byte[] content;
        try {
            content = s.stdin.readAllBytes();
        } catch (IOException e) {
            s.err("cat: -: " + e.getMessage() + "\n");
            return 1;
        }
        if (content.length != size) {
            s.err(ATOMIC_WRITE_NAME + ": only " + content.length + " of " + size + " bytes arrived; " + path + " is unchanged\n");
            return 1;
        }
        String refusal = null;
        if (!path.startsWith("/") || List.of(path.split("/")).stream().anyMatch(p -> p.equals(".") || p.equals(".."))) {
            refusal = "Permission denied (the PVE simulator writes only absolute, normalized paths)";
        } else if (files == null) {
            refusal = "Read-only file system (no NodeFiles configured)";
        } else {
            try {
                files.write(path, content);
            } catch (NodeFiles.CannotWrite e) {
                refusal = e.getMessage();
            }
        }
        if (refusal != null) {
            s.err("sh: 1: cannot create " + temp + ": " + refusal + "\n");
            return 1;
        }
        return 0;
    }

    // ---- accessors for the command implementations (same package) ------------------------------

    ApiRouter router() {
        return router;
    }

    String userId() {
        return userId;
    }

    TimeSource time() {
        return time;
    }

    Duration pollInterval() {
        return pollInterval;
    }

    Duration taskWaitLimit() {
        return taskWaitLimit;
    }

    ZoneId zone() {
        return zone;
    }
}
