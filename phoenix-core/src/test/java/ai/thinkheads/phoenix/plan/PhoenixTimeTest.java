package ai.thinkheads.phoenix.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.hypervisor.TaskStatus;
import ai.thinkheads.phoenix.hypervisor.Tasks;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Phoenix} owns the time source: whichever order {@code time}, {@code planOptions} and
 * {@code applyOptions} are called in, planning and applying both read Phoenix's. (Once the options
 * carried a time of their own, {@code Phoenix.time(c).applyOptions(o)} put apply back on the system
 * clock, and an apply waited 300 s for real.)
 */
class PhoenixTimeTest {

    /** Virtual time that counts how often it is read. */
    private static final class CountingTime implements TimeSource {
        static final Instant START = Instant.parse("2001-02-03T04:05:06Z");
        final AtomicInteger reads = new AtomicInteger();
        private Instant now = START;

        @Override
        public synchronized Instant now() {
            reads.incrementAndGet();
            return now;
        }

        @Override
        public synchronized void sleep(Duration d) {
            now = now.plus(d);
        }
    }

    /** A cluster with no VMs that starts any VM it is asked to, at once. */
    private static Hypervisor emptyCluster() {
        return (Hypervisor) Proxy.newProxyInstance(Hypervisor.class.getClassLoader(), new Class<?>[] {Hypervisor.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "listVms" -> List.of();
                    case "findVm" -> Optional.empty();
                    case "uploadableContent" -> Set.of(StorageContent.ISO);
                    case "start" -> Tasks.completed("pve1", 100, TaskStatus.stopped(null, "OK"), List.of());
                    case "toString" -> "empty cluster";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A plan that starts the existing VM 100. */
    private static Plan startVm100() {
        VmPlan start = new VmPlan("web", VmPlan.Action.UPDATE, 100, "pve1", List.of(Change.Power.start("start VM 100")),
                List.of(), "digest", List.of(), null);
        return new Plan(List.of(start), List.of(), List.of(), PlanOptions.DEFAULT_OWNER_TAG);
    }

    @ParameterizedTest
    @ValueSource(strings = {"time first", "time last"})
    void virtualTimeReachesPlanAndApplyInEitherOrder(String order) {
        CountingTime time = new CountingTime();
        List<ApplyEvent> events = new ArrayList<>();
        UnaryOperator<Phoenix> options = p -> p.planOptions(PlanOptions.builder().lockWait(Duration.ofMinutes(1)).build())
                .applyOptions(ApplyOptions.builder().listener(events::add).build());
        Phoenix phoenix = order.equals("time first")
                ? options.apply(Phoenix.on(emptyCluster()).time(time))
                : options.apply(Phoenix.on(emptyCluster())).time(time);
        assertSame(time, phoenix.time());

        int before = time.reads.get();
        assertTrue(phoenix.plan(List.of()).isEmpty());
        assertTrue(time.reads.get() > before, "planning read Phoenix's time");

        ApplyResult result = phoenix.apply(startVm100());
        assertTrue(result.isComplete(), result.toString());
        assertTrue(events.size() >= 4, events.toString());
        for (ApplyEvent e : events) {
            assertEquals(CountingTime.START, e.at(), "every apply event is stamped with Phoenix's time: " + e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plan options", "apply options"})
    void settingOptionsKeepsTheTime(String which) {
        CountingTime time = new CountingTime();
        Phoenix timed = Phoenix.on(emptyCluster()).time(time);
        Phoenix changed = which.equals("plan options")
                ? timed.planOptions(timed.planOptions().toBuilder().pruneOwned(true).build())
                : timed.applyOptions(timed.applyOptions().toBuilder().retries(1).build());
        assertSame(time, changed.time());
    }

    @org.junit.jupiter.api.Test
    void optionsRoundTripThroughTheirBuilders() {
        ApplyOptions apply = ApplyOptions.builder().maxParallel(3).maxPerNode(1).retries(2)
                .backoff(Duration.ofSeconds(2), Duration.ofSeconds(8)).taskTimeout(Duration.ofMinutes(3))
                .lockWait(Duration.ofSeconds(40)).listener(e -> { }).build();
        assertEquals(apply, apply.toBuilder().build());
        PlanOptions plan = PlanOptions.builder().adopt(105).allowDestructive("db01").pruneOwned(true).readParallelism(2).build();
        assertEquals(plan, plan.toBuilder().build());
    }
}
