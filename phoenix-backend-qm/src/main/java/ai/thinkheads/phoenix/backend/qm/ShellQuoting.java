package ai.thinkheads.phoenix.backend.qm;

import java.util.List;
import java.util.Objects;

/**
 * The one place where arguments become a POSIX shell command line.
 *
 * <p>An SSH server runs an exec request through the user's login shell ({@code $SHELL -c
 * "<command>"}), so every argument is wrapped in single quotes. Inside single quotes a POSIX shell
 * interprets nothing at all (POSIX.1-2017, XCU 2.2.2): no {@code $()}, no backticks, no
 * backslashes, no globbing, newlines are literal. The only character that cannot appear inside is
 * the single quote itself, which is written as {@code '\''} (close the quote, an escaped quote,
 * reopen). An empty argument becomes {@code ''}, so it survives as one (empty) argument.
 *
 * <pre>{@code
 * ShellQuoting.quote("it's");                          // 'it'\''s'
 * ShellQuoting.commandLine(List.of("qm", "set", "100", "--name", "a b"));
 * // 'qm' 'set' '100' '--name' 'a b'
 * }</pre>
 *
 * <p>NUL cannot be carried by a C argv (it ends the string), so a NUL anywhere is refused with
 * {@link IllegalArgumentException} instead of being silently truncated on the far side. Unpaired
 * UTF-16 surrogates are refused as well: they have no UTF-8 encoding and would arrive altered.
 */
final class ShellQuoting {

    private ShellQuoting() {
    }

    /** {@code value} as one single-quoted shell word. */
    public static String quote(String value) {
        checkTransmittable(value);
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** Every argument quoted with {@link #quote}, joined by single spaces. */
    public static String commandLine(List<String> argv) {
        Objects.requireNonNull(argv, "argv");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least the program name");
        }
        StringBuilder sb = new StringBuilder();
        for (String arg : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(quote(arg));
        }
        return sb.toString();
    }

    /**
     * Throws {@link IllegalArgumentException} unless {@code value} can reach a remote program as
     * the same bytes: not null, no NUL, no unpaired surrogate. The message does not include the
     * value (it may be a secret); it names the offending position.
     */
    public static void checkTransmittable(String value) {
        Objects.requireNonNull(value, "argument");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                throw new IllegalArgumentException("argument contains NUL at index " + i
                        + "; a command-line argument cannot carry it");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new IllegalArgumentException("argument contains an unpaired surrogate at index " + i);
            }
            if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException("argument contains an unpaired surrogate at index " + i);
            }
        }
    }
}
