package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Impact;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.PlanOptions;
import ai.thinkheads.phoenix.plan.PlanRefusedException;
import ai.thinkheads.phoenix.plan.Refusal;
import ai.thinkheads.phoenix.plan.VmPlan;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Plan/apply properties on the fake: for random starting clusters (strangers, and a managed state
 * from an earlier random set of definitions) and a random set of definitions.
 */
class PlanApplyProperties {

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Scenario.scenarios();
    }

    private static Phoenix phoenix(FakeHypervisor hv, PlanOptions options) {
        return Phoenix.on(hv).planOptions(options).applyOptions(ApplyOptions.builder().maxParallel(3).build()).time(hv.time());
    }

    /**
     * Apply then plan is empty; applying that empty plan changes nothing; strangers are never
     * touched; no name is duplicated; destructive changes happen only with opt-in, deletions only
     * with prune; a refused plan changes nothing.
     */
    @Property(tries = 150)
    void applyConvergesAndRespectsOwnership(@ForAll("scenarios") Scenario s) {
        FakeHypervisor hv = s.cluster();
        Phoenix setup = phoenix(hv, PlanOptions.builder().build());
        Plan first = setup.plan(s.beforeDefinitions());
        if (!first.hasRefusals()) {
            ApplyResult r0 = setup.apply(first);
            assertTrue(r0.isComplete(), r0.render() + first.render());
        }
        Map<Integer, String> before = Scenario.snapshot(hv);
        Set<Integer> strangers = hv.listVms().stream().filter(v -> !v.tags().contains(PlanOptions.DEFAULT_OWNER_TAG))
                .map(VmSummary::vmid).collect(Collectors.toSet());
        Map<String, Integer> ownedBefore = hv.listVms().stream().filter(v -> v.tags().contains(PlanOptions.DEFAULT_OWNER_TAG))
                .collect(Collectors.toMap(VmSummary::name, VmSummary::vmid));

        Phoenix p = phoenix(hv, s.planOptions());
        List<VmDefinition> defs = s.afterDefinitions();
        Plan plan = p.plan(defs);
        if (plan.hasRefusals()) {
            Statistics.label("outcome").collect("refused: " + plan.refusals().stream().map(Refusal::reason).distinct().sorted().toList());
            assertThrows(PlanRefusedException.class, () -> p.apply(plan));
            assertEquals(before, Scenario.snapshot(hv), "a refused plan changes nothing");
            return;
        }
        Statistics.label("outcome").collect("applied");
        for (VmPlan v : plan.vms()) {
            boolean destructive = v.changes().stream().anyMatch(c -> c.impact() == Impact.DESTRUCTIVE);
            if (destructive && v.action() != VmPlan.Action.DELETE) {
                assertTrue(s.allowDestructive(), "destructive without opt-in:\n" + plan.render());
            }
            if (v.action() == VmPlan.Action.DELETE) {
                assertTrue(s.prune(), plan.render());
            }
        }
        ApplyResult result = p.apply(plan);
        assertTrue(result.isComplete(), result.render() + "\n" + plan.render());

        Plan again = p.plan(defs);
        assertTrue(again.isEmpty(), "apply then plan must be empty:\n" + again.render() + "\nafter applying\n" + plan.render());
        Map<Integer, String> applied = Scenario.snapshot(hv);
        ApplyResult twice = p.apply(again);
        assertTrue(twice.isComplete());
        assertEquals(applied, Scenario.snapshot(hv), "applying an empty plan changes nothing");

        for (Integer id : strangers) {
            assertEquals(before.get(id), applied.get(id), "stranger " + id + " was touched");
        }
        Set<String> declared = new HashSet<>();
        for (VmDefinition d : defs) {
            declared.add(d.name());
            long count = hv.listVms().stream().filter(v -> v.name().equals(d.name()) && v.tags().contains(PlanOptions.DEFAULT_OWNER_TAG)).count();
            assertEquals(1, count, d.name() + " should exist exactly once");
        }
        for (Map.Entry<String, Integer> e : ownedBefore.entrySet()) {
            boolean stillThere = hv.findVm(e.getValue()).isPresent();
            if (!s.prune() || declared.contains(e.getKey())) {
                if (!s.allowDestructive() || !declared.contains(e.getKey())) {
                    assertTrue(stillThere, e + " vanished without opt-in");
                }
            }
        }
        if (!s.prune()) {
            assertTrue(hv.listVms().stream().map(VmSummary::vmid).collect(Collectors.toSet()).containsAll(ownedBefore.values()));
        }
    }

    /** A spec that fits no node (memory, CPUs or storage) is refused at plan time, and nothing is created. */
    @Property(tries = 40)
    void aSpecThatFitsNowhereIsRefused(@ForAll("scenarios") Scenario s, @ForAll @IntRange(min = 0, max = 2) int how) {
        FakeHypervisor hv = s.cluster();
        VmSpec.Builder b = VmSpec.builder("huge").disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(8)));
        switch (how) {
            case 0 -> b.memory(65 * 1024); // nodes have 64 GiB
            case 1 -> b.cores(17); // nodes have 16 CPUs
            default -> b.disk(Disk.virtio(1, "local-lvm", DiskSize.ofGiB(1100))); // local-lvm holds 1024 GiB
        }
        List<VmDefinition> defs = new java.util.ArrayList<>(s.afterDefinitions());
        defs.add(VmDefinition.of(b.build()));
        Phoenix p = phoenix(hv, s.planOptions());
        Map<Integer, String> before = Scenario.snapshot(hv);
        Plan plan = p.plan(defs);
        assertTrue(plan.refusals().stream().anyMatch(r -> r.vm().equals("huge") && r.reason() == Refusal.Reason.NO_CAPACITY),
                plan.render());
        assertThrows(PlanRefusedException.class, () -> p.apply(plan));
        assertEquals(before, Scenario.snapshot(hv));
    }
}
