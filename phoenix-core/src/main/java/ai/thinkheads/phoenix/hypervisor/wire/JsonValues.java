package ai.thinkheads.phoenix.hypervisor.wire;

import ai.thinkheads.phoenix.hypervisor.UnexpectedReplyException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Reading Proxmox's loosely typed JSON: numbers that arrive as strings ({@code /cluster/nextid}
 * gives {@code "100"}; {@code memory} in a config is a string since qemu-server 8.0.8), booleans
 * as {@code 0}/{@code 1} (or missing, meaning 0), and config values printed back to the strings
 * the config file holds. Every failure names the reply it came from.
 */
final class JsonValues {

    private JsonValues() {
    }

    static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    /** A number or numeric string as long; {@code fallback} when absent. */
    static long longOf(JsonNode n, long fallback, String reply, String field) {
        if (!present(n)) {
            return fallback;
        }
        if (n.isNumber()) {
            return n.asLong();
        }
        String s = n.asText().strip();
        try {
            return s.contains(".") ? (long) Double.parseDouble(s) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new UnexpectedReplyException(reply, "'" + field + "' is not a number");
        }
    }

    /** A required integer (number or numeric string). */
    static int intOf(JsonNode n, String reply, String field) {
        if (!present(n)) {
            throw new UnexpectedReplyException(reply, "missing field '" + field + "'");
        }
        long v = longOf(n, 0, reply, field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new UnexpectedReplyException(reply, "'" + field + "' out of range: " + v);
        }
        return (int) v;
    }

    static double doubleOf(JsonNode n, double fallback, String reply, String field) {
        if (!present(n)) {
            return fallback;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        try {
            return Double.parseDouble(n.asText().strip());
        } catch (NumberFormatException e) {
            throw new UnexpectedReplyException(reply, "'" + field + "' is not a number");
        }
    }

    /** 0/1, true/false, "1"/"0", missing (false), as pve-common {@code parse_boolean} reads text. */
    static boolean boolOf(JsonNode n) {
        if (!present(n)) {
            return false;
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isNumber()) {
            return n.asDouble() != 0;
        }
        String s = n.asText().strip().toLowerCase(Locale.ROOT);
        return s.equals("1") || s.equals("true") || s.equals("yes") || s.equals("on");
    }

    /** Text, or null when absent. */
    static String textOf(JsonNode n) {
        return present(n) ? n.asText() : null;
    }

    /** Text, or null when absent or empty. */
    static String nonEmptyTextOf(JsonNode n) {
        String s = textOf(n);
        return s == null || s.isEmpty() ? null : s;
    }

    /** Text, or {@code ""} when absent. */
    static String textOrEmpty(JsonNode n) {
        String s = textOf(n);
        return s == null ? "" : s;
    }

    /** The text of a field that must be there. */
    static String requiredText(JsonNode object, String field, String reply) {
        JsonNode v = object.get(field);
        if (!present(v)) {
            throw new UnexpectedReplyException(reply, "missing field '" + field + "'");
        }
        return v.asText();
    }

    /** A config value as the config file spells it: integers plain, booleans 1/0, text as is. */
    static String configValue(JsonNode n) {
        if (n.isBoolean()) {
            return n.asBoolean() ? "1" : "0";
        }
        if (n.isIntegralNumber()) {
            return n.asText();
        }
        if (n.isNumber()) {
            return n.decimalValue().stripTrailingZeros().toPlainString();
        }
        if (n.isValueNode()) {
            return n.asText();
        }
        return n.toString();
    }
}
