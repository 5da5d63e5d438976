package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code phoenix simulator}: runs the PVE simulator (HTTPS API and SSH on loopback) until
 * interrupted and prints how to reach it. Its secrets (the API token's secret, root's password) go
 * to a file readable by its owner only, never to the output.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true,
        description = {"Run the PVE simulator (the PVE HTTP API over HTTPS and qm/pvesh over SSH, on 127.0.0.1) until "
                + "Ctrl-C, and print its endpoints. The API token's secret and root's password are written to a file "
                + "only its owner can read, as PHOENIX_PVE_* lines to source."},
        footer = {"", "Example:", "  phoenix simulator --state /tmp/sim --http-port 8006",
            "  . ~/.phoenix/pve-simulator/credentials && phoenix plan --target api examples/definitions/seed.phoenix.json"})
final class SimulatorCommand extends Verb {

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "0", description = "HTTPS port (default: any free port).")
    int httpPort;

    @Option(names = "--ssh-port", paramLabel = "PORT", defaultValue = "0", description = "SSH port (default: any free port).")
    int sshPort;

    @Option(names = "--state", paramLabel = "DIR", description = "Keep the simulated cluster in DIR (restored at start, saved at exit).")
    Path state;

    @Option(names = "--credentials-file", paramLabel = "FILE",
            description = "Where to write the secrets (default: ~/.phoenix/pve-simulator/credentials).")
    Path credentialsFile;

    @Option(names = "--run-for", paramLabel = "SECONDS", description = "Stop after this long (default: until interrupted).")
    Long runFor;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path credentials = credentialsFile != null ? credentialsFile
                : Path.of(System.getProperty("user.home"), ".phoenix", "pve-simulator", "credentials");
        BuiltInSimulator sim = BuiltInSimulator.start(Optional.ofNullable(state), httpPort, sshPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop(sim);
            stopped.countDown();
        });
        try {
            PveSimulator s = sim.simulator();
            writeCredentials(credentials, s);
            out().println("PVE simulator running (node " + BuiltInSimulator.NODE + ", images local:import/"
                    + BuiltInSimulator.IMAGE + " and local:iso/" + BuiltInSimulator.IMAGE + ")");
            out().println("  API:          " + s.url() + "/api2/json");
            out().println("  API token:    " + s.apiTokenId() + "   (secret in " + credentials + ")");
            out().println("  user:         " + s.rootUser() + "   (password in " + credentials + ")");
            out().println("  TLS SHA-256:  " + s.certificateFingerprint());
            out().println("  SSH:          ssh -p " + s.sshPort() + " root@127.0.0.1   (host key " + s.sshHostKeyFingerprint() + ")");
            out().println("  state:        " + sim.stateDir().map(d -> "kept in " + d).orElse("not kept (no --state)"));
            out().println("  use it:       . " + credentials + " && phoenix plan --target api FILE...");
            out().println(runFor == null ? "Ctrl-C stops it." : "It stops after " + runFor + " s.");
            out().flush();
            if (runFor == null) {
                Runtime.getRuntime().addShutdownHook(hook);
                stopped.await();
            } else {
                stopped.await(runFor, TimeUnit.SECONDS);
                stop(sim);
                out().println("PVE simulator stopped.");
            }
            return OK;
        } catch (RuntimeException | IOException e) {
            sim.close();
            throw e;
        }
    }

    private static void stop(BuiltInSimulator sim) {
        try {
            sim.save();
        } finally {
            sim.close();
        }
    }

    /** {@code PHOENIX_PVE_*} lines for a shell to source, in a file only its owner may read. */
    private static void writeCredentials(Path file, PveSimulator s) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "credentials", ".tmp");   // created rw------- on POSIX
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its default permissions apply
        }
        String text = "# the phoenix simulator at " + s.url() + " (written by 'phoenix simulator')\n"
                + "export PHOENIX_PVE_URL=" + s.url() + "\n"
                + "export PHOENIX_PVE_NODE=" + BuiltInSimulator.NODE + "\n"
                + "export PHOENIX_PVE_TOKEN_ID='" + s.apiTokenId() + "'\n"
                + "export PHOENIX_PVE_TOKEN_SECRET=" + s.apiTokenSecret() + "\n"
                + "export PHOENIX_PVE_FINGERPRINT=" + s.certificateFingerprint() + "\n"
                + "export PHOENIX_SIMULATOR_ROOT_PASSWORD=" + s.rootPassword() + "\n";
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
