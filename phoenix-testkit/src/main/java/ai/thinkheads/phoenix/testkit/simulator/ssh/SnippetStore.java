package ai.thinkheads.phoenix.testkit.simulator.ssh;

/**
 * Receives files a client uploads over SSH into the {@code local} storage's snippet directory
 * {@value CliInterpreter#SNIPPET_DIR}, i.e. the volume {@code local:snippets/<name>} that
 * {@code --cicustom user=local:snippets/<name>} refers to. The interpreter accepts exactly two
 * forms, both reading the whole of stdin:
 * <ul>
 *   <li>{@code cat > /var/lib/vz/snippets/<name>} (prints nothing);</li>
 *   <li>{@code tee /var/lib/vz/snippets/<name>} (echoes stdin to stdout, as tee does).</li>
 * </ul>
 * {@code <name>} must match {@code [A-Za-z0-9][A-Za-z0-9._-]*}. Implementations must be
 * thread-safe: several SSH sessions may upload at once.
 */
@FunctionalInterface
public interface SnippetStore {

    /** Stores (or replaces) snippet {@code name} with {@code content}. */
    void write(String name, byte[] content);
}
