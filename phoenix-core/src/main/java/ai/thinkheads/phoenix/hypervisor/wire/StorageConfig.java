package ai.thinkheads.phoenix.hypervisor.wire;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A storage's section of {@code storage.cfg} as {@code GET /storage/{storage}} returns it: what
 * decides whether a file can be written to it.
 *
 * @param storage the storage id
 * @param type the plugin type ({@code dir}, {@code lvmthin}, {@code nfs}...)
 * @param content the content types it may hold
 * @param path its directory for path-based storages, or null (block storages)
 * @param nodes the nodes it is restricted to; empty for all nodes
 */
public record StorageConfig(String storage, String type, Set<String> content, String path, Set<String> nodes) {

    public StorageConfig {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(type, "type");
        content = Set.copyOf(content);
        nodes = Set.copyOf(nodes);
    }

    public Optional<String> pathIfAny() {
        return Optional.ofNullable(path);
    }

    /** Whether {@code node} may use it (pve-storage {@code PVE::Storage::storage_check_node}). */
    public boolean availableOn(String node) {
        return nodes.isEmpty() || nodes.contains(node);
    }
}
