package ai.thinkheads.phoenix.testkit.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The HTTP face's fault schedule, scriptable by tests and benchmarks while the simulator runs
 * (thread-safe): a latency added to every request, rules that hit the next {@code n} matching
 * requests, and an optional script that decides per request (for random fault schedules).
 *
 * <pre>{@code
 * sim.httpFaults().latency(Duration.ofMillis(5));
 * sim.httpFaults().next(2, "POST", "/nodes/.*&#47;clone", HttpFault.respond(596, "Connection timed out"));
 * sim.httpFaults().next(1, null, null, HttpFault.connectionReset());
 * }</pre>
 */
public final class HttpFaults {

    private record Rule(String method, Pattern path, HttpFault fault, int[] remaining) {
    }

    private final List<Rule> rules = new ArrayList<>();
    private volatile Duration latency = Duration.ZERO;
    private volatile BiFunction<String, String, Optional<HttpFault>> script;
    private volatile java.util.function.Consumer<Duration> sleeper = HttpFaults::threadSleep;

    /** Adds {@code latency} to every request (a round trip's worth of network and pveproxy). */
    public HttpFaults latency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative");
        }
        this.latency = latency;
        return this;
    }

    public Duration latency() {
        return latency;
    }

    /**
     * Applies {@code fault} to the next {@code times} requests whose method equals {@code method}
     * (null: any) and whose API path matches the regex {@code pathRegex} (null: any).
     */
    public synchronized HttpFaults next(int times, String method, String pathRegex, HttpFault fault) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1");
        }
        rules.add(new Rule(method, pathRegex == null ? null : Pattern.compile(pathRegex), Objects.requireNonNull(fault),
                new int[] {times}));
        return this;
    }

    /** A script consulted for every request that no rule hit: (method, path) → fault or empty. */
    public HttpFaults script(BiFunction<String, String, Optional<HttpFault>> script) {
        this.script = script;
        return this;
    }

    /**
     * How the face waits for a latency or a fault's delay: {@code Thread.sleep} unless replaced
     * (a test records the waits instead of taking them).
     */
    public HttpFaults sleeper(java.util.function.Consumer<Duration> value) {
        this.sleeper = Objects.requireNonNull(value, "sleeper");
        return this;
    }

    /** Waits {@code d} with the {@link #sleeper}; nothing for zero. */
    void pause(Duration d) {
        if (!d.isZero()) {
            sleeper.accept(d);
        }
    }

    private static void threadSleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes every rule, the script and the latency. */
    public synchronized HttpFaults clear() {
        rules.clear();
        script = null;
        latency = Duration.ZERO;
        return this;
    }

    /** The fault for this request, consuming one use of the first matching rule. */
    synchronized Optional<HttpFault> decide(String method, String path) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule r = it.next();
            if ((r.method == null || r.method.equals(method)) && (r.path == null || r.path.matcher(path).matches())) {
                if (--r.remaining[0] == 0) {
                    it.remove();
                }
                return Optional.of(r.fault);
            }
        }
        BiFunction<String, String, Optional<HttpFault>> s = script;
        return s == null ? Optional.empty() : s.apply(method, path);
    }
}
