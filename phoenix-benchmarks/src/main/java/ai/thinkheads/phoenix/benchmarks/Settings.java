package ai.thinkheads.phoenix.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a run measures, from system properties:
 * <ul>
 *   <li>{@code phoenix.bench.quick=true}: fewer sizes, one measured run each (about 2 minutes);</li>
 *   <li>{@code phoenix.bench.scenarios=1,2,3,4,5}: which scenarios (default all);</li>
 *   <li>{@code phoenix.bench.runs}: measured runs per figure (default 3, quick 1);</li>
 *   <li>{@code phoenix.bench.out}: where results.md and results.json go (default {@code benchmarks/results}).</li>
 * </ul>
 */
record Settings(boolean quick, Set<Integer> scenarios, int runs, Path out) {

    static Settings fromSystemProperties() {
        boolean quick = Boolean.parseBoolean(System.getProperty("phoenix.bench.quick", "false"));
        Set<Integer> scenarios = new TreeSet<>();
        Arrays.stream(System.getProperty("phoenix.bench.scenarios", "1,2,3,4,5").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).map(Integer::parseInt).forEach(scenarios::add);
        int runs = Integer.parseInt(System.getProperty("phoenix.bench.runs", quick ? "1" : "3"));
        Path out = Path.of(System.getProperty("phoenix.bench.out", "benchmarks/results"));
        return new Settings(quick, scenarios, runs, out);
    }
}
