package ai.thinkheads.phoenix.testkit.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One cluster node of a {@link PveCluster}: its name (a DNS label, as pve-common's {@code pve-node}
 * format demands), its logical CPUs, its memory in bytes and its Linux bridges, in
 * {@code /etc/network/interfaces} order ({@code vmbr0} unless set otherwise, as the installer makes it).
 */
public record NodeSpec(String name, int cpus, long memoryBytes, List<String> bridges) {

    /** pve-common {@code PVE::JSONSchema::pve_verify_iface}: {@code pve-iface}, 2 to 20 characters. */
    private static final Pattern IFACE = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{1,20}([:.]\\d+)?");

    public NodeSpec {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?")) {
            throw new IllegalArgumentException("not a node name: '" + name + "'");
        }
        if (cpus < 1 || memoryBytes < 1) {
            throw new IllegalArgumentException("node " + name + " needs at least one CPU and some memory");
        }
        bridges = List.copyOf(new LinkedHashSet<>(Objects.requireNonNull(bridges, "bridges")));
        for (String b : bridges) {
            if (!IFACE.matcher(b).matches()) {
                throw new IllegalArgumentException("node " + name + ": not an interface name: '" + b + "'");
            }
        }
    }

    /** A node with the installer's one bridge, {@code vmbr0}. */
    public NodeSpec(String name, int cpus, long memoryBytes) {
        this(name, cpus, memoryBytes, List.of("vmbr0"));
    }

    /** A node with {@code cpus} CPUs, {@code memoryGiB} GiB of memory and the bridge {@code vmbr0}. */
    public static NodeSpec of(String name, int cpus, long memoryGiB) {
        return new NodeSpec(name, cpus, memoryGiB << 30);
    }

    /** This node with exactly these bridges (none at all is allowed: a node whose guests have no network). */
    public NodeSpec withBridges(String... names) {
        return new NodeSpec(name, cpus, memoryBytes, List.of(names));
    }

    /** This node with one more bridge. */
    public NodeSpec withBridge(String bridge) {
        List<String> all = new ArrayList<>(bridges);
        all.add(Objects.requireNonNull(bridge, "bridge"));
        return new NodeSpec(name, cpus, memoryBytes, all);
    }
}
