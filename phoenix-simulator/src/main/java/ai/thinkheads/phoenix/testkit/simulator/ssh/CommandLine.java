package ai.thinkheads.phoenix.testkit.simulator.ssh;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A command line after {@link ShellWords#parse(String)}: the words a shell would hand to
 * {@code execve}, and the target of a trailing {@code > file} redirection if there was one (the
 * only redirection the simulator accepts, for {@code cat > /var/lib/vz/snippets/<name>}).
 *
 * @param argv the words, never empty
 * @param stdoutRedirect the file named by a trailing {@code > file}, if any
 */
public record CommandLine(List<String> argv, Optional<String> stdoutRedirect) {

    public CommandLine {
        argv = List.copyOf(argv);
        Objects.requireNonNull(stdoutRedirect, "stdoutRedirect");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command line");
        }
    }

    /** A command line without redirection. */
    public static CommandLine of(List<String> argv) {
        return new CommandLine(argv, Optional.empty());
    }
}
