package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading the transport's own JSON: the ticket reply of {@code POST /access/ticket} and the
 * envelope's {@code total}. Every reply a primitive returns is decoded by
 * {@link ai.thinkheads.phoenix.hypervisor.wire.ProxmoxReplies}, not here.
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
}
