package ai.thinkheads.phoenix.testkit.simulator.ssh;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The command-line shape of one CLI command, and its parser, modelled on pve-common
 * {@code PVE::JSONSchema::get_options} (Getopt::Long with {@code prefix_pattern=(--|-)}, its
 * default {@code permute}, {@code ignore_case} and {@code auto_abbrev}):
 * <ul>
 *   <li>options are {@code --name value}, {@code -name value} or {@code --name=value};</li>
 *   <li>a non-boolean option ({@code =s}) always takes the next word as its value, even when it
 *       starts with {@code -};</li>
 *   <li>a boolean option ({@code :s}) takes the next word only if it does not look like an option
 *       ({@code --} or {@code -x...}); without a value it is {@code 1}; values go through
 *       {@code parse_boolean} (1|0|yes|no|true|false|on|off, any case);</li>
 *   <li>an interactive option ({@code :s} without {@code parse_boolean}, qm's {@code cipassword}:
 *       pve-common {@code get_options} makes every parameter with an interactive
 *       {@code param_mapping} optional-valued) takes the next word the same way, else is empty;</li>
 *   <li>list options ({@code -list} formats) may repeat and are joined with commas;</li>
 *   <li>words that are not options are the positional arguments, wherever they stand; {@code --}
 *       ends the options;</li>
 *   <li>an unknown option prints {@code Unknown option: x} and fails with
 *       {@code 400 unable to parse option}; missing or surplus positionals fail with
 *       {@code not enough arguments} / {@code too many arguments}.</li>
 * </ul>
 * An <em>open</em> spec (qm create/set, pvesh) accepts any other {@code --name value} as a string
 * option, because its full schema (all VM options) lives in the API and the router validates it;
 * an open spec does not resolve abbreviations (without the full schema, {@code --name} could be
 * mistaken for a prefix of {@code --nameserver}).
 */
final class CommandSpec {

    enum Kind {
        /** {@code =s}: one value, the last one given wins. */
        STRING,
        /** {@code :s} with {@code parse_boolean}. */
        BOOLEAN,
        /** {@code =s@} of a {@code -list} format: repeated values joined with commas. */
        LIST,
        /** {@code :s} of an interactive parameter: an optional value, empty when none was taken. */
        OPTIONAL,
        /** An undeclared option of an open spec: every value is kept and handed to the API as is. */
        PASSTHROUGH
    }

    /** A parse failure: Getopt's warnings (printed first) and the {@code raise} message. */
    static final class ParseError extends Exception {
        private static final long serialVersionUID = 1L;
        final List<String> warnings;

        ParseError(String message, List<String> warnings) {
            super(message);
            this.warnings = List.copyOf(warnings);
        }
    }

    /** Options (canonical name → values, joined for lists) and positionals, after parsing. */
    record Parsed(Map<String, List<String>> options, Map<String, String> args, List<String> extraArgs) {
        String option(String name) {
            List<String> v = options.get(name);
            return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
        }

        boolean flag(String name) {
            return "1".equals(option(name));
        }
    }

    private static final Pattern LOOKS_LIKE_OPTION = Pattern.compile("^(--|-).+");

    final String usage;
    final List<String> args;
    final boolean open;
    private final Map<String, Kind> options;
    private final Map<String, String> canonical = new LinkedHashMap<>();

    private CommandSpec(String usage, List<String> args, boolean open, Map<String, Kind> options) {
        this.usage = usage;
        this.args = List.copyOf(args);
        this.open = open;
        this.options = Map.copyOf(options);
        options.keySet().forEach(k -> canonical.put(k.toLowerCase(Locale.ROOT), k));
    }

    /**
     * A spec; {@code optionDecls} are names, suffixed {@code :b} for booleans, {@code :l} for lists
     * and {@code :o} for interactive (optional-value) options.
     */
    static CommandSpec of(String usage, List<String> args, boolean open, String... optionDecls) {
        Map<String, Kind> options = new LinkedHashMap<>();
        for (String decl : optionDecls) {
            if (decl.endsWith(":b")) {
                options.put(decl.substring(0, decl.length() - 2), Kind.BOOLEAN);
            } else if (decl.endsWith(":l")) {
                options.put(decl.substring(0, decl.length() - 2), Kind.LIST);
            } else if (decl.endsWith(":o")) {
                options.put(decl.substring(0, decl.length() - 2), Kind.OPTIONAL);
            } else {
                options.put(decl, Kind.STRING);
            }
        }
        return new CommandSpec(usage, args, open, options);
    }

