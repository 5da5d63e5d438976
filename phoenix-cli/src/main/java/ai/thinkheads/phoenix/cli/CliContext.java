package ai.thinkheads.phoenix.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;

/**
 * What a run of the command sees of its process: the environment (for the connection's variables)
 * and the terminal (for confirmation and colour). Tests hand in their own; {@link PhoenixCli#main}
 * hands in the process's.
 */
public record CliContext(Map<String, String> environment, Terminal terminal) {

    public CliContext {
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        Objects.requireNonNull(terminal, "terminal");
    }

    /** The process's environment and terminal. */
    public static CliContext system() {
        return new CliContext(System.getenv(), Terminal.system());
    }

    String env(String name) {
        String v = environment.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    static void flush(PrintWriter... writers) {
        for (PrintWriter w : writers) {
            w.flush();
        }
    }
}
