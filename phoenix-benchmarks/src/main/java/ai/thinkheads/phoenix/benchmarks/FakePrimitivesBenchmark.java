package ai.thinkheads.phoenix.benchmarks;

import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.CreateRequest;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Scenario 4, JMH: throughput of {@link FakeHypervisor} primitives on a cluster of 20 VMs
 * (virtual time): {@code listVms}, {@code getConfig}, a digest-guarded {@code updateConfig}, and a
 * mix of 8 reads to 2 writes (the shape of a plan followed by an apply).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FakePrimitivesBenchmark {

    private FakeHypervisor fake;
    private List<VmRef> refs;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        fake = FakeHypervisor.singleNode();
        for (int id = 100; id < 120; id++) {
            fake.create(CreateRequest.of("pve", id, Map.of("name", "vm-" + id, "memory", "512", "cores", "1",
                    "net0", "virtio,bridge=vmbr0"))).await(Duration.ofMinutes(1));
        }
        refs = fake.listVms().stream().map(VmSummary::ref).toList();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fake.close();
    }

    private VmRef nextVm() {
        next = (next + 1) % refs.size();
        return refs.get(next);
    }

    @Benchmark
    public List<VmSummary> listVms() {
        return fake.listVms();
    }

    @Benchmark
    public VmConfig getConfig() {
        return fake.getConfig(nextVm());
    }

    @Benchmark
    public Object updateConfig() {
        VmRef vm = nextVm();
        VmConfig c = fake.getConfig(vm);
        String cores = "1".equals(c.values().get("cores")) ? "2" : "1";
        return fake.updateConfig(vm, new ConfigUpdate(Map.of("cores", cores), java.util.Set.of(), c.digest()));
    }

    /** 10 primitives: listVms, 7 getConfig, 2 updateConfig (each after its own read). */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(10)
    public Object mix() {
        Object last = fake.listVms();
        for (int i = 0; i < 7; i++) {
            last = fake.getConfig(nextVm());
        }
        last = updateConfig();
        last = updateConfig();
        return last;
    }
}
