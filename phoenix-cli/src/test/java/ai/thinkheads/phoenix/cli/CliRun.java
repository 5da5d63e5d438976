package ai.thinkheads.phoenix.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/** One in-process run of the command: its exit code and what it wrote to out and err. */
record CliRun(int exit, String out, String err) {

    static CliRun run(Map<String, String> env, Terminal terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = PhoenixCli.commandLine(new CliContext(env, terminal));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** No environment (so the simulator is the target) and no terminal. */
    static CliRun run(String... args) {
        return run(Map.of(), Terminal.none(), args);
    }

    /** A terminal on which the person answers {@code answer}. */
    static Terminal answering(String answer) {
        return prompt -> Optional.of(answer);
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
}
