package ai.thinkheads.phoenix.spec;

import ai.thinkheads.phoenix.PhoenixException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@link VmSpec} could not be built: every problem found, not just the first. The message has
 * one line per problem:
 * <pre>
 * VmSpec 'web01' has 2 problems:
 *   nics[1].vlan: 5000 is outside 1..4094
 *   boot[0]: 'scsi3' is not a declared disk, NIC or PCI device
 * </pre>
 */
public class InvalidSpecException extends PhoenixException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public InvalidSpecException(String vmName, List<Problem> problems) {
        super(message(vmName, problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an InvalidSpecException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String message(String vmName, List<Problem> problems) {
        return "VmSpec '" + vmName + "' has " + problems.size() + (problems.size() == 1 ? " problem:" : " problems:")
                + problems.stream().map(p -> "\n  " + p).collect(Collectors.joining());
    }
}
