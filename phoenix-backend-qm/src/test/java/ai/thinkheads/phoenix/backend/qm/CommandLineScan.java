package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.fail;

import ai.thinkheads.phoenix.hypervisor.SensitiveValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A {@link CommandRunner} that passes every command on to a real one and keeps the command line
 * as the node receives it (what {@code ps} shows every user there): {@link ShellQuoting#commandLine}
 * of the argv for {@link #run}, the target path for {@link #writeFile}. {@link #assertNoSecrets}
 * scans them all.
 */
final class CommandLineScan implements CommandRunner {

    private final CommandRunner delegate;
    private final List<String> lines;
    private final Collection<String> secrets;

    /** Records into {@code lines} (shared by several runners, e.g. a contract's fixtures). */
    CommandLineScan(CommandRunner delegate, List<String> lines) {
        this(delegate, lines, List.of());
    }

    /**
     * Records into {@code lines} and checks each line as it is sent ({@link #assertNoSecrets}
     * rules, with {@code secrets}), failing the command with an {@link AssertionError} (which no
     * backend code catches) before it reaches the node.
     */
    CommandLineScan(CommandRunner delegate, List<String> lines, Collection<String> secrets) {
        this.delegate = delegate;
        this.lines = lines;
        this.secrets = secrets;
    }

    @Override
    public CommandResult run(List<String> argv, byte[] stdin) {
        record(ShellQuoting.commandLine(argv));
        return delegate.run(argv, stdin);
    }

    @Override
    public CommandResult run(List<String> argv, byte[] stdin, Duration atLeast) {
        record(ShellQuoting.commandLine(argv));
        return delegate.run(argv, stdin, atLeast);
    }

    @Override
    public CommandResult writeFile(String path, byte[] content) {
        record("(write) " + ShellQuoting.quote(path));
        return delegate.writeFile(path, content);
    }

    private void record(String line) {
        check(line, secrets);
        synchronized (lines) {
            lines.add(line);
        }
    }

    @Override
    public void close() {
        delegate.close();
    }

    /**
     * Every recorded line: {@code --cipassword}, when present, is its last word (qm then reads the
     * password from stdin: no value can follow it on the line), and no {@code secret} appears in
     * any spelling ({@link SensitiveValues#redact}: as is, URL-encoded, JSON-escaped). Returns how
     * many lines were scanned.
     */
    static int assertNoSecrets(List<String> lines, Collection<String> secrets) {
        List<String> copy;
        synchronized (lines) {
            copy = new ArrayList<>(lines);
        }
        for (String line : copy) {
            check(line, secrets);
        }
        return copy.size();
    }

    private static void check(String line, Collection<String> secrets) {
        if (line.contains("'--cipassword'") && !line.endsWith("'--cipassword'")) {
            fail("a value follows --cipassword on a command line: " + SensitiveValues.redact(line, secrets));
        }
        String redacted = SensitiveValues.redact(line, secrets);
        if (!redacted.equals(line)) {
            fail("a secret is on a command line: " + redacted);
        }
    }
}
