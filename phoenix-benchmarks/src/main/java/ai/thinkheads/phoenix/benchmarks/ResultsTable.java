package ai.thinkheads.phoenix.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a run's rows as {@code results.md} (a Markdown table, one row per figure, with the run's
 * parameters in it) and {@code results.json} (the same rows, plus the machine).
 */
public final class ResultsTable {

    private final List<Row> rows;
    private final Map<String, Object> machine;

    public ResultsTable(List<Row> rows, Map<String, Object> machine) {
        this.rows = List.copyOf(rows);
        this.machine = Map.copyOf(machine);
    }

    /** The Markdown table. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("Machine: ").append(machine.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))).append("\n\n");
        sb.append("| scenario | metric | parameters | value | spread | target | met |\n");
        sb.append("| --- | --- | --- | ---: | --- | --- | --- |\n");
        for (Row r : rows) {
            sb.append("| ").append(cell(r.scenario()))
                    .append(" | ").append(cell(r.metric()))
                    .append(" | ").append(cell(r.parameters().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(", "))))
                    .append(" | ").append(number(r.value())).append(r.unit().isEmpty() ? "" : " " + r.unit())
                    .append(" | ").append(cell(r.spread()))
                    .append(" | ").append(cell(r.target()))
                    .append(" | ").append(r.met() == null ? "" : r.met() ? "yes" : "**no**")
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** The JSON document: {@code machine} and {@code rows}. */
    public String json() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.set("machine", json.valueToTree(machine));
        ArrayNode list = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = list.addObject();
            o.put("scenario", r.scenario());
            o.put("metric", r.metric());
            o.set("parameters", json.valueToTree(r.parameters()));
            o.put("value", r.value());
            o.put("unit", r.unit());
            o.put("spread", r.spread());
            o.put("target", r.target());
            if (r.met() == null) {
                o.putNull("met");
            } else {
                o.put("met", r.met());
            }
        }
        try {
            return json.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the results as JSON", e);
        }
    }

    /** Writes {@code results.md} and {@code results.json} into {@code dir}. */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.md"), markdown(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("results.json"), json(), StandardCharsets.UTF_8);
    }

    /** A figure as the table shows it: integers plain, others with up to three significant decimals. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
