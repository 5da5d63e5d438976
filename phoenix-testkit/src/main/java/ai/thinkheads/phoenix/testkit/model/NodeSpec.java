package ai.thinkheads.phoenix.testkit.model;

import java.util.Objects;

/**
 * One cluster node of a {@link PveCluster}: its name (a DNS label, as pve-common's {@code pve-node}
 * format demands), its logical CPUs and its memory in bytes.
 */
public record NodeSpec(String name, int cpus, long memoryBytes) {

    public NodeSpec {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?")) {
            throw new IllegalArgumentException("not a node name: '" + name + "'");
        }
        if (cpus < 1 || memoryBytes < 1) {
            throw new IllegalArgumentException("node " + name + " needs at least one CPU and some memory");
        }
    }

    /** A node with {@code cpus} CPUs and {@code memoryGiB} GiB of memory. */
    public static NodeSpec of(String name, int cpus, long memoryGiB) {
        return new NodeSpec(name, cpus, memoryGiB << 30);
    }
}
