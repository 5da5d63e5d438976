package ai.thinkheads.phoenix.spec;

import ai.thinkheads.phoenix.config.ConfigKey;

/** Checks a raw property-string sub-value against its {@link ConfigKey.SubKey} entry. */
final class SubKeyValues {

    private SubKeyValues() {
    }

    /** The value, booleans normalised to 0/1; throws {@link InvalidValueException} at {@code path}. */
    static String check(String path, ConfigKey.SubKey sub, String value) {
        SpecChecks.singleLine(path, value);
        if (value.contains(",")) {
            throw new InvalidValueException(path, "'" + value + "' contains a comma");
        }
        switch (sub.type()) {
            case BOOLEAN:
                switch (value.toLowerCase(java.util.Locale.ROOT)) {
                    case "1": case "on": case "yes": case "true": return "1";
                    case "0": case "off": case "no": case "false": return "0";
                    default: throw new InvalidValueException(path, "'" + value + "' is not a boolean (1|0)");
                }
            case INTEGER:
            case NUMBER:
                boolean ok = sub.type() == ConfigKey.Type.INTEGER ? value.matches("-?\\d{1,15}") : value.matches("-?\\d{1,15}(\\.\\d+)?");
                if (!ok) {
                    throw new InvalidValueException(path, "'" + value + "' is not " + (sub.type() == ConfigKey.Type.INTEGER ? "an integer" : "a number"));
                }
                double n = Double.parseDouble(value);
                if ((sub.minimum() != null && n < sub.minimum()) || (sub.maximum() != null && n > sub.maximum())) {
                    throw new InvalidValueException(path, value + " is outside " + (sub.minimum() == null ? "" : sub.minimum())
                            + ".." + (sub.maximum() == null ? "" : sub.maximum()));
                }
                return value;
            default:
                if (!sub.enumValues().isEmpty() && !sub.enumValues().contains(value)) {
                    throw new InvalidValueException(path, "'" + value + "' is not one of " + sub.enumValues());
                }
                return value;
        }
    }
}
