package ai.thinkheads.phoenix.testkit.simulator.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * JSON text as Perl's {@code JSON} module writes it with {@code canonical => 1} (keys sorted) and
 * {@code utf8 => 1} (non-ASCII kept as UTF-8, only {@code "}, {@code \} and control characters
 * escaped): compact, or with {@code pretty => 1} (indent of three spaces, {@code "key" : value},
 * a newline after the top-level value).
 */
final class PerlJson {

    private PerlJson() {
    }

    /** Compact, no trailing newline (pve-common {@code CLIFormatter::print_api_result} adds one). */
    static String compact(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, false, 0);
        return sb.toString();
    }

    /** Pretty, with the trailing newline Perl's {@code indent} adds. */
    static String pretty(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, true, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, JsonNode node, boolean pretty, int level) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            sb.append("null");
        } else if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            if (keys.isEmpty()) {
                sb.append("{}");
                return;
            }
            keys.sort(null);
            sb.append('{');
            for (int k = 0; k < keys.size(); k++) {
                if (k > 0) {
                    sb.append(',');
                }
                newline(sb, pretty, level + 1);
                string(sb, keys.get(k));
                sb.append(pretty ? " : " : ":");
                write(sb, node.get(keys.get(k)), pretty, level + 1);
            }
            newline(sb, pretty, level);
            sb.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int k = 0; k < node.size(); k++) {
                if (k > 0) {
                    sb.append(',');
                }
                newline(sb, pretty, level + 1);
                write(sb, node.get(k), pretty, level + 1);
            }
            newline(sb, pretty, level);
            sb.append(']');
        } else if (node.isTextual()) {
            string(sb, node.textValue());
        } else if (node.isBoolean()) {
            sb.append(node.booleanValue() ? "true" : "false");
        } else if (node.isNumber()) {
            sb.append(perlNumber(node));
        } else {
            string(sb, node.asText());
        }
    }

    private static void newline(StringBuilder sb, boolean pretty, int level) {
        if (pretty) {
            sb.append('\n').append("   ".repeat(level));
        }
    }

    /** Perl's stringification of a number: integers as such, other values with 15 significant digits. */
    static String perlNumber(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        return perlNumber(node.doubleValue());
    }

    static String perlNumber(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Inf" : "-Inf";
        }
        String g = String.format(Locale.ROOT, "%.15g", d);
        if (g.contains("e")) {
            return g;
        }
        return new BigDecimal(g).stripTrailingZeros().toPlainString();
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\f' -> sb.append("\\f");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
