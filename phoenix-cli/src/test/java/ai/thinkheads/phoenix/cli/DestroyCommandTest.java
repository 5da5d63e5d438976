package ai.thinkheads.phoenix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code phoenix destroy} in-process on the built-in simulator, its cluster kept in a state directory. */
class DestroyCommandTest {

    private static final String SEED = "examples/definitions/seed.phoenix.json";

    private static String applied(Path dir) {
        String state = dir.resolve("sim").toString();
        CliRun apply = CliRun.run("apply", "--state", state, "--auto-approve", SEED);
        assertEquals(0, apply.exit(), apply.toString());
        return state;
    }

    /** Changes one guest's config on the simulated cluster, behind the command's back. */
    private static void setConfig(String state, String name, String key, String value) {
        try (BuiltInSimulator sim = BuiltInSimulator.start(Optional.of(Path.of(state)), 0, 0)) {
            FakeHypervisor cluster = sim.cluster();
            VmRef ref = cluster.listVms().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow().ref();
            cluster.updateConfig(ref, ConfigUpdate.set(key, value)).await(Duration.ofSeconds(30));
            sim.save();
        }
    }

    /** Creates a guest on the simulated cluster directly, as another tool would. */
    private static void create(String state, int vmid, Map<String, String> config) {
        try (BuiltInSimulator sim = BuiltInSimulator.start(Optional.of(Path.of(state)), 0, 0)) {
            sim.cluster().create(CreateRequest.of(BuiltInSimulator.NODE, vmid, config)).await(Duration.ofSeconds(30));
            sim.save();
        }
    }

    private static long guests(String state) {
        return CliRun.run("status", "--state", state).out().lines().count() - 1;
    }

    @Test
    void destroyAfterApplyRemovesTheGuestsAndAPlanShowsThemToCreate(@TempDir Path dir) {
        String state = applied(dir);
        CliRun destroy = CliRun.run("destroy", "--state", state, "--auto-approve", SEED);
        assertEquals(0, destroy.exit(), destroy.toString());
        assertTrue(destroy.out().contains("stopped: docker-01 (VM 9101)\n"), "a running guest is stopped first: " + destroy);
        assertTrue(destroy.out().contains("destroyed: docker-01 (VM 9101)\n"), destroy.toString());
        assertTrue(destroy.out().contains("destroyed: docker-02 (VM 9102)\n"), destroy.toString());
        assertTrue(destroy.out().contains("destroyed: ubuntu-2404-tmpl (VM 9000)\n"), destroy.toString());
        assertTrue(destroy.out().indexOf("destroyed: docker-01") < destroy.out().indexOf("destroyed: ubuntu-2404-tmpl"),
                "clones go before the template they came from: " + destroy);
        assertTrue(destroy.out().contains("Destroy complete: 3 guests destroyed."), destroy.toString());

        assertEquals(0, guests(state), "no guest is left");
        CliRun plan = CliRun.run("plan", "--state", state, SEED);
        assertEquals(2, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("Plan: 3 to create"), plan.toString());

        CliRun again = CliRun.run("destroy", "--state", state, SEED);
        assertEquals(0, again.exit(), "nothing to destroy needs no confirmation: " + again);
        assertTrue(again.out().contains("absent: docker-01 does not exist"), again.toString());
        assertTrue(again.out().contains("Nothing to destroy."), again.toString());
    }

