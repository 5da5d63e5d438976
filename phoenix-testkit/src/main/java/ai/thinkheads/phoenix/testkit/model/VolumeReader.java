package ai.thinkheads.phoenix.testkit.model;

import java.util.Map;
import java.util.Optional;

/**
 * Reads the bytes of a volume ({@code local:snippets/user.yaml}, {@code local:iso/seed.iso}) as the
 * guest's cloud-init finds them. The cluster calls it under its lock when a VM boots: it must not
 * call back into a {@link PveCluster} other than through that cluster's own reentrant reads.
 */
@FunctionalInterface
public interface VolumeReader {

    /** The volume's content on {@code node}, or empty when the reader does not know it. */
    Optional<byte[]> read(String node, String volid);

    /** A reader that knows no volume's content: guests then find no cicustom snippet and no seed ISO. */
    static VolumeReader none() {
        return (node, volid) -> Optional.empty();
    }

    /** A reader over a fixed map of volume id to content, the same on every node (for tests). */
    static VolumeReader of(Map<String, byte[]> contents) {
        Map<String, byte[]> copy = Map.copyOf(contents);
        return (node, volid) -> Optional.ofNullable(copy.get(volid)).map(byte[]::clone);
    }
}
