package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.testkit.schema.PveApiReference;
import ai.thinkheads.phoenix.testkit.schema.SchemaAudit;
import ai.thinkheads.phoenix.testkit.simulator.ApiRequest;
import ai.thinkheads.phoenix.testkit.simulator.ssh.QmCommandLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks a {@code qm}/{@code pvesh} command line that a test's stub or recording runner received
 * against the PVE 8.4 and 9.1 API schemas: the simulator's SSH face translates it into the API
 * request it stands for ({@link QmCommandLines#toRequest}, the face's own parser and mapping), and
 * {@link SchemaAudit#check} validates that request (option names, types, ranges, enumerations,
 * patterns, property strings and the named formats it knows). A violation fails the test with an
 * {@link AssertionError}; so does a command line {@code qm} or {@code pvesh} would refuse to parse.
 *
 * <p>{@link TestSshd} checks every {@code qm}/{@code pvesh} call its stubs record, and
 * {@link ScriptedRunner} every call it answers. Commands that are neither ({@code hostname},
 * {@code true}, {@code sudo}'s own record) are not API calls and are skipped. The count, and the
 * distinct endpoints seen, are written to {@code target/qm-command-line-schema-check.txt} once the
 * module's whole test run is over ({@link Report}, registered in {@code META-INF/services} beside
 * the testkit's {@code SchemaAuditSession}).
 */
final class CommandLineSchemaCheck {

    private static final AtomicLong CHECKED = new AtomicLong();
    private static final Set<String> ENDPOINTS = new ConcurrentSkipListSet<>();
    static final Path REPORT = Path.of("target", "qm-command-line-schema-check.txt");

    private CommandLineSchemaCheck() {
    }

    /** Command lines checked so far in this JVM. */
    static long checked() {
        return CHECKED.get();
    }

    /**
     * Checks {@code argv} (with {@code stdin}, which {@code --sshkeys /dev/stdin} and
     * {@code --pass-stdin} consume) as run on {@code node}; does nothing for commands other than
     * {@code qm} and {@code pvesh}.
     *
     * @throws AssertionError when the schema refuses the request, or the tool the command line
     */
    static void check(List<String> argv, byte[] stdin, String node) {
        if (!QmCommandLines.isQmOrPvesh(argv) || argv.get(0).equals("sudo")) {
            return;
        }
        ApiRequest request;
        try {
            request = QmCommandLines.toRequest(argv, node, stdin);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(name(argv) + ": the tool would refuse this command line: " + e.getMessage());
        }
        Map<String, String> errors = SchemaAudit.shared().check(request);
        CHECKED.incrementAndGet();
        ENDPOINTS.add(request.method() + " " + PveApiReference.schema("9.1").resolve(request.method(), request.path())
                .map(ai.thinkheads.phoenix.testkit.schema.PveApiSchema.Endpoint::template).orElse(request.path()));
        if (!errors.isEmpty()) {
            // parameter names and PVE's messages only: values may be secrets
            throw new AssertionError(name(argv) + " → " + request.method() + " " + request.path()
                    + " is refused by the PVE API schema: " + errors.keySet() + " " + errors.values().stream()
                    .map(m -> m.length() > 200 ? m.substring(0, 200) + "..." : m).toList());
        }
    }

    private static String name(List<String> argv) {
        return String.join(" ", argv.subList(0, Math.min(argv.size(), 2)));
    }

    /** Writes the report when the JUnit Platform session ends (every engine has run). */
    public static final class Report implements org.junit.platform.launcher.LauncherSessionListener {
        @Override
        public void launcherSessionClosed(org.junit.platform.launcher.LauncherSession session) {
            if (CHECKED.get() > 0) {
                writeReport();
            }
        }
    }

    private static void writeReport() {
        StringBuilder sb = new StringBuilder();
        sb.append("qm/pvesh command lines sent to stubs and recording runners, checked against PVE ")
                .append(PveApiReference.VERSIONS).append(": ").append(CHECKED.get()).append('\n');
        sb.append("endpoints:\n");
        new TreeSet<>(ENDPOINTS).forEach(e -> sb.append("  ").append(e).append('\n'));
        try {
            Files.createDirectories(REPORT.toAbsolutePath().getParent());
            Files.writeString(REPORT, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
