package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.SensitiveValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One command for the node: its argv, what to feed on standard input, and which of its values are
 * secrets. {@link #toString()} and {@link #redactedCommandLine()} show the command with every secret
 * replaced by {@value #REDACTED}, so a command can be logged; {@link #redact(String)} scrubs the
 * same secrets out of any text (the command's own output, an error message).
 */
record QmCommand(List<String> argv, byte[] stdin, Set<String> secrets, java.time.Duration minimumTimeout) {

    /** What stands in for a secret in logs and messages. */
    public static final String REDACTED = SensitiveValues.REDACTED;

    public QmCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must not be empty");
        }
        argv.forEach(ShellQuoting::checkTransmittable);
        stdin = stdin == null ? new byte[0] : stdin.clone();
        secrets = Set.copyOf(secrets);
        if (minimumTimeout != null && (minimumTimeout.isNegative() || minimumTimeout.isZero())) {
            throw new IllegalArgumentException("minimumTimeout: must be positive");
        }
        for (String secret : secrets) {
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("an empty string cannot be a secret");
            }
        }
    }

    public QmCommand(List<String> argv, byte[] stdin, Set<String> secrets) {
        this(argv, stdin, secrets, null);
    }

    public static QmCommand of(List<String> argv) {
        return new QmCommand(argv, null, Set.of());
    }

    /** How long the command may legitimately take, when longer than usual (null: the runner's default). */
    public java.util.Optional<java.time.Duration> minimumTimeoutIfAny() {
        return java.util.Optional.ofNullable(minimumTimeout);
    }

    @Override
    public byte[] stdin() {
        return stdin.clone();
    }

    /** The command line as it would be sent, secrets replaced. */
    public String redactedCommandLine() {
        List<String> shown = new ArrayList<>(argv.size());
        for (String arg : argv) {
            shown.add(redact(arg));
        }
        return ShellQuoting.commandLine(shown);
    }

    /**
     * {@code text} with every occurrence of every secret replaced by {@value #REDACTED}, in each
     * spelling a node may echo it back in: as is, URL-encoded, JSON-escaped
     * ({@link SensitiveValues#redact}).
     */
    public String redact(String text) {
        return SensitiveValues.redact(text, secrets);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QmCommand c && argv.equals(c.argv) && java.util.Arrays.equals(stdin, c.stdin)
                && secrets.equals(c.secrets) && Objects.equals(minimumTimeout, c.minimumTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(argv, java.util.Arrays.hashCode(stdin), secrets, minimumTimeout);
    }

    @Override
    public String toString() {
        return redactedCommandLine() + (stdin.length == 0 ? "" : " <<(" + stdin.length + " bytes on stdin)");
    }
}
