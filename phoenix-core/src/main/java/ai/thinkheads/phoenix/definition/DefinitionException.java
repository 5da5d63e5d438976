package ai.thinkheads.phoenix.definition;

import ai.thinkheads.phoenix.PhoenixException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A definition file could not be read: every problem found, each with JSON path, line, column and
 * message — not just the first. The message has one line per problem:
 * <pre>
 * phoenix_vm_configs.json has 2 problems:
 *   $.vms[1].cores (line 30, column 22): expected an integer, got "four"
 *   $.vms[2].clone_from_vmid (line 61, column 32): no VM with vmid 7000 in this file
 * </pre>
 */
public class DefinitionException extends PhoenixException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final transient List<DefinitionProblem> problems;

    public DefinitionException(String source, List<DefinitionProblem> problems) {
        super(message(source, problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a DefinitionException needs at least one problem");
        }
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file (or other source name) that was read. */
    public String source() {
        return source;
    }

    public List<DefinitionProblem> problems() {
        return problems;
    }

    private static String message(String source, List<DefinitionProblem> problems) {
        return source + " has " + problems.size() + (problems.size() == 1 ? " problem:" : " problems:")
                + problems.stream().map(p -> "\n  " + p).collect(Collectors.joining());
    }
}
