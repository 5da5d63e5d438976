package ai.thinkheads.phoenix.testkit.simulator.ssh;

/**
 * The node's file system as far as the SSH face writes it: {@code cat > <path>} and
 * {@code tee <path>} hand it the whole of stdin. The simulator backs it with the cluster model,
 * so {@code /var/lib/vz/snippets/user.yaml} becomes the volume {@code local:snippets/user.yaml}
 * and {@code /var/lib/vz/template/iso/seed.iso} the volume {@code local:iso/seed.iso} (pve-storage's
 * directory layout under each path-based storage's {@code path}).
 *
 * <p>Implementations are thread-safe: several SSH sessions may write at once.
 */
@FunctionalInterface
public interface NodeFiles {

    /**
     * Writes (or replaces) the file at {@code path} (absolute, no {@code .}/{@code ..} segments).
     *
     * @throws CannotWrite when the file cannot be written, with the reason a shell would give
     *     ({@code Permission denied}, {@code No such file or directory}, {@code No space left on device})
     */
    void write(String path, byte[] content) throws CannotWrite;

    /** A write that failed, with the shell's reason. */
    final class CannotWrite extends Exception {
        private static final long serialVersionUID = 1L;

        public CannotWrite(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * The files of {@code node} in {@code cluster} ({@link ai.thinkheads.phoenix.testkit.model.PveCluster#writeFile}):
     * a file directly under a path-based storage's content directory is that storage's volume.
     */
    static NodeFiles over(ai.thinkheads.phoenix.testkit.model.PveCluster cluster, String node) {
        return (path, content) -> {
            try {
                cluster.writeFile(node, path, content);
            } catch (ai.thinkheads.phoenix.hypervisor.NotFoundException | ai.thinkheads.phoenix.hypervisor.ConflictException e) {
                String m = e.getMessage();
                throw new CannotWrite(m.startsWith(path + ": ") ? m.substring(path.length() + 2) : m);
            }
        };
    }
}
