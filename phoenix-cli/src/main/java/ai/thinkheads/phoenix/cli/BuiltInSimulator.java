package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.model.ClusterStateFile;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The simulated cluster of {@code --target simulator} and of the {@code simulator} verb: a fake
 * cluster shaped like the examples' one (node {@code pve}; storages {@code local} with the Ubuntu
 * 24.04 cloud image as {@code local:import/...} and {@code local:iso/...}, {@code local-lvm}) on
 * the wall clock, served over HTTPS and SSH by the testkit's {@link PveSimulator}, optionally
 * restored from and saved to a state directory. The one place the command builds the testkit's
 * fake and simulator.
 */
final class BuiltInSimulator implements AutoCloseable {

    static final String NODE = "pve";
    static final String IMAGE = "noble-server-cloudimg-amd64.img";
    static final long IMAGE_BYTES = 3758096384L;
    private static final String STATE_FILE = "cluster.json";

    private static final String LOCK_FILE = ".lock";

    private final FakeHypervisor cluster;
    private final PveSimulator simulator;
    private final Path stateDir;
    private final FileChannel lock;

    private BuiltInSimulator(FakeHypervisor cluster, PveSimulator simulator, Path stateDir, FileChannel lock) {
        this.cluster = cluster;
        this.simulator = simulator;
        this.stateDir = stateDir;
        this.lock = lock;
    }

    /**
     * Locks the state directory for this run, so that two runs on one state cannot both restore
     * it and the later save silently drop what the other did.
     */
    private static FileChannel lock(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                if (channel.tryLock() != null) {
                    return channel;
                }
            } catch (OverlappingFileLockException e) {
                // held by this process
            }
            channel.close();
            throw new IllegalStateException("the simulator state " + dir + " is in use by another phoenix run "
                    + "(a running 'phoenix simulator --state', or another verb): wait for it, or use another --state");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the simulator state " + dir, e);
        }
    }

    /**
     * Starts a simulator on loopback (ephemeral ports unless given), its cluster restored from
     * {@code stateDir}/cluster.json when that exists.
     */
    static BuiltInSimulator start(Optional<Path> stateDir, int httpPort, int sshPort) {
        // tasks and guests quick enough for a person waiting at a terminal (as the main job's simulator)
        FakeHypervisor cluster = FakeHypervisor.builder().realTime()
                .defaultTaskDuration(Duration.ofMillis(50))
                .guestBootDelay(Duration.ofMillis(200))
                .cloudInitDuration(Duration.ofMillis(500), Duration.ofMillis(20))
                .build();
        cluster.cluster().addVolume(NODE, "local", "import/" + IMAGE, IMAGE_BYTES);
        cluster.cluster().addVolume(NODE, "local", "iso/" + IMAGE, IMAGE_BYTES);
        FileChannel lock = stateDir.isPresent() ? lock(stateDir.get()) : null;
        try {
            if (stateDir.isPresent()) {
                ClusterStateFile.load(cluster.cluster(), stateDir.get().resolve(STATE_FILE));
            }
            PveSimulator sim = PveSimulator.over(cluster.cluster()).httpPort(httpPort).sshPort(sshPort).build().start();
            return new BuiltInSimulator(cluster, sim, stateDir.orElse(null), lock);
        } catch (IOException e) {
            release(lock);
            throw new UncheckedIOException("cannot read the simulator's state in " + stateDir.get(), e);
        } catch (RuntimeException e) {
            release(lock);
            throw e;
        }
    }

    private static void release(FileChannel lock) {
        if (lock != null) {
            try {
                lock.close();   // releases the lock
            } catch (IOException e) {
                // the process's end releases it anyway
            }
        }
    }

    /** The simulated cluster itself (tests use it to change the cluster behind the command's back). */
    FakeHypervisor cluster() {
        return cluster;
    }

    PveSimulator simulator() {
        return simulator;
    }

    Optional<Path> stateDir() {
        return Optional.ofNullable(stateDir);
    }

    /** Writes the cluster's state to the state directory, if there is one. */
    void save() {
        if (stateDir != null) {
            try {
                ClusterStateFile.save(cluster.cluster(), stateDir.resolve(STATE_FILE));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the simulator's state to " + stateDir, e);
            }
        }
    }

    @Override
    public void close() {
        try {
            simulator.close();
        } finally {
            release(lock);
        }
    }
}
