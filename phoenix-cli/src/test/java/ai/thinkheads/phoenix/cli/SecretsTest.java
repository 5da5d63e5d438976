package ai.thinkheads.phoenix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets come from the environment or a file, never from a flag, and are never printed. */
class SecretsTest {

    private static final String SEED = "examples/definitions/seed.phoenix.json";

    @Test
    void aSecretPassedAsAFlagIsRefusedWithoutRepeatingIt() {
        for (String[] args : new String[][] {
            {"plan", "--token-secret", "s3cr3t-flag-value", SEED},
            {"apply", "--password=s3cr3t-flag-value", "--auto-approve", SEED},
            {"status", "--secret", "s3cr3t-flag-value"},
        }) {
            CliRun r = CliRun.run(args);
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("a secret is never taken from a flag"), r.toString());
            assertTrue(r.err().contains("PHOENIX_PVE_TOKEN_SECRET") && r.err().contains("--token-secret-file"), r.toString());
            assertFalse((r.out() + r.err()).contains("s3cr3t-flag-value"), r.toString());
        }
    }

    /** Runs {@code run} with the process's own out and err captured too (where slf4j-simple logs). */
    private static String withProcessOutput(Supplier<CliRun> run, CliRun[] result) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            result[0] = run.get();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8) + result[0].out() + result[0].err();
    }

    @Test
    void theApiTargetTakesItsSecretFromTheEnvironmentOrAFileAndNeverPrintsIt(@TempDir Path dir) throws Exception {
        FakeHypervisor cluster = FakeHypervisor.builder().realTime().defaultTaskDuration(java.time.Duration.ofMillis(20))
                .guestBootDelay(java.time.Duration.ofMillis(100)).cloudInitDuration(java.time.Duration.ofMillis(200),
                        java.time.Duration.ofMillis(10)).build();
        cluster.cluster().addVolume("pve", "local", "import/noble-server-cloudimg-amd64.img", 3758096384L);
        try (PveSimulator sim = PveSimulator.over(cluster.cluster()).build().start()) {
            String secret = sim.apiTokenSecret();
            Map<String, String> env = new HashMap<>(Map.of(
                    "PHOENIX_PVE_URL", sim.url(), "PHOENIX_PVE_NODE", "pve", "PHOENIX_PVE_TOKEN_ID", sim.apiTokenId(),
                    "PHOENIX_PVE_TOKEN_SECRET", secret, "PHOENIX_PVE_FINGERPRINT", sim.certificateFingerprint()));
            CliRun[] r = new CliRun[1];

            String printed = withProcessOutput(() -> CliRun.run(env, Terminal.none(), "apply", "--verbose", "--auto-approve", SEED), r);
            assertEquals(0, r[0].exit(), r[0].toString());
            assertEquals(3, cluster.listVms().size(), "the API target is the cluster from the environment");
            assertFalse(printed.contains(secret), "the token secret was printed: " + printed);

            printed = withProcessOutput(() -> CliRun.run(env, Terminal.none(), "status", "--verbose"), r);
            assertEquals(0, r[0].exit(), r[0].toString());
            assertFalse(printed.contains(secret));

            Path file = dir.resolve("token");
            Files.writeString(file, secret + "\n");
            env.remove("PHOENIX_PVE_TOKEN_SECRET");
            CliRun fromFile = CliRun.run(env, Terminal.none(), "plan", "--token-secret-file", file.toString(), SEED);
            assertEquals(0, fromFile.exit(), fromFile.toString());
            CliRun missing = CliRun.run(env, Terminal.none(), "plan", SEED);
            assertEquals(1, missing.exit(), missing.toString());
            assertTrue(missing.err().contains("the API token's secret is missing"), missing.toString());

            env.put("PHOENIX_PVE_TOKEN_SECRET", "00000000-wrong-secret-0000");
            printed = withProcessOutput(() -> CliRun.run(env, Terminal.none(), "plan", "--verbose", SEED), r);
            assertEquals(1, r[0].exit(), r[0].toString());
            assertFalse(printed.contains("00000000-wrong-secret-0000"), printed);
        }
    }

    @Test
    void theSimulatorVerbPrintsItsEndpointsAndKeepsItsSecretsInAPrivateFile(@TempDir Path dir) throws Exception {
        Path credentials = dir.resolve("credentials");
        CliRun r = CliRun.run("simulator", "--run-for", "0", "--credentials-file", credentials.toString(),
                "--state", dir.resolve("sim").toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*API: +https://127\\.0\\.0\\.1:\\d+/api2/json\n.*"), r.toString());
        assertTrue(r.out().contains("API token:    root@pam!phoenix   (secret in " + credentials + ")"), r.toString());
        assertTrue(r.out().contains("PVE simulator stopped."), r.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
        Map<String, String> exported = new HashMap<>();
        for (String line : Files.readAllLines(credentials)) {
            if (line.startsWith("export ")) {
                String[] kv = line.substring(7).split("=", 2);
                exported.put(kv[0], kv[1].replace("'", ""));
            }
        }
        String secret = exported.get("PHOENIX_PVE_TOKEN_SECRET");
        assertTrue(secret != null && secret.length() >= 32, exported.toString());
        assertFalse(r.out().contains(secret));
        assertFalse(r.out().contains(exported.get("PHOENIX_SIMULATOR_ROOT_PASSWORD")));
        assertTrue(Files.exists(dir.resolve("sim/cluster.json")), "the state is saved when it stops");
    }
}
