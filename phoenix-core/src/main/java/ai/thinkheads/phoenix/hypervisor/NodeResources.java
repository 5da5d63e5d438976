package ai.thinkheads.phoenix.hypervisor;

import java.util.Objects;

/**
 * A node's capacity and use ({@code GET /cluster/resources?type=node}, {@code GET
 * /nodes/{node}/status}).
 *
 * @param node name
 * @param online whether the cluster sees it
 * @param cpus logical CPUs
 * @param cpuLoad current use, 0.0–1.0 of all CPUs
 * @param memoryTotal bytes
 * @param memoryUsed bytes
 */
public record NodeResources(String node, boolean online, int cpus, double cpuLoad, long memoryTotal, long memoryUsed) {

    public NodeResources {
        Objects.requireNonNull(node, "node");
        if (cpus < 0 || memoryTotal < 0 || memoryUsed < 0) {
            throw new IllegalArgumentException("negative capacity for node " + node);
        }
    }

    public long memoryFree() {
        return Math.max(0, memoryTotal - memoryUsed);
    }
}
