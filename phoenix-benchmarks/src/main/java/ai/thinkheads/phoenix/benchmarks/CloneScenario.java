package ai.thinkheads.phoenix.benchmarks;

import ai.thinkheads.phoenix.backend.api.ProxmoxApi;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.plan.ApplyEvent;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 3: apply of M linked clones of one template over the API (5 ms RTT), each clone task
 * 2 s and holding the storage's lock (pve-storage {@code cluster_lock_storage}) for all of it, with
 * apply's parallelism 8: the clones serialize on the lock, some wait longer than its 10 s timeout
 * and fail, Phoenix retries them. Measured: wall time against the lock-bound floor, retries, and
 * lock errors the user sees.
 */
final class CloneScenario {

    static final Duration CLONE = Duration.ofSeconds(2);
    static final int TEMPLATE = 9000;

    private final Settings settings;

    CloneScenario(Settings settings) {
        this.settings = settings;
    }

    private static List<VmDefinition> clones(int m) {
        List<VmDefinition> out = new ArrayList<>();
        for (int i = 1; i <= m; i++) {
            out.add(VmDefinition.of(VmSpec.builder(String.format("clone-%03d", i)).memory(64)
                    .source(new Source.CloneTemplate(TEMPLATE, false, null, null)).nic(Nic.virtio(0, "vmbr0")).build()));
        }
        return out;
    }

    private record Outcome(double wallMs, int retries, int lockErrors, int failed) {
    }

    private static Outcome once(int m) {
        FakeHypervisor fake = Fixtures.bigNode(FakeHypervisor.builder().realTime().defaultTaskDuration(Duration.ofMillis(20))
                .taskDuration("qmclone", CLONE).storageLocks(true)).build();
        VmRef t = VmRef.of(Fixtures.NODE, TEMPLATE);
        fake.create(CreateRequest.of(Fixtures.NODE, TEMPLATE, Map.of("name", "tpl", "memory", "64", "scsi0", "local-lvm:1",
                "net0", "virtio,bridge=vmbr0"))).await(Duration.ofMinutes(1));
        fake.convertToTemplate(t).await(Duration.ofMinutes(1));
        try (PveSimulator sim = Fixtures.simulator(fake, Duration.ZERO); ProxmoxApi api = Fixtures.api(sim)) {
            sim.httpFaults().latency(Duration.ofMillis(5));
            AtomicInteger retries = new AtomicInteger();
            Phoenix phoenix = Phoenix.on(api).applyOptions(ApplyOptions.builder().maxParallel(8).maxPerNode(8)
                    .listener(e -> {
                        if (e.type() == ApplyEvent.Type.RETRY) {
                            retries.incrementAndGet();
                        }
                    }).build());
            Plan plan = phoenix.plan(clones(m));
            long t0 = System.nanoTime();
            ApplyResult result = phoenix.apply(plan);
            double wall = Fixtures.millis(System.nanoTime() - t0);
            int lockErrors = (int) result.failed().stream().filter(o -> o.failureIfAny()
                    .map(f -> String.valueOf(f.getMessage()).toLowerCase(Locale.ROOT).contains("lock")).orElse(false)).count();
            return new Outcome(wall, retries.get(), lockErrors, result.failed().size());
        } finally {
            fake.close();
        }
    }

    List<Row> run() {
        int m = settings.quick() ? 10 : 50;
        once(Math.min(m, 5)); // warm-up
        List<Double> wall = new ArrayList<>();
        List<Double> retries = new ArrayList<>();
        int lockErrors = 0;
        int failed = 0;
        int runs = settings.quick() ? 1 : Math.min(settings.runs(), 2);
        for (int r = 0; r < runs; r++) {
            Outcome o = once(m);
            wall.add(o.wallMs());
            retries.add((double) o.retries());
            lockErrors += o.lockErrors();
            failed += o.failed();
            System.out.printf("  clones M=%d: %.0f ms, %d retries, %d lock errors, %d failed%n", m, o.wallMs(), o.retries(),
                    o.lockErrors(), o.failed());
        }
        double floor = Fixtures.millis(Floors.lockBound(m, CLONE).toNanos());
        Measured w = new Measured(wall);
        Map<String, Object> params = PlanScenarios.params(m, "clone task", "2 s", "storage lock", "whole task, 10 s timeout",
                "apply parallelism", 8, "RTT", "5 ms");
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of("3 apply clones", "wall time", params, w.median(), w.spread(), "ms"));
        rows.add(Row.of("3 apply clones", "ratio to lock-bound floor M×2 s = " + ResultsTable.number(floor) + " ms", params,
                w.median() / floor, "", "×").atMost(1.2, "≤ 1.2"));
        rows.add(Row.of("3 apply clones", "lock retries (hidden from the user)", params, new Measured(retries).median(), "", ""));
        rows.add(Row.of("3 apply clones", "lock errors surfaced (all runs)", params, lockErrors, "", "").atMost(0, "0"));
        rows.add(Row.of("3 apply clones", "failed VMs (all runs)", params, failed, "", ""));
        return rows;
    }

}
