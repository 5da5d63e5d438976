package ai.thinkheads.phoenix.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark harness: where to start. Runs the scenarios of issue 7 against the PVE simulator
 * (and the fake) on loopback and writes {@code benchmarks/results/results.md} and
 * {@code results.json}, every figure with its parameters and the machine.
 *
 * <pre>
 * mvn -B -q -pl phoenix-benchmarks -am -DskipTests package exec:java                      # everything (~10 min on 2 cores)
 * mvn -B -q -pl phoenix-benchmarks -am -DskipTests package exec:java -Dphoenix.bench.quick=true
 * mvn -B -q -pl phoenix-benchmarks -am -DskipTests package exec:java -Dphoenix.bench.scenarios=2,5
 * </pre>
 *
 * <ol>
 *   <li>{@link PlanScenarios#overApi}: plan/refresh of N VMs over the API at 5/20 ms RTT, read parallelism 1/4/8/16;</li>
 *   <li>{@link PlanScenarios#overSsh}: plan of N VMs over SSH with 300 ms per qm/pvesh invocation;</li>
 *   <li>{@link CloneScenario}: apply of 50 clones of one template under the per-storage lock;</li>
 *   <li>{@link FakeScenarios}: FakeHypervisor throughput (JMH) and the contract's stateful property at 1000 tries;</li>
 *   <li>{@link HeapScenario}: heap of a plan of 10,000 VMs.</li>
 * </ol>
 * Each whole-process figure comes from a warm-up run and then {@code phoenix.bench.runs} measured
 * runs (median, with min–max as the spread). See {@link Settings} for the options.
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromSystemProperties();
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        List<Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        if (settings.scenarios().contains(1)) {
            System.out.println("scenario 1: plan over the API");
            rows.addAll(new PlanScenarios(settings).overApi());
        }
        if (settings.scenarios().contains(2)) {
            System.out.println("scenario 2: plan over SSH");
            rows.addAll(new PlanScenarios(settings).overSsh());
        }
        if (settings.scenarios().contains(3)) {
            System.out.println("scenario 3: apply of clones under the storage lock");
            rows.addAll(new CloneScenario(settings).run());
        }
        if (settings.scenarios().contains(4)) {
            System.out.println("scenario 4: FakeHypervisor throughput and the stateful property");
            FakeScenarios fake = new FakeScenarios(settings);
            rows.addAll(fake.throughput());
            rows.add(fake.statefulProperty());
        }
        if (settings.scenarios().contains(5)) {
            System.out.println("scenario 5: heap of a plan");
            rows.addAll(new HeapScenario(settings).run());
        }
        Map<String, Object> machine = machine();
        machine.put("run took", Math.round((System.nanoTime() - t0) / 1e9) + " s");
        machine.put("mode", settings.quick() ? "quick" : "full, " + settings.runs() + " measured runs per figure");
        ResultsTable table = new ResultsTable(rows, machine);
        table.writeTo(settings.out());
        System.out.println();
        System.out.print(table.markdown());
        System.out.println("\nwritten to " + settings.out().toAbsolutePath().normalize() + "/results.{md,json}");
        // the simulators' and OkHttp's daemon threads must not keep exec:java waiting
        System.exit(0);
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("max heap", Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
        m.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        try {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            m.put("memory", os.getTotalMemorySize() / (1 << 20) + " MB");
        } catch (ClassCastException | LinkageError e) {
            // not a HotSpot-style JVM: no total memory
        }
        m.put("date", Instant.now().toString());
        return m;
    }
}
