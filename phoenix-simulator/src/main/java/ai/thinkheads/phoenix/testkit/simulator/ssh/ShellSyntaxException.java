package ai.thinkheads.phoenix.testkit.simulator.ssh;

/**
 * A command line the simulator refuses to interpret: it is malformed (an unterminated quote) or it
 * would need a shell feature the simulator does not model (expansion, globbing, pipes, lists,
 * most redirections). The SSH face answers these with exit status {@link #EXIT_STATUS} and the
 * message on stderr, so a client that relies on such features fails loudly instead of getting a
 * silently different result.
 */
public final class ShellSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The exit status {@code dash} uses for syntax errors. */
    public static final int EXIT_STATUS = 2;

    private final int position;

    public ShellSyntaxException(String message, int position) {
        super(message);
        this.position = position;
    }

    /** Offset in the command line where the problem was found (0-based). */
    public int position() {
        return position;
    }
}