    Parsed parse(List<String> argv) throws ParseError {
        Map<String, List<String>> opts = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String tok = argv.get(i);
            if (tok.equals("--")) {
                positional.addAll(argv.subList(i + 1, argv.size()));
                break;
            }
            if (!LOOKS_LIKE_OPTION.matcher(tok).matches()) {
                positional.add(tok);
                continue;
            }
            String body = tok.startsWith("--") ? tok.substring(2) : tok.substring(1);
            String inline = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                inline = body.substring(eq + 1);
                body = body.substring(0, eq);
            }
            String given = body.toLowerCase(Locale.ROOT);
            String name = canonical.get(given);
            if (name == null && !open) {
                List<String> candidates = canonical.keySet().stream().filter(k -> k.startsWith(given) && !given.isEmpty()).toList();
                if (candidates.size() == 1) {
                    name = canonical.get(candidates.get(0));
                } else if (candidates.size() > 1) {
                    warnings.add("Option " + given + " is ambiguous (" + String.join(", ", candidates) + ")");
                    continue;
                }
            }
            Kind kind;
            if (name == null) {
                if (!open || given.isEmpty()) {
                    warnings.add("Unknown option: " + given);
                    continue;
                }
                name = body;
                kind = Kind.PASSTHROUGH;
            } else {
                kind = options.get(name);
            }
            String value;
            if (inline != null) {
                value = inline;
            } else if (kind == Kind.BOOLEAN || kind == Kind.OPTIONAL) {
                if (i + 1 < argv.size() && !argv.get(i + 1).equals("--") && !LOOKS_LIKE_OPTION.matcher(argv.get(i + 1)).matches()) {
                    value = argv.get(++i);
                } else {
                    value = "";
                }
            } else if (i + 1 < argv.size()) {
                value = argv.get(++i);
            } else {
                warnings.add("Option " + given + " requires an argument");
                continue;
            }
            List<String> values = opts.computeIfAbsent(name, k -> new ArrayList<>());
            if (kind == Kind.STRING || kind == Kind.BOOLEAN || kind == Kind.OPTIONAL) {
                values.clear();
            }
            values.add(value);
        }
        if (!warnings.isEmpty()) {
            throw new ParseError("unable to parse option", warnings);
        }
        Map<String, String> named = new LinkedHashMap<>();
        List<String> extra = List.of();
        int p = 0;
        for (String arg : args) {
            if (arg.equals("extra-args")) {
                extra = List.copyOf(positional.subList(p, positional.size()));
                p = positional.size();
                break;
            }
            if (p >= positional.size()) {
                throw new ParseError("not enough arguments", List.of());
            }
            named.put(arg, positional.get(p++));
        }
        if (p < positional.size()) {
            throw new ParseError("too many arguments", List.of());
        }
        for (Map.Entry<String, List<String>> e : opts.entrySet()) {
            Kind kind = options.getOrDefault(e.getKey(), Kind.PASSTHROUGH);
            if (kind == Kind.BOOLEAN) {
                String v = e.getValue().get(0);
                String parsed = v.isEmpty() ? "1" : parseBoolean(v);
                if (parsed == null) {
                    throw new ParseError("unable to parse boolean option", List.of());
                }
                e.setValue(List.of(parsed));
            } else if (kind == Kind.LIST) {
                e.setValue(List.of(String.join(",", e.getValue())));
            }
        }
        return new Parsed(opts, named, extra);
    }

    /** pve-common {@code PVE::JSONSchema::parse_boolean}: "1"/"0", or null when not a boolean. */
    static String parseBoolean(String v) {
        if (v.matches("(?i)1|on|yes|true")) {
            return "1";
        }
        if (v.matches("(?i)0|off|no|false")) {
            return "0";
        }
        return null;
    }
}
