package ai.thinkheads.phoenix.hypervisor;

import java.util.Objects;
import java.util.Set;

/**
 * A storage as one node sees it ({@code GET /nodes/{node}/storage}).
 *
 * @param node the node
 * @param storage storage id, e.g. {@code local-lvm}
 * @param type plugin type: {@code dir}, {@code lvmthin}, {@code zfspool}, {@code nfs}...
 * @param content what it may hold: {@code images}, {@code rootdir}, {@code iso}, {@code vztmpl},
 *     {@code snippets}, {@code backup}, {@code import}
 * @param shared whether all nodes see the same storage
 * @param active whether it is usable now
 * @param total bytes
 * @param used bytes
 * @param available bytes free for new volumes
 */
public record StorageInfo(String node, String storage, String type, Set<String> content, boolean shared,
                          boolean active, long total, long used, long available) {

    public StorageInfo {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(type, "type");
        content = Set.copyOf(content);
    }

    public boolean holds(String contentType) {
        return content.contains(contentType);
    }
}
