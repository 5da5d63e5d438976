package ai.thinkheads.phoenix.testkit.simulator.ssh;

import java.util.Objects;

/**
 * What one command produced: exit status and the text written to stdout and stderr (UTF-8).
 *
 * @param exitCode 0 on success; 255 for a Perl {@code die} or {@code exit(-1)}; 2 for a refused
 *     command line; 127 for an unknown command
 * @param stdout everything written to standard output
 * @param stderr everything written to standard error
 */
public record CliResult(int exitCode, String stdout, String stderr) {

    public CliResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public boolean succeeded() {
        return exitCode == 0;
    }
}
