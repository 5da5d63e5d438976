package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading Proxmox's loosely typed JSON: numbers that arrive as strings ({@code /cluster/nextid}
 * gives {@code "100"}; {@code memory} in a config is a string since qemu-server 8.0.8), booleans
 * as {@code 0}/{@code 1} (or missing, meaning 0), and config values that are printed back to the
 * strings the config file holds.
 */
final class PveJson {

    private PveJson() {
    }

    static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    /** A number or numeric string as long; {@code fallback} when absent. */
    static long longOf(JsonNode n, long fallback) {
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
            throw new HypervisorException("expected a number from Proxmox, got '" + s + "'");
        }
    }

    /** A required integer (number or numeric string). */
    static int intOf(JsonNode n, String what) {
        if (!present(n)) {
            throw new HypervisorException("Proxmox reply lacks " + what);
        }
        long v = longOf(n, 0);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new HypervisorException(what + " out of range: " + v);
        }
        return (int) v;
    }

    static double doubleOf(JsonNode n, double fallback) {
        if (!present(n)) {
            return fallback;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        try {
            return Double.parseDouble(n.asText().strip());
        } catch (NumberFormatException e) {
            throw new HypervisorException("expected a number from Proxmox, got '" + n.asText() + "'");
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
        String s = n.asText().strip().toLowerCase(java.util.Locale.ROOT);
        return s.equals("1") || s.equals("true") || s.equals("yes") || s.equals("on");
    }

    /** Text, or null when absent. */
    static String textOf(JsonNode n) {
        return present(n) ? n.asText() : null;
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
