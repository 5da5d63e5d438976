package ai.thinkheads.phoenix.backend.qm;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How a command ended: its exit status and what it printed (decoded as UTF-8).
 *
 * <p>{@link #toString()} shows only the exit code and sizes: output may echo secrets.
 */
public record CommandResult(int exitCode, String stdout, String stderr) {

    public CommandResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "");
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** {@code stdout} split into lines, without line terminators and without a trailing empty line. */
    public List<String> stdoutLines() {
        return lines(stdout);
    }

    /** {@code stderr} split into lines, like {@link #stdoutLines()}. */
    public List<String> stderrLines() {
        return lines(stderr);
    }

    static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> lines = Arrays.asList(text.split("\r?\n", -1));
        boolean trailingNewline = lines.get(lines.size() - 1).isEmpty();
        return List.copyOf(trailingNewline ? lines.subList(0, lines.size() - 1) : lines);
    }

    @Override
    public String toString() {
        return "CommandResult[exit=" + exitCode + ", stdout=" + stdout.length() + " chars, stderr="
                + stderr.length() + " chars]";
    }
}
