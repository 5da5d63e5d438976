package ai.thinkheads.phoenix.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The measured runs of one figure: median and spread (min–max). */
public record Measured(List<Double> runs) {

    public Measured {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        runs = List.copyOf(runs);
    }

    public double median() {
        List<Double> s = new ArrayList<>(runs);
        s.sort(Double::compare);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    public double min() {
        return runs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    public double max() {
        return runs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** "min–max (k runs)", or "" for one run. */
    public String spread() {
        return runs.size() == 1 ? "" : String.format(Locale.ROOT, "%s–%s (%d runs)", ResultsTable.number(min()),
                ResultsTable.number(max()), runs.size());
    }
}