    @Test
    void aGuestNotOwnedByPhoenixIsKeptAndNamed(@TempDir Path dir) {
        String state = applied(dir);
        setConfig(state, "docker-02", "tags", "seed");   // the ownership tag removed: someone else's guest now
        // owned and named like docker-01, but not the VMID the file declares for it
        create(state, 500, Map.of("name", "docker-01", "tags", "phoenix-managed", "memory", "512"));

        CliRun destroy = CliRun.run("destroy", "--state", state, "--auto-approve", SEED);
        assertEquals(0, destroy.exit(), destroy.toString());
        assertTrue(destroy.out().contains("kept: docker-02 (VM 9102) is not managed by Phoenix\n"), destroy.toString());
        assertFalse(destroy.out().contains("destroyed: docker-02"), destroy.toString());
        assertTrue(destroy.out().contains("kept: docker-01 (VM 500) is named like docker-01 but the files declare VMID 9101\n"),
                destroy.toString());
        assertTrue(destroy.out().contains("destroyed: docker-01 (VM 9101)\n"), destroy.toString());
        assertTrue(destroy.out().contains("Destroy complete: 2 guests destroyed."), destroy.toString());
        CliRun status = CliRun.run("status", "--state", state);
        assertEquals(2, guests(state), status.toString());
        assertTrue(status.out().matches("(?s).*9102 +docker-02 +pve +running .*"), status.toString());
        assertTrue(status.out().matches("(?s).*500 +docker-01 +pve +stopped .*"), status.toString());
    }

    @Test
    void onlyLimitsTheDestroyToTheNamedGuests(@TempDir Path dir) {
        String state = applied(dir);
        CliRun destroy = CliRun.run("destroy", "--state", state, "--auto-approve", "--only", "docker-02", SEED);
        assertEquals(0, destroy.exit(), destroy.toString());
        assertTrue(destroy.out().contains("destroyed: docker-02 (VM 9102)\n"), destroy.toString());
        assertTrue(destroy.out().contains("Destroy complete: 1 guest destroyed."), destroy.toString());
        assertEquals(2, guests(state));
        CliRun plan = CliRun.run("plan", "--state", state, SEED);
        assertEquals(2, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("Plan: 1 to create"), plan.toString());

        CliRun unknown = CliRun.run("destroy", "--state", state, "--auto-approve", "--only", "docker-01,nope", SEED);
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("--only names guests the files do not declare: nope. Nothing was destroyed."),
                unknown.toString());
        assertEquals(2, guests(state), "an unknown --only name destroys nothing");
    }

    @Test
    void aDeclinedOrUnaskableConfirmationDestroysNothing(@TempDir Path dir) {
        String state = applied(dir);
        CliRun declined = CliRun.run(Map.of(), CliRun.answering("no"), "destroy", "--state", state, SEED);
        assertEquals(1, declined.exit(), declined.toString());
        assertTrue(declined.out().contains("To destroy, with their disks: docker-02 (VM 9102), docker-01 (VM 9101), "
                + "ubuntu-2404-tmpl (VM 9000)"), declined.toString());
        assertTrue(declined.err().contains("Destroy declined: nothing was destroyed."), declined.toString());
        CliRun noTerminal = CliRun.run("destroy", "--state", state, SEED);
        assertEquals(1, noTerminal.exit(), noTerminal.toString());
        assertTrue(noTerminal.err().contains("No terminal to ask for confirmation on: pass --auto-approve to destroy "
                + "without asking. Nothing was destroyed."), noTerminal.toString());
        assertEquals(3, guests(state), "nothing was destroyed");
        assertEquals(0, CliRun.run("plan", "--state", state, SEED).exit());

        CliRun yes = CliRun.run(Map.of(), CliRun.answering("yes"), "destroy", "--state", state, SEED);
        assertEquals(0, yes.exit(), yes.toString());
        assertEquals(0, guests(state));
    }

    @Test
    void aFailureSaysWhatWasDestroyedBeforeIt(@TempDir Path dir) {
        String state = applied(dir);
        // PVE::AbstractConfig::check_protection refuses to destroy a protected guest
        setConfig(state, "ubuntu-2404-tmpl", "protection", "1");

        CliRun destroy = CliRun.run("destroy", "--state", state, "--auto-approve", SEED);
        assertEquals(1, destroy.exit(), destroy.toString());
        assertTrue(destroy.err().contains("destroying ubuntu-2404-tmpl (VM 9000) failed: "), destroy.toString());
        assertTrue(destroy.err().contains("protection mode enabled"), destroy.toString());
        assertTrue(destroy.err().contains("Destroyed before the failure: docker-02 (VM 9102), docker-01 (VM 9101); "
                + "not destroyed: ubuntu-2404-tmpl (VM 9000)."), destroy.toString());
        assertEquals(1, guests(state), "the protected template is still there");
    }
}
