package ai.thinkheads.phoenix.benchmarks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One figure of a benchmark run with the parameters it was measured under.
 *
 * @param scenario which scenario (1 to 5, as in issue 7)
 * @param metric what was measured ("plan wall time", "remote invocations", ...)
 * @param parameters the run's parameters (N, RTT, parallelism, cost, tries...), in display order
 * @param value the figure (the median of the measured runs where there are several)
 * @param spread the smallest and largest of the measured runs as text, or "" for a single value
 * @param unit the unit of {@code value} (ms, ops/s, MB, count, ×)
 * @param target the target as text ("≤ 1.25", "≤ 3"), or "" when the figure has none
 * @param met whether the target is met; null when there is no target
 */
public record Row(String scenario, String metric, Map<String, Object> parameters, double value, String spread, String unit,
                  String target, Boolean met) {

    public Row {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(metric, "metric");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        Objects.requireNonNull(spread, "spread");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(target, "target");
    }

    /** A figure without a target. */
    public static Row of(String scenario, String metric, Map<String, Object> parameters, double value, String spread, String unit) {
        return new Row(scenario, metric, parameters, value, spread, unit, "", null);
    }

    /** This figure checked against {@code value ≤ limit}. */
    public Row atMost(double limit, String targetText) {
        return new Row(scenario, metric, parameters, value, spread, unit, targetText, value <= limit);
    }

    /** This figure checked against {@code value ≥ limit}. */
    public Row atLeast(double limit, String targetText) {
        return new Row(scenario, metric, parameters, value, spread, unit, targetText, value >= limit);
    }
}
