package ai.thinkheads.phoenix.testkit.model;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One storage of a {@link PveCluster}, as {@code /etc/pve/storage.cfg} would declare it.
 *
 * <p>A shared storage is one pool of volumes that every listed node sees; a local storage exists
 * once per listed node, each with its own volumes and its own capacity (as {@code local-lvm} on
 * every node of a real cluster).
 *
 * @param id storage id, e.g. {@code local-lvm}
 * @param type plugin type: {@code dir}, {@code lvmthin}, {@code zfspool}, {@code nfs}, {@code rbd}...
 *     Path-based types ({@code dir}, {@code nfs}, {@code cifs}, {@code glusterfs}, {@code cephfs})
 *     name volumes {@code <vmid>/vm-<vmid>-disk-<n>.qcow2}; the others {@code vm-<vmid>-disk-<n>}.
 * @param content content types it may hold: {@code images}, {@code iso}, {@code snippets},
 *     {@code import}, {@code vztmpl}, {@code backup}, {@code rootdir}
 * @param capacityBytes total bytes (per node for a local storage)
 * @param shared whether the listed nodes share one pool of volumes
 * @param nodes the nodes that see it; empty means every node
 * @param path for a path-based storage, its directory ({@code storage.cfg}'s {@code path}); files
 *     live under pve-storage's layout ({@code PVE::Storage::Plugin} {@code $vtype_subdirs}):
 *     {@code <path>/snippets/}, {@code <path>/template/iso/}, {@code <path>/template/cache/},
 *     {@code <path>/import/}. Null for block storages.
 */
public record StorageSpec(String id, String type, Set<String> content, long capacityBytes, boolean shared,
                          Set<String> nodes, String path) {

    private static final Set<String> PATH_TYPES = Set.of("dir", "nfs", "cifs", "glusterfs", "cephfs", "btrfs");

    public StorageSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        // pve-common PVE::JSONSchema::parse_storage_id matches m/^[a-z][a-z0-9\-\_\.]*[a-z0-9]$/i: "quickOS-vm-disks" is valid
        if (!id.matches("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]")) {
            throw new IllegalArgumentException("not a storage id: '" + id + "'");
        }
        content = Set.copyOf(new TreeSet<>(content));
        nodes = Set.copyOf(nodes);
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("negative capacity for storage " + id);
        }
        if (path != null && (!path.startsWith("/") || path.endsWith("/") || path.contains("//"))) {
            throw new IllegalArgumentException("not an absolute directory path for storage " + id + ": " + path);
        }
        if (path != null && !PATH_TYPES.contains(type)) {
            throw new IllegalArgumentException("storage type '" + type + "' has no path");
        }
    }

    /**
     * A storage with the default path: {@code /var/lib/vz} for {@code local} (the installer's
     * {@code dir} storage), {@code /mnt/pve/<id>} for other path-based types (where PVE mounts
     * network storages; a {@code dir} storage needs an explicit path in PVE, so this is the
     * simulator's choice), none for block storages.
     */
    public StorageSpec(String id, String type, Set<String> content, long capacityBytes, boolean shared, Set<String> nodes) {
        this(id, type, content, capacityBytes, shared, nodes, defaultPath(id, type));
    }

    private static String defaultPath(String id, String type) {
        if (!PATH_TYPES.contains(type)) {
            return null;
        }
        return id.equals("local") && type.equals("dir") ? "/var/lib/vz" : "/mnt/pve/" + id;
    }

    /** The same storage at another directory. */
    public StorageSpec withPath(String directory) {
        return new StorageSpec(id, type, content, capacityBytes, shared, nodes, directory);
    }

    /** The directory files of {@code contentType} live in, if this storage has a path. */
    public java.util.Optional<String> directoryFor(String contentType) {
        String sub = switch (contentType) {
            case "iso" -> "template/iso";
            case "vztmpl" -> "template/cache";
            case "snippets" -> "snippets";
            case "import" -> "import";
            case "backup" -> "dump";
            case "images" -> "images";
            default -> null;
        };
        return path == null || sub == null ? java.util.Optional.empty() : java.util.Optional.of(path + "/" + sub);
    }

    /** A local storage on every node. */
    public static StorageSpec local(String id, String type, long capacityGiB, String... content) {
        return new StorageSpec(id, type, Set.of(content), capacityGiB << 30, false, Set.of());
    }

    /** A storage every node shares. */
    public static StorageSpec shared(String id, String type, long capacityGiB, String... content) {
        return new StorageSpec(id, type, Set.of(content), capacityGiB << 30, true, Set.of());
    }

    /** The same storage, seen only by {@code nodeNames}. */
    public StorageSpec onNodes(String... nodeNames) {
        return new StorageSpec(id, type, content, capacityBytes, shared, Set.of(nodeNames), path);
    }

    /** The same storage with another capacity. */
    public StorageSpec withCapacity(long bytes) {
        return new StorageSpec(id, type, content, bytes, shared, nodes, path);
    }

    /** Whether volumes are files under a directory (qcow2 by default) rather than block devices. */
    public boolean pathBased() {
        return PATH_TYPES.contains(type);
    }

    public boolean holds(String contentType) {
        return content.contains(contentType);
    }

    public boolean visibleOn(String node) {
        return nodes.isEmpty() || nodes.contains(node);
    }
}
