package ai.thinkheads.phoenix.spec;

/**
 * A single value given to a {@link VmSpec} builder or a spec component ({@link Disk}, {@link Nic},
 * ...) is invalid. The message is {@code path: message}, e.g.
 * {@code nics[1].vlan: 5000 is outside 1..4094}; {@link #problem()} has both parts.
 */
public class InvalidValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    public InvalidValueException(String path, String message) {
        this(new Problem(path, message));
    }

    public InvalidValueException(Problem problem) {
        super(problem.toString());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
