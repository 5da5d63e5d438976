package ai.thinkheads.phoenix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command driven in-process, on the built-in simulator (over HTTPS through the API backend). */
class PhoenixCliTest {

    private static final String SEED = "examples/definitions/seed.phoenix.json";
    private static final String SEED_ORCHESTRATOR = "examples/definitions/seed.orchestrator.json";

    @Test
    void versionNamesTheProjectVersion() {
        CliRun r = CliRun.run("--version");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("phoenix 0."), r.toString());
    }

    @Test
    void noVerbShowsTheUsageAndFails() {
        CliRun r = CliRun.run();
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("Usage: phoenix "), r.toString());
        assertTrue(r.err().contains("  plan "), r.toString());
    }

    @Test
    void everyVerbHasHelpWithAnExample() {
        CommandLine cl = PhoenixCli.commandLine(new CliContext(Map.of(), Terminal.none()));
        List<String> verbs = new ArrayList<>(cl.getSubcommands().keySet());
        verbs.remove("help");
        assertEquals(List.of("validate", "plan", "apply", "destroy", "status", "start", "stop", "shutdown", "reboot",
                "snapshot", "rollback", "snapshots", "simulator", "completion"), verbs);
        for (String verb : verbs) {
            CliRun r = CliRun.run(verb, "--help");
            assertEquals(0, r.exit(), verb + ": " + r);
            assertTrue(r.out().contains("Example:\n  phoenix " + verb), verb + ": " + r);
        }
    }

    @Test
    void validateAcceptsBothFormatsAndReportsEveryProblemWithFileFieldAndLine(@TempDir Path dir) throws Exception {
        CliRun ok = CliRun.run("validate", SEED);
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().contains("seed.phoenix.json: valid (Phoenix format)"), ok.toString());
        CliRun orchestrator = CliRun.run("validate", SEED_ORCHESTRATOR);
        assertEquals(0, orchestrator.exit(), orchestrator.toString());
        assertTrue(orchestrator.out().contains("valid (shell orchestrator's format)"), orchestrator.toString());

        Path bad = dir.resolve("phoenix_vm_configs.json");
        Files.writeString(bad, """
                {
                  "vms": [
                    {"vmid": 100, "name": "a", "cores": "four", "memory_mb": 2048},
                    {"vmid": 101, "name": "b", "cores": 2, "memory_mb": -5}
                  ]
                }
                """);
        CliRun r = CliRun.run("validate", bad.toString(), dir.resolve("missing.json").toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(bad + ": $.vms[0].cores (line 3"), r.toString());
        assertTrue(r.err().contains(bad + ": $.vms[1].memory_mb (line 4"), r.toString());
        assertTrue(r.err().contains("missing.json: no such file"), r.toString());
        assertTrue(r.err().contains("9 problems found; nothing was done."), r.toString());
        assertEquals("", r.out());
    }

    @Test
    void aVmDeclaredInTwoFilesIsAProblem() {
        CliRun r = CliRun.run("validate", SEED, SEED_ORCHESTRATOR);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("seed.orchestrator.json: VM 'docker-01' is also declared in " + SEED), r.toString());
    }

    @Test
    void planApplyPlanWithStateEndsWithNothingToDo(@TempDir Path dir) {
        String state = dir.resolve("sim").toString();
        CliRun plan = CliRun.run("plan", "--state", state, SEED);
        assertEquals(2, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("Plan: 3 to create"), plan.toString());

        CliRun apply = CliRun.run("apply", "--state", state, "--auto-approve", "--no-color", SEED);
        assertEquals(0, apply.exit(), apply.toString());
        assertTrue(apply.out().contains("docker-01 (9101): step done start"), "progress lines: " + apply);
        assertTrue(apply.out().contains("Apply complete."), apply.toString());
        assertFalse(apply.out().contains("\u001B["), "no colour without a terminal");

        CliRun again = CliRun.run("plan", "--state", state, SEED);
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("3 VMs are up to date"), again.toString());

        CliRun applyAgain = CliRun.run("apply", "--state", state, SEED);
        assertEquals(0, applyAgain.exit(), "nothing to apply needs no confirmation: " + applyAgain);
        assertTrue(applyAgain.out().contains("No changes"), applyAgain.toString());
    }

    @Test
    void statusPowerAndSnapshotVerbsActOnTheGuests(@TempDir Path dir) {
        String state = dir.resolve("sim").toString();
        assertEquals(0, CliRun.run("apply", "--state", state, "--auto-approve", SEED).exit());

        CliRun status = CliRun.run("status", "--state", state);
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().matches("(?s).*9000 +ubuntu-2404-tmpl +pve +stopped +template +- +-\n.*"), status.toString());
        assertTrue(status.out().matches("(?s).*9101 +docker-01 +pve +running +vm +\\S+ +yes\n.*"), status.toString());

        CliRun stop = CliRun.run("stop", "--state", state, "docker-02");
        assertEquals(0, stop.exit(), stop.toString());
        assertEquals("docker-02 (9102): stopped\n", stop.out());
        assertTrue(CliRun.run("status", "--state", state).out().matches("(?s).*9102 +docker-02 +pve +stopped .*"));
        CliRun drift = CliRun.run("plan", "--state", state, SEED);
        assertEquals(2, drift.exit(), "a stopped guest that should run is a change: " + drift);

        assertEquals(0, CliRun.run("start", "--state", state, "9102").exit());
        assertEquals(0, CliRun.run("plan", "--state", state, SEED).exit());
        CliRun reboot = CliRun.run("reboot", "--state", state, "docker-01");
        assertEquals(0, reboot.exit(), reboot.toString());
        CliRun shutdown = CliRun.run("shutdown", "--state", state, "--force-stop", "--guest-timeout", "5", "docker-02");
        assertEquals(0, shutdown.exit(), shutdown.toString());
        assertEquals("docker-02 (9102): shut down\n", shutdown.out());

        CliRun snap = CliRun.run("snapshot", "--state", state, "docker-01", "manual-1", "--description", "by hand");
        assertEquals(0, snap.exit(), snap.toString());
        CliRun list = CliRun.run("snapshots", "--state", state, "docker-01");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().matches("(?s).*\nmanual-1 +\\S+ \\S+ UTC +after-features +by hand\n.*"), list.toString());
        CliRun rollback = CliRun.run("rollback", "--state", state, "docker-01", "before-features");
        assertEquals(0, rollback.exit(), rollback.toString());
        assertEquals("docker-01 (9101): rolled back to before-features\n", rollback.out());

        CliRun unknown = CliRun.run("start", "--state", state, "no-such-guest");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("no guest named 'no-such-guest'"), unknown.toString());
    }

    @Test
    void statusWithFilesShowsGuestsNotCreatedYetAsAbsent() {
        CliRun r = CliRun.run("status", SEED);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*- +docker-02 +- +absent .*"), r.toString());
    }

    @Test
    void planAsJsonParsesBack() throws Exception {
        CliRun r = CliRun.run("plan", "--json", SEED);
        assertEquals(2, r.exit(), r.toString());
        JsonNode plan = new ObjectMapper().readTree(r.out());
        assertFalse(plan.get("empty").asBoolean());
        assertEquals(3, plan.get("summary").get("create").asInt(), r.out());
        List<String> names = new ArrayList<>();
        plan.get("vms").forEach(v -> names.add(v.get("name").asText() + " " + v.get("action").asText()));
        assertEquals(List.of("ubuntu-2404-tmpl CREATE", "docker-01 CREATE", "docker-02 CREATE"), names);
    }

    @Test
    void aDeclinedConfirmationAppliesNothing(@TempDir Path dir) {
        String state = dir.resolve("sim").toString();
        CliRun declined = CliRun.run(Map.of(), CliRun.answering("no"), "apply", "--state", state, SEED);
        assertEquals(1, declined.exit(), declined.toString());
        assertTrue(declined.err().contains("Apply declined: nothing was applied."), declined.toString());
        CliRun noTerminal = CliRun.run("apply", "--state", state, SEED);
        assertEquals(1, noTerminal.exit(), noTerminal.toString());
        assertTrue(noTerminal.err().contains("pass --auto-approve"), noTerminal.toString());

        CliRun status = CliRun.run("status", "--state", state);
        assertEquals("VMID", status.out().split(" ")[0]);
        assertEquals(1, status.out().lines().count(), "no guest was created: " + status);
        assertEquals(2, CliRun.run("plan", "--state", state, SEED).exit());

        CliRun yes = CliRun.run(Map.of(), CliRun.answering("yes"), "apply", "--state", state, SEED);
        assertEquals(0, yes.exit(), yes.toString());
        assertEquals(0, CliRun.run("plan", "--state", state, SEED).exit());
    }

    @Test
    void theOrchestratorsFileIsPlannedWithItsImageOnAStorage() {
        CliRun r = CliRun.run("plan", "--image-storage", "local", SEED_ORCHESTRATOR);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.out().contains("import of local:iso/noble-server-cloudimg-amd64.img"), r.toString());
    }

    @Test
    void onTheSimulatorTheOrchestratorsImageDirectoryIsTheLocalStorage(@TempDir Path dir) {
        String state = dir.resolve("sim").toString();
        CliRun apply = CliRun.run("apply", "--state", state, "--auto-approve", SEED_ORCHESTRATOR);
        assertEquals(0, apply.exit(), apply.toString());
        assertTrue(apply.out().contains("import of local:iso/noble-server-cloudimg-amd64.img"), apply.toString());
        assertEquals(0, CliRun.run("plan", "--state", state, SEED_ORCHESTRATOR).exit());
    }

    @Test
    void aStateInUseByAnotherRunIsRefused(@TempDir Path dir) {
        Path state = dir.resolve("sim");
        try (BuiltInSimulator running = BuiltInSimulator.start(java.util.Optional.of(state), 0, 0)) {
            CliRun r = CliRun.run("plan", "--state", state.toString(), SEED);
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("the simulator state " + state + " is in use by another phoenix run"), r.toString());
        }
        assertEquals(2, CliRun.run("plan", "--state", state.toString(), SEED).exit(), "free again once that run ended");
    }

    @Test
    void wrongFlagsExitOneNotTwo() {
        CliRun r = CliRun.run("plan", "--no-such-flag", SEED);
        assertEquals(1, r.exit(), "2 means 'changes' for plan: " + r);
        assertTrue(r.err().contains("Unknown option: '--no-such-flag'"), r.toString());
        CliRun api = CliRun.run("plan", "--target", "api", SEED);
        assertEquals(1, api.exit(), api.toString());
        assertTrue(api.err().contains("--target api needs PHOENIX_PVE_URL or --url"), api.toString());
    }
}
