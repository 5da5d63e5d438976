package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.PhoenixException;
import java.util.List;

/**
 * The definitions depend on each other in a circle ({@code dependsOn}, or a clone's template), so
 * no order can put each VM after what it needs. The message names the cycle: {@code a → b → a}.
 */
public class DependencyCycleException extends PhoenixException {
    private static final long serialVersionUID = 1L;

    private final List<String> cycle;

    public DependencyCycleException(List<String> cycle) {
        super("the definitions depend on each other in a cycle: " + String.join(" → ", cycle));
        this.cycle = List.copyOf(cycle);
    }

    /** The VM names on the cycle, the first repeated at the end. */
    public List<String> cycle() {
        return cycle;
    }
}
