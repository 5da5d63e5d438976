package ai.thinkheads.phoenix.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * How text is shown: with ANSI colour on a terminal (the plan's {@code +} green, {@code ~} yellow,
 * {@code -} and {@code !} red), plain otherwise, with {@code --no-color} or when {@code NO_COLOR}
 * is set (no-color.org).
 */
final class OutputStyle {

    private static final String RESET = "\u001B[0m";
    private final boolean colour;

    private OutputStyle(boolean colour) {
        this.colour = colour;
    }

    static OutputStyle of(CliContext context, boolean noColor) {
        return new OutputStyle(!noColor && context.terminal().interactive() && context.env("NO_COLOR") == null);
    }

    boolean colour() {
        return colour;
    }

    /** The rendered plan, each change line coloured by its sign. */
    String plan(String rendered) {
        if (!colour) {
            return rendered;
        }
        StringBuilder sb = new StringBuilder();
        for (String line : rendered.split("\n", -1)) {
            String t = line.stripLeading();
            String code = t.startsWith("-/+") || t.startsWith("- ") || t.startsWith("!") ? "\u001B[31m"
                    : t.startsWith("+ ") ? "\u001B[32m" : t.startsWith("~ ") ? "\u001B[33m"
                    : t.startsWith("warning:") ? "\u001B[35m" : null;
            sb.append(code == null || line.isEmpty() ? line : code + line + RESET).append('\n');
        }
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    /** A {@link PrintStream} that writes each flushed line to {@code out} (for listeners that print to a stream). */
    static PrintStream stream(PrintWriter out) {
        OutputStream lines = new OutputStream() {
            private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                pending.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                pending.write(b, off, len);
            }

            @Override
            public synchronized void flush() {
                out.write(pending.toString(StandardCharsets.UTF_8));
                out.flush();
                pending.reset();
            }
        };
        return new PrintStream(lines, true, StandardCharsets.UTF_8);
    }
}
