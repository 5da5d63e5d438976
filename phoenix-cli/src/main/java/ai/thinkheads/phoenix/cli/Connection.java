package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import java.util.Objects;
import java.util.Optional;

/**
 * An open connection to the target: the hypervisor, the node new VMs go to by default, and the
 * built-in simulator when the target is {@code simulator} (its state is saved when the connection
 * closes).
 */
final class Connection implements AutoCloseable {

    private final Hypervisor hypervisor;
    private final String node;
    private final BuiltInSimulator simulator;

    Connection(Hypervisor hypervisor, String node, BuiltInSimulator simulator) {
        this.hypervisor = Objects.requireNonNull(hypervisor);
        this.node = Objects.requireNonNull(node);
        this.simulator = simulator;
    }

    Hypervisor hypervisor() {
        return hypervisor;
    }

    String node() {
        return node;
    }

    Optional<BuiltInSimulator> simulator() {
        return Optional.ofNullable(simulator);
    }

    @Override
    public void close() {
        try {
            hypervisor.close();
        } finally {
            if (simulator != null) {
                try {
                    simulator.save();
                } finally {
                    simulator.close();
                }
            }
        }
    }
}
