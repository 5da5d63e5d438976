package ai.thinkheads.phoenix.backend.qm;

import java.util.List;

/**
 * Runs one command on the Proxmox node: the seam between building/parsing {@code qm} and
 * {@code pvesh} commands ({@link QmHypervisor}) and moving bytes ({@link SshCommandRunner}).
 *
 * <p>{@code argv} is the program and its arguments exactly as the program must receive them; the
 * runner is responsible for transporting them intact (the SSH runner quotes each with
 * {@link ShellQuoting}). A test double or a simulator can interpret {@code argv} directly.
 *
 * <p>Implementations are thread-safe. A runner never logs {@code argv} or {@code stdin}: they may
 * hold secrets, and only the caller knows which.
 */
public interface CommandRunner extends AutoCloseable {

    /**
     * Runs {@code argv} with {@code stdin} (possibly empty, then the program sees end-of-file at
     * once) and returns how it ended. A non-zero exit is a normal result, not an exception.
     *
     * @throws ai.thinkheads.phoenix.hypervisor.TransportException when the command could not be
     *     run or its end could not be observed (connection lost, timeout, host key refused)
     */
    CommandResult run(List<String> argv, byte[] stdin);

    /**
     * Like {@link #run(List, byte[])}, for a command known to take long: the runner waits at
     * least {@code atLeast} (or its own per-command timeout, whichever is longer). {@code qm
     * shutdown --timeout 600} is such a command. Runners without a timeout ignore the hint.
     */
    default CommandResult run(List<String> argv, byte[] stdin, java.time.Duration atLeast) {
        return run(argv, stdin);
    }

    /**
     * Writes {@code content} to the file {@code path} on the node, replacing it whole or not at
     * all: the bytes go on standard input (never on a command line) to a temporary file beside
     * {@code path}, which is renamed over it only when every byte arrived (the SSH runner's
     * {@code SshCommandRunner.ATOMIC_WRITE}); an interrupted write leaves the previous file. Returns
     * how the shell ended; a non-zero exit is a normal result. Runners that cannot write files
     * (test doubles) refuse with {@link UnsupportedOperationException}.
     */
    default CommandResult writeFile(String path, byte[] content) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot write files on the node");
    }

    /** Releases connections. Idempotent. */
    @Override
    void close();
}
