package ai.thinkheads.phoenix.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The value of {@code startup}: {@code order=1,up=30,down=60}. Parsing follows pve-common
 * {@code pve_parse_startup_order} ({@code order=} may be omitted, all values are non-negative
 * integers). It is a code-checked format, not a property-string schema, so Phoenix prints it in
 * the typetext's order: {@code order}, {@code up}, {@code down}.
 *
 * @param order start order, or null
 * @param up seconds to wait after starting this VM, or null
 * @param down seconds to wait after stopping it, or null
 */
public record StartupOrder(Integer order, Integer up, Integer down) {

    public StartupOrder {
        check("order", order);
        check("up", up);
        check("down", down);
        if (order == null && up == null && down == null) {
            throw new PropertyStringException("startup: unable to parse startup options");
        }
    }

    public static StartupOrder parse(String text) {
        Integer order = null;
        Integer up = null;
        Integer down = null;
        for (String p : text.split(",", -1)) {
            if (p.isBlank()) {
                continue;
            }
            String key;
            String value;
            if (p.matches("(order=)?\\d{1,9}")) {
                key = "order";
                value = p.substring(p.indexOf('=') + 1);
            } else if (p.matches("(up|down)=\\d{1,9}")) {
                key = p.substring(0, p.indexOf('='));
                value = p.substring(p.indexOf('=') + 1);
            } else {
                throw new PropertyStringException("startup: unable to parse startup options: '" + text + "'");
            }
            int n = Integer.parseInt(value);
            switch (key) {
                case "order": order = n; break;
                case "up": up = n; break;
                default: down = n;
            }
        }
        return new StartupOrder(order, up, down);
    }

    public Optional<Integer> orderIfAny() {
        return Optional.ofNullable(order);
    }

    public String format() {
        List<String> parts = new ArrayList<>();
        if (order != null) {
            parts.add("order=" + order);
        }
        if (up != null) {
            parts.add("up=" + up);
        }
        if (down != null) {
            parts.add("down=" + down);
        }
        return String.join(",", parts);
    }

    @Override
    public String toString() {
        return format();
    }

    private static void check(String key, Integer value) {
        if (value != null && value < 0) {
            throw new PropertyStringException(key + ": " + value + " is negative");
        }
    }
}
