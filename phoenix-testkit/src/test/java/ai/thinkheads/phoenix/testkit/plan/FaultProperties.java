package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.ApplyEvent;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.PlanOptions;
import ai.thinkheads.phoenix.plan.Planner;
import ai.thinkheads.phoenix.plan.Refusal;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random fault schedules during apply (locks, lost requests and answers, HTTP 500s with a Proxmox
 * message, failed and warning tasks, lost task-status readings, concurrent edits, a crash at a
 * random call); after the faults stop, a second apply converges with no duplicates and no orphans,
 * and strangers are untouched.
 *
 * <p>Each schedule's fault positions fall within the calls its apply really makes: a dry run of the
 * same apply without faults counts them, and each position is taken modulo that count. A scenario
 * whose plan is refused is narrowed to the VMs that fit, and one with nothing to apply gets a
 * cluster that holds only the strangers. At least {@value #MIN_WITH_FAULTS}
 * schedules per build must run and meet at least one fault (checked when the class ends, out of
 * {@value #TRIES} tries). The real figures (tries, ran, met a fault, faults by kind, outcomes) are
 * written to {@code target/fault-properties.txt} and to the test's output.
 */
class FaultProperties {

    static final int TRIES = 540;
    /** How many schedules must run and fire at least one fault in a full run. */
    static final int MIN_WITH_FAULTS = 500;
    /** Outcome → count, over every try of this build (jqwik runs tries one after the other). */
    private static final Map<String, Integer> OUTCOMES = new ConcurrentHashMap<>();
    /** Fault kind → how often it fired, over every try. */
    private static final Map<FaultyHypervisor.Fault, Integer> FIRED = new ConcurrentHashMap<>();
    private static final AtomicInteger TRIED = new AtomicInteger();
    private static final AtomicInteger RAN = new AtomicInteger();
    private static final AtomicInteger RAN_WITH_FAULTS = new AtomicInteger();

    private static void count(String outcome) {
        OUTCOMES.merge(outcome, 1, Integer::sum);
    }

    @AfterContainer
    static void writeTally() {
        StringBuilder out = new StringBuilder("FaultProperties: " + TRIED.get() + " fault schedules tried, "
                + RAN.get() + " ran, " + RAN_WITH_FAULTS.get() + " of them met at least one fault\n");
        out.append("faults fired, by kind:\n");
        new TreeMap<>(FIRED).forEach((k, v) -> out.append(String.format("  %5d  %s%n", v, k)));
        out.append("outcomes:\n");
        new TreeMap<>(OUTCOMES).forEach((k, v) -> out.append(String.format("  %5d  %s%n", v, k)));
        System.out.print(out);
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            Files.writeString(target.resolve("fault-properties.txt"), out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (TRIED.get() >= TRIES) {
            assertTrue(RAN_WITH_FAULTS.get() >= MIN_WITH_FAULTS, "only " + RAN_WITH_FAULTS.get()
                    + " schedules ran and met a fault; at least " + MIN_WITH_FAULTS + " must\n" + out);
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Scenario.scenarios();
    }

    @Provide
    Arbitrary<List<FaultyHypervisor.At>> schedules() {
        Arbitrary<FaultyHypervisor.At> at = Combinators.combine(Arbitraries.integers().between(0, 30),
                Arbitraries.of(FaultyHypervisor.Fault.class)).as(FaultyHypervisor.At::new);
        return at.list().ofMinSize(1).ofMaxSize(6);
    }

    /** A scenario made ready for its schedule: the cluster after the setup apply, and the plan to apply under faults. */
    private record Prepared(FakeHypervisor fake, PlanOptions options, List<VmDefinition> defs, Plan plan) {
    }

    /**
     * The 'after' set over the managed state of 'before'; if that plan is refused, the 'before' set
     * on a cluster that holds only the strangers; if that is refused too, the VMs of it that fit.
     * Empty when nothing is left to plan. Deterministic: called twice, it gives the same state.
     */
    private static Optional<Prepared> prepare(Scenario s) {
        FakeHypervisor fake = s.cluster();
        PlanOptions options = s.planOptions();
        Phoenix clean = Phoenix.on(fake)
                .applyOptions(ApplyOptions.builder().maxParallel(1).build()).time(fake.time());
        Plan setup = clean.plan(s.beforeDefinitions());
        if (!setup.hasRefusals()) {
            assertTrue(clean.apply(setup).isComplete());
        }
        List<VmDefinition> defs = s.afterDefinitions();
        Plan plan = Phoenix.on(fake).time(fake.time()).planOptions(options).plan(defs);
        if (plan.hasRefusals()) {
            fake = s.cluster();
            options = s.planOptions();
            defs = s.beforeDefinitions();
            plan = Phoenix.on(fake).time(fake.time()).planOptions(options).plan(defs);
        }
        if (plan.isEmpty()) {
            // nothing to do, so no call to meet a fault: the 'before' set on the strangers-only cluster
            fake = s.cluster();
            options = s.planOptions();
            defs = s.beforeDefinitions();
            plan = Phoenix.on(fake).time(fake.time()).planOptions(options).plan(defs);
        }
        for (int narrowed = 0; plan.hasRefusals() && narrowed < 5; narrowed++) {
            // drop the refused VMs; their dependents are refused in the next plan and dropped in turn
            Set<String> refused = plan.refusals().stream().map(Refusal::vm).collect(Collectors.toSet());
            defs = defs.stream().filter(d -> !refused.contains(d.name())).toList();
            if (defs.isEmpty()) {
                return Optional.empty();
            }
            plan = Phoenix.on(fake).time(fake.time()).planOptions(options).plan(defs);
        }
        return plan.hasRefusals() || plan.isEmpty() ? Optional.empty() : Optional.of(new Prepared(fake, options, defs, plan));
    }

    private static Phoenix underFaults(Hypervisor hv, PlanOptions options, FakeHypervisor fake,
                                       AtomicInteger replanned, AtomicInteger retried) {
        return Phoenix.on(hv).planOptions(options)
                .applyOptions(ApplyOptions.builder().maxParallel(3).retries(2).listener(e -> {
                    if (e.type() == ApplyEvent.Type.REPLANNED) {
                        replanned.incrementAndGet();
                    } else if (e.type() == ApplyEvent.Type.RETRY) {
                        retried.incrementAndGet();
                    }
                }).build()).time(fake.time());
    }

    @Property(tries = TRIES)
    void afterFaultsStopASecondApplyConverges(@ForAll("scenarios") Scenario s,
                                              @ForAll("schedules") List<FaultyHypervisor.At> schedule) {
        TRIED.incrementAndGet();
        Optional<Prepared> dry = prepare(s);
        if (dry.isEmpty()) {
            Statistics.label("schedule").collect("plan refused, not run");
            count("not run: plan refused even narrowed, or nothing to apply");
            return;
        }
        // the dry run: the same apply without faults, to count the calls it makes
        FaultyHypervisor counting = FaultyHypervisor.counting(dry.get().fake());
        underFaults(counting.hypervisor(), dry.get().options(), dry.get().fake(), new AtomicInteger(), new AtomicInteger())
                .apply(dry.get().plan());
        int calls = counting.calls();

        Prepared ready = prepare(s).orElseThrow();
        FakeHypervisor fake = ready.fake();
        PlanOptions options = ready.options();
        List<VmDefinition> defs = ready.defs();
        Plan plan = ready.plan();
        Map<Integer, String> before = Scenario.snapshot(fake);
        Set<Integer> strangers = fake.listVms().stream().filter(v -> !v.tags().contains(PlanOptions.DEFAULT_OWNER_TAG))
                .map(VmSummary::vmid).collect(Collectors.toSet());

        FaultyHypervisor faulty = new FaultyHypervisor(fake, schedule, calls);
        AtomicInteger replanned = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        String first;
        try {
            ApplyResult r = underFaults(faulty.hypervisor(), options, fake, replanned, retried).apply(plan);
            first = r.isComplete() ? "complete despite faults" : "incomplete";
        } catch (FaultyHypervisor.Crash crash) {
            first = "crashed";
        }
        Statistics.label("schedule").collect("ran: " + first);
        Statistics.label("faults fired").collect(faulty.fired());
        Statistics.label("apply under faults").collect((retried.get() > 0 ? "retried" : "no retry") + ", "
                + (replanned.get() > 0 ? "re-read after a concurrent edit" : "no concurrent edit met"));

        // the faults stop: hooks off, queued task faults drained on a scratch VM, running tasks end
        faulty.active = false;
        fake.faults().clear();
        for (int i = 0; i < 8; i++) {
            fake.cluster().vmStop("pve1", 990);
            fake.time().advance(Duration.ofMinutes(1));
        }
        fake.time().advance(Duration.ofHours(1));

        Phoenix after = Phoenix.on(fake).planOptions(options).applyOptions(ApplyOptions.builder().maxParallel(2).build()).time(fake.time());
        Plan again = after.plan(defs);
        assertFalse(again.hasRefusals(), again.render());
        ApplyResult second = after.apply(again);
        assertTrue(second.isComplete(), second.render() + "\n" + again.render());
        Plan last = after.plan(defs);
        assertTrue(last.isEmpty(), last.render());

        Set<String> declared = defs.stream().map(VmDefinition::name).collect(Collectors.toSet());
        for (String name : declared) {
            assertEquals(1, fake.listVms().stream().filter(v -> v.name().equals(name)).count(), "duplicates of " + name);
        }
        Map<Integer, String> now = Scenario.snapshot(fake);
        for (VmSummary v : fake.listVms()) {
            if (!before.containsKey(v.vmid())) {
                assertTrue(declared.contains(v.name()) && v.tags().contains(PlanOptions.DEFAULT_OWNER_TAG),
                        "orphan " + v + " left by the faulty apply");
            }
            assertFalse(Planner.cloneMarker(PlanOptions.DEFAULT_OWNER_TAG).equals(fake.getConfig(v.ref()).values().get("description")),
                    "VM " + v.vmid() + " still carries the clone marker");
        }
        for (Integer id : strangers) {
            if (id != 990) {
                assertEquals(before.get(id), now.get(id), "stranger " + id + " was touched");
            }
        }
        RAN.incrementAndGet();
        if (faulty.fired() > 0) {
            RAN_WITH_FAULTS.incrementAndGet();
        }
        faulty.firedKinds().forEach((k, v) -> FIRED.merge(k, v, Integer::sum));
        count("ran, " + (faulty.fired() > 0 ? "met a fault" : "met no fault (" + calls + " calls)")
                + ": first apply " + first + "; second apply converged");
    }
}
