package ai.thinkheads.phoenix.benchmarks;

import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5: heap of a plan of 10,000 VMs on the fake (virtual time), all existing and up to date
 * so every config is read and compared. Retained: heap used after a full GC while the plan is held,
 * minus heap used after a full GC before planning (the cluster and the definitions are in both).
 * Peak: the heap pools' peak during planning above that baseline (includes garbage not yet collected).
 */
final class HeapScenario {

    private final Settings settings;

    HeapScenario(Settings settings) {
        this.settings = settings;
    }

    private static long usedAfterGc() {
        long used = 0;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        return used;
    }

    List<Row> run() {
        int n = settings.quick() ? 2_000 : 10_000;
        List<VmDefinition> defs = Fixtures.definitions(n);
        FakeHypervisor fake = Fixtures.bigNode(FakeHypervisor.builder()).build();
        try {
            Fixtures.converge(fake, defs);
            Phoenix phoenix = Phoenix.on(fake).time(fake.time());
            phoenix.plan(defs); // warm-up
            long before = usedAfterGc();
            List<MemoryPoolMXBean> heap = new ArrayList<>();
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP) {
                    p.resetPeakUsage();
                    heap.add(p);
                }
            }
            long t0 = System.nanoTime();
            Plan plan = phoenix.plan(defs);
            double wall = Fixtures.millis(System.nanoTime() - t0);
            long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            long after = usedAfterGc();
            if (plan.vms().size() != n) {
                throw new IllegalStateException("plan of " + plan.vms().size() + " VMs");
            }
            Map<String, Object> params = PlanScenarios.params(n, "backend", "FakeHypervisor (virtual time)",
                    "JVM max heap", Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
            double mb = 1 << 20;
            List<Row> rows = new ArrayList<>();
            rows.add(Row.of("5 heap", "retained by the plan", params, (after - before) / mb, "", "MB").atMost(256, "< 256 MB"));
            rows.add(Row.of("5 heap", "peak heap while planning, above baseline", params, Math.max(0, peak - before) / mb, "", "MB")
                    .atMost(256, "< 256 MB"));
            rows.add(Row.of("5 heap", "plan wall time", params, wall, "", "ms"));
            System.out.printf("  heap N=%d: retained %.1f MB, peak %.1f MB, %.0f ms%n", n, (after - before) / mb,
                    Math.max(0, peak - before) / mb, wall);
            if (plan.isEmpty() && after == Long.MIN_VALUE) {
                throw new AssertionError(); // keeps the plan reachable until after the measurement
            }
            return rows;
        } finally {
            fake.close();
        }
    }
}
