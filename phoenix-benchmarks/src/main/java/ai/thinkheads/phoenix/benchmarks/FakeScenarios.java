package ai.thinkheads.phoenix.benchmarks;

import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.contract.Capability;
import ai.thinkheads.phoenix.testkit.contract.ContractFixture;
import ai.thinkheads.phoenix.testkit.contract.HypervisorContract;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/** Scenario 4: the fake's primitive throughput (JMH) and the contract's stateful property at 1000 tries. */
final class FakeScenarios {

    /** The contract against the fake, exactly as the testkit's FakeHypervisorContractTest sets it up, run from here. */
    public static final class FakeContract extends HypervisorContract {
        @Override
        protected ContractFixture fixture() {
            FakeHypervisor hv = FakeHypervisor.singleNode();
            String image = hv.cluster().addVolume("pve", "local", "import/debian-12-genericcloud-amd64.qcow2", 2L << 30);
            return new ContractFixture(hv, "pve", "local-lvm", "local", image, hv.time(), EnumSet.allOf(Capability.class));
        }

        @Override
        protected int statefulTries() {
            return 1000;
        }
    }

    private final Settings settings;

    FakeScenarios(Settings settings) {
        this.settings = settings;
    }

    List<Row> throughput() throws RunnerException {
        // forks(0): the JVM of exec:java has Maven's class path, not ours, so a forked JMH JVM could not load the benchmark
        Options opts = new OptionsBuilder().include(FakePrimitivesBenchmark.class.getName() + ".*").forks(0)
                .warmupIterations(settings.quick() ? 1 : 2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(settings.quick() ? 2 : 5).measurementTime(TimeValue.seconds(1))
                .threads(1).shouldFailOnError(true).build();
        Collection<RunResult> results = new Runner(opts).run();
        List<Row> rows = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            double score = r.getPrimaryResult().getScore();
            double error = r.getPrimaryResult().getScoreError();
            Map<String, Object> params = new java.util.LinkedHashMap<>();
            params.put("VMs", 20);
            params.put("threads", 1);
            params.put("JMH", "forks 0, " + r.getParams().getMeasurement().getCount() + "×1 s");
            rows.add(Row.of("4 fake throughput", "FakeHypervisor." + name, params, score,
                    "± " + ResultsTable.number(error) + " (99.9% CI)", "ops/s").atLeast(200_000, "≥ 200,000"));
        }
        return rows;
    }

    Row statefulProperty() {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(FakeContract.class, "randomOperationSequencesMatchASimpleModel",
                        "net.jqwik.api.state.ActionChain"))
                .configurationParameter("jqwik.database", settings.out().resolve("jqwik-database").toString())
                .configurationParameter("jqwik.reporting.onlyfailures", "true")
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        long t0 = System.nanoTime();
        launcher.execute(request, summary);
        double wall = Fixtures.millis(System.nanoTime() - t0);
        TestExecutionSummary s = summary.getSummary();
        if (s.getTestsSucceededCount() != 1) {
            java.io.StringWriter w = new java.io.StringWriter();
            s.printFailuresTo(new java.io.PrintWriter(w), 20);
            throw new IllegalStateException("the stateful property did not pass once: found " + s.getTestsFoundCount()
                    + ", succeeded " + s.getTestsSucceededCount() + "\n" + w);
        }
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("tries", 1000);
        params.put("backend", "FakeHypervisor (virtual time)");
        return Row.of("4 contract property", "stateful property wall time", params, wall, "", "ms").atMost(10_000, "< 10 s");
    }
}
