package ai.thinkheads.phoenix.benchmarks;

import ai.thinkheads.phoenix.backend.api.ProxmoxApi;
import ai.thinkheads.phoenix.backend.qm.QmHypervisor;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.plan.PlanOptions;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenarios 1 and 2: planning N managed VMs that are up to date (a refresh), through the API
 * backend with an injected round-trip time, and through the qm backend with a cost per remote
 * {@code qm}/{@code pvesh} invocation.
 */
final class PlanScenarios {

    private final Settings settings;

    PlanScenarios(Settings settings) {
        this.settings = settings;
    }

    private static Plan plan(Hypervisor hv, List<VmDefinition> defs, int parallelism) {
        Plan plan = Phoenix.on(hv).planOptions(PlanOptions.builder().readParallelism(parallelism).build())
                .plan(defs);
        if (!plan.isEmpty()) {
            throw new IllegalStateException("the benchmark's VMs are not up to date:\n" + plan.render());
        }
        return plan;
    }

    /** Scenario 1. */
    List<Row> overApi() {
        List<Row> rows = new ArrayList<>();
        for (int n : settings.quick() ? List.of(10, 100) : List.of(10, 100, 1000)) {
            List<VmDefinition> defs = Fixtures.definitions(n);
            FakeHypervisor fake = Fixtures.bigNode(FakeHypervisor.builder().realTime().defaultTaskDuration(Duration.ofMillis(1))).build();
            Fixtures.converge(fake, defs);
            try (PveSimulator sim = Fixtures.simulator(fake, Duration.ZERO); ProxmoxApi api = Fixtures.api(sim)) {
                for (int rttMs : settings.quick() ? List.of(5) : List.of(5, 20)) {
                    Duration rtt = Duration.ofMillis(rttMs);
                    sim.httpFaults().latency(rtt);
                    plan(api, defs, 16); // warm-up: JIT, TLS session, connections
                    for (int p : List.of(1, 4, 8, 16)) {
                        List<Double> wall = new ArrayList<>();
                        List<Double> perVm = new ArrayList<>();
                        for (int run = 0; run < settings.runs(); run++) {
                            long requests = sim.httpRequestCount();
                            long t0 = System.nanoTime();
                            plan(api, defs, p);
                            wall.add(Fixtures.millis(System.nanoTime() - t0));
                            perVm.add((sim.httpRequestCount() - requests) / (double) n);
                        }
                        Measured w = new Measured(wall);
                        double floor = Fixtures.millis(Floors.planOverApi(rtt, n, p).toNanos());
                        Map<String, Object> params = params(n, "RTT", rttMs + " ms", "parallelism", p);
                        rows.add(Row.of("1 plan over API", "wall time", params, w.median(), w.spread(), "ms"));
                        rows.add(Row.of("1 plan over API", "requests per VM", params, new Measured(perVm).median(), "", ""));
                        Row ratio = Row.of("1 plan over API", "ratio to floor RTT×(1+⌈N/p⌉) = "
                                + ResultsTable.number(floor) + " ms", params, w.median() / floor, spreadRatio(w, floor), "×");
                        rows.add(p == 8 && n >= 100 ? ratio.atMost(1.25, "≤ 1.25") : ratio);
                        System.out.printf("  plan/API N=%d RTT=%d ms p=%d: %.0f ms (floor %.0f ms)%n", n, rttMs, p, w.median(), floor);
                    }
                }
                sim.httpFaults().clear();
            } finally {
                fake.close();
            }
        }
        return rows;
    }

    /** Scenario 2. */
    List<Row> overSsh() {
        List<Row> rows = new ArrayList<>();
        Duration cost = Duration.ofMillis(300);
        for (int n : settings.quick() ? List.of(10, 100) : List.of(10, 100, 1000)) {
            List<VmDefinition> defs = Fixtures.definitions(n);
            FakeHypervisor fake = Fixtures.bigNode(FakeHypervisor.builder().realTime().defaultTaskDuration(Duration.ofMillis(1))).build();
            Fixtures.converge(fake, defs);
            try (PveSimulator sim = Fixtures.simulator(fake, cost); QmHypervisor qm = Fixtures.qm(sim)) {
                plan(qm, defs, 8); // warm-up
                List<Double> wall = new ArrayList<>();
                List<Double> commands = new ArrayList<>();
                List<Double> qmPvesh = new ArrayList<>();
                for (int run = 0; run < settings.runs(); run++) {
                    long c0 = sim.sshCommandCount();
                    long i0 = sim.sshInvocationCount();
                    long t0 = System.nanoTime();
                    plan(qm, defs, 8);
                    wall.add(Fixtures.millis(System.nanoTime() - t0));
                    commands.add((double) (sim.sshCommandCount() - c0));
                    qmPvesh.add((double) (sim.sshInvocationCount() - i0));
                }
                Map<String, Object> params = params(n, "cost per qm/pvesh", "300 ms", "readParallelism", 8);
                Measured w = new Measured(wall);
                rows.add(Row.of("2 plan over SSH", "wall time", params, w.median(), w.spread(), "ms"));
                rows.add(Row.of("2 plan over SSH", "remote commands (all)", params, new Measured(commands).max(), "", "")
                        .atMost(3, "≤ 3"));
                rows.add(Row.of("2 plan over SSH", "of which qm/pvesh (300 ms each)", params, new Measured(qmPvesh).max(), "", ""));
                System.out.printf("  plan/SSH N=%d: %.0f ms, %.0f remote commands%n", n, w.median(), new Measured(commands).max());
            } finally {
                fake.close();
            }
        }
        return rows;
    }

    private static String spreadRatio(Measured w, double floor) {
        return w.runs().size() == 1 ? "" : ResultsTable.number(w.min() / floor) + "–" + ResultsTable.number(w.max() / floor);
    }

    static Map<String, Object> params(int n, Object... more) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("N", n);
        for (int i = 0; i + 1 < more.length; i += 2) {
            p.put((String) more[i], more[i + 1]);
        }
        return p;
    }
}
