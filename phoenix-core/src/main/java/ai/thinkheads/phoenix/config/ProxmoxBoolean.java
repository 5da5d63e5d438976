package ai.thinkheads.phoenix.config;

import java.util.Locale;

/** Boolean values as pve-common reads them ({@code PVE::JSONSchema::parse_boolean}) and writes them (0/1). */
final class ProxmoxBoolean {

    private ProxmoxBoolean() {
    }

    /** {@code 1|on|yes|true} → true, {@code 0|off|no|false} → false (any case); otherwise an error naming {@code key}. */
    static boolean parse(String key, String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "1": case "on": case "yes": case "true":
                return true;
            case "0": case "off": case "no": case "false":
                return false;
            default:
                throw new PropertyStringException(key + ": type check ('boolean') failed - got '" + text + "'");
        }
    }

    /** The canonical spelling of a boolean value. */
    static String format(boolean value) {
        return value ? "1" : "0";
    }

    /** {@code text} normalised to {@code 0}/{@code 1}. */
    static String normalise(String key, String text) {
        return format(parse(key, text));
    }
}
