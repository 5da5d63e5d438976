package ai.thinkheads.phoenix.testkit.schema;

import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.config.PropertyStringException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The Proxmox VE API schema (the {@code apidata.js} tree, as in {@code pve-8.4-apischema.json}),
 * used to check requests the way {@code pveproxy} would before running a handler.
 *
 * <pre>{@code
 * PveApiSchema schema = PveApiSchema.load(Path.of("../shared/pve-api/pve-9.1-apischema.json"));
 * List<SchemaViolation> problems = schema.validate("POST", "/nodes/pve1/qemu/100/config",
 *         Map.of("net0", List.of("virtio,bridge=vmbr0"), "cores", List.of("two")));
 * // -> [cores: type check ('integer') failed - got 'two']
 * }</pre>
 *
 * <h2>What is checked</h2>
 * <ul>
 *   <li>the path resolves to a template ({@code /nodes/{node}/qemu/{vmid}/config}) that has the
 *       method; path variables are validated as parameters like the rest (pve-common {@code
 *       PVE::RESTHandler} merges them into the parameters);</li>
 *   <li>every parameter is defined, or {@code additionalProperties} allows it; indexed options are
 *       one schema key with the literal suffix {@code [n]} ({@code net[n]} covers {@code net0},
 *       {@code net1}...), and the index range is taken from the description ({@code n is 0 to
 *       30}) where it states one;</li>
 *   <li>a parameter sent more than once only when its type is {@code array} (pve-http-server's
 *       {@code decode_urlencoded} turns repeated keys into an array);</li>
 *   <li>non-optional parameters are present, {@code requires} partners too;</li>
 *   <li>type ({@code integer}, {@code number}, {@code boolean} as pve-common {@code parse_boolean}
 *       accepts it), {@code enum}, {@code minimum}/{@code maximum}, {@code pattern} (anchored, as
 *       Perl's {@code m/^$pattern$/}), {@code minLength}/{@code maxLength};</li>
 *   <li>a {@code format} given as an object is a property string: it is parsed with core's
 *       {@link PropertyString} (default key from {@code default_key}), {@code alias} and
 *       {@code keyAlias} are resolved as {@code parse_property_string} does, and each sub-value is
 *       checked against its sub-schema; unknown and missing non-optional sub-keys are violations;</li>
 *   <li>a few named formats (those our requests carry): {@code pve-node}, {@code pve-vmid},
 *       {@code pve-configid}, {@code pve-storage-id}, {@code pve-poolid}, {@code dns-name},
 *       {@code mac-addr}, {@code pve-tag}, {@code urlencoded}, each also as {@code -list}. Other
 *       named formats are not checked.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PveApiSchema {

    private static final Pattern INDEXED = Pattern.compile("^(.*?[a-z_-])(\\d+)$");
    private static final Pattern INDEX_RANGE = Pattern.compile("n is (\\d+) to (\\d+)");
    private static final Pattern INTEGER = Pattern.compile("^[+-]?\\d+$");
    private static final Pattern NUMBER = Pattern.compile("^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$");
    private static final Pattern BOOLEAN = Pattern.compile("^(1|on|yes|true|0|off|no|false)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern LIST_SEPARATOR = Pattern.compile("[\\s,;\\x00]+");

    /** pve-common JSONSchema.pm verifiers for the named formats our requests use. */
    private static final Map<String, Pattern> NAMED_FORMATS = Map.of(
            "pve-node", Pattern.compile("^[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?$"),
            "pve-vmid", Pattern.compile("^\\d+$"),
            "pve-configid", Pattern.compile("^[a-z][a-z0-9_-]+$", Pattern.CASE_INSENSITIVE),
            "pve-storage-id", Pattern.compile("^[a-z][a-z0-9\\-_.]*[a-z0-9]$", Pattern.CASE_INSENSITIVE),
            "pve-poolid", Pattern.compile("^[A-Za-z0-9_\\-]+$"),
            "dns-name", Pattern.compile("^(([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)\\.)*([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)$"),
            "mac-addr", Pattern.compile("^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$", Pattern.CASE_INSENSITIVE),
            "pve-tag", Pattern.compile("^[a-z0-9_][a-z0-9_\\-+.]*$", Pattern.CASE_INSENSITIVE),
            "urlencoded", Pattern.compile("^[-%a-zA-Z0-9_.!~*'()]*$"));

    private final String label;
    private final List<Route> routes;
    private final Map<String, Optional<Pattern>> patternCache = new ConcurrentHashMap<>();

    private PveApiSchema(String label, List<Route> routes) {
        this.label = label;
        this.routes = List.copyOf(routes);
    }

    /** Loads a schema file (a JSON array of {@code {path, info, children}} nodes). */
    public static PveApiSchema load(Path file) {
        Objects.requireNonNull(file, "file");
        try (var in = Files.newInputStream(file)) {
            JsonNode root = new ObjectMapper().readTree(in);
            if (root == null || !root.isArray()) {
                throw new IllegalArgumentException(file + " is not a PVE API schema: the top level must be an array");
            }
            List<Route> routes = new ArrayList<>();
            for (JsonNode node : root) {
                collect(node, routes);
            }
            if (routes.isEmpty()) {
                throw new IllegalArgumentException(file + " holds no API paths");
            }
            return new PveApiSchema(file.getFileName().toString(), routes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PVE API schema " + file, e);
        }
    }

    private static void collect(JsonNode node, List<Route> routes) {
        JsonNode path = node.get("path");
        JsonNode info = node.get("info");
        if (path != null && path.isTextual() && info != null && info.isObject()) {
            routes.add(new Route(path.asText(), List.of(path.asText().substring(1).split("/")), info));
        }
        JsonNode children = node.get("children");
        if (children != null) {
            for (JsonNode child : children) {
                collect(child, routes);
            }
        }
    }

    /** The file name the schema came from, e.g. {@code pve-9.1-apischema.json}. */
    public String label() {
        return label;
    }

    /** How many paths the schema defines. */
    public int pathCount() {
        return routes.size();
    }

    /** A request resolved to its schema entry. */
    public record Endpoint(String method, String template, Map<String, String> pathParameters, JsonNode definition) {

        /** The {@code returns} schema of the handler; a missing node when it declares none. */
        public JsonNode returns() {
            return definition.path("returns");
        }

        /** The Perl handler's name, e.g. {@code update_vm_async}. */
        public String handlerName() {
            return definition.path("name").asText("");
        }
    }

    /**
     * Resolves {@code method} and a concrete {@code path} ({@code /nodes/pve1/qemu/100/config}, with
     * or without the {@code /api2/json} prefix, no query) to its schema entry. Literal segments win
     * over variables when both match.
     */
    public Optional<Endpoint> resolve(String method, String path) {
        String m = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        List<String> segments = segments(path);
        // pve-storage PVE/API2/Storage/Status.pm mounts .../content with fragmentDelimiter '': a
        // volume id's slashes (local:snippets/a.yaml) stay in {volume}
        if (segments.size() > 6 && segments.get(0).equals("nodes") && segments.get(2).equals("storage")
                && segments.get(4).equals("content")) {
            List<String> joined = new ArrayList<>(segments.subList(0, 5));
            joined.add(String.join("/", segments.subList(5, segments.size())));
            segments = joined;
        }
        Route best = null;
        int bestLiterals = -1;
        for (Route route : routes) {
            if (route.segments.size() != segments.size() || !route.info.has(m)) {
                continue;
            }
            int literals = route.match(segments);
            if (literals > bestLiterals) {
                best = route;
                bestLiterals = literals;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String t = best.segments.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                vars.put(t.substring(1, t.length() - 1), segments.get(i));
            }
        }
        return Optional.of(new Endpoint(m, best.template, Collections.unmodifiableMap(vars), best.info.get(m)));
    }

    /**
     * Checks one request. {@code parameters} maps each name to the values sent (more than one when
     * the key was repeated); path variables come from {@code path}. Returns no violations when the
     * request is acceptable.
     */
    public List<SchemaViolation> validate(String method, String path, Map<String, List<String>> parameters) {
        Objects.requireNonNull(parameters, "parameters");
        Optional<Endpoint> endpoint = resolve(method, path);
        if (endpoint.isEmpty()) {
            return List.of(new SchemaViolation("", "no " + method.toUpperCase(Locale.ROOT) + " " + path + " in " + label));
        }
        Endpoint ep = endpoint.get();
        List<SchemaViolation> out = new ArrayList<>();
        JsonNode spec = ep.definition.path("parameters");
        JsonNode props = spec.path("properties");
        boolean additionalAllowed = !spec.has("additionalProperties") || truthy(spec.get("additionalProperties"));

        Map<String, List<String>> all = new TreeMap<>();
        ep.pathParameters.forEach((k, v) -> all.put(k, List.of(v)));
        parameters.forEach((k, v) -> {
            if (ep.pathParameters.containsKey(k)) {
                out.add(new SchemaViolation(k, "given both in the path and as a parameter"));
            } else {
                all.put(k, List.copyOf(v));
            }
        });

        for (Map.Entry<String, List<String>> e : all.entrySet()) {
            String name = e.getKey();
            List<String> values = e.getValue();
            Optional<JsonNode> prop = property(props, name, out);
            if (prop.isEmpty()) {
                if (!additionalAllowed) {
                    out.add(new SchemaViolation(name, "property is not defined in schema and the schema does not allow additional properties"));
                }
                continue;
            }
            JsonNode schema = prop.get();
            if ("array".equals(schema.path("type").asText())) {
                for (String v : values) {
                    checkValue(name, schema.path("items"), v, out);
                }
            } else if (values.size() != 1) {
                out.add(new SchemaViolation(name, "sent " + values.size() + " times, but it is not an array"));
            } else {
                checkValue(name, schema, values.get(0), out);
            }
            JsonNode requires = schema.get("requires");
            if (requires != null && requires.isTextual() && !all.containsKey(requires.asText())) {
                out.add(new SchemaViolation(name, "requires parameter '" + requires.asText() + "'"));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            if (!p.getKey().endsWith("[n]") && !truthy(p.getValue().get("optional")) && !all.containsKey(p.getKey())) {
                out.add(new SchemaViolation(p.getKey(), "property is missing and it is not optional"));
            }
        }
        return List.copyOf(out);
    }

    /** The schema of {@code name}: itself, or its {@code base[n]} entry for an indexed name. */
    private static Optional<JsonNode> property(JsonNode props, String name, List<SchemaViolation> out) {
        JsonNode direct = props.get(name);
        if (direct != null) {
            return Optional.of(direct);
        }
        Matcher m = INDEXED.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        JsonNode indexed = props.get(m.group(1) + "[n]");
        if (indexed == null) {
            return Optional.empty();
        }
        Matcher range = INDEX_RANGE.matcher(indexed.path("description").asText(""));
        if (range.find()) {
            long n = Long.parseLong(m.group(2));
            if (n < Long.parseLong(range.group(1)) || n > Long.parseLong(range.group(2))) {
                out.add(new SchemaViolation(name, "index out of range: " + range.group()));
            }
        }
        return Optional.of(indexed);
    }

    private void checkValue(String name, JsonNode schema, String value, List<SchemaViolation> out) {
        if (value == null) {
            out.add(new SchemaViolation(name, "value is null"));
            return;
        }
        String type = schema.path("type").asText("string");
        switch (type) {
            case "integer" -> {
                if (!INTEGER.matcher(value).matches()) {
                    out.add(new SchemaViolation(name, "type check ('integer') failed - got '" + value + "'"));
                    return;
                }
                checkRange(name, schema, Double.parseDouble(value), out);
            }
            case "number" -> {
                if (!NUMBER.matcher(value).matches()) {
                    out.add(new SchemaViolation(name, "type check ('number') failed - got '" + value + "'"));
                    return;
                }
                checkRange(name, schema, Double.parseDouble(value), out);
            }
            case "boolean" -> {
                if (!BOOLEAN.matcher(value).matches()) {
                    out.add(new SchemaViolation(name, "type check ('boolean') failed - got '" + value + "'"));
                }
                return;
            }
            default -> {
                // string (and anything else arrives as text on the wire)
            }
        }
        JsonNode enumeration = schema.get("enum");
        if (enumeration != null && enumeration.isArray()) {
            boolean found = false;
            for (JsonNode allowed : enumeration) {
                found |= allowed.asText().equals(value);
            }
            if (!found) {
                out.add(new SchemaViolation(name, "value '" + value + "' does not have a value in the enumeration '"
                        + join(enumeration) + "'"));
            }
        }
        if (schema.has("maxLength") && value.length() > schema.get("maxLength").asInt()) {
            out.add(new SchemaViolation(name, "value may only be " + schema.get("maxLength").asInt() + " characters long"));
        }
        if (schema.has("minLength") && value.length() < schema.get("minLength").asInt()) {
            out.add(new SchemaViolation(name, "value must be at least " + schema.get("minLength").asInt() + " characters long"));
        }
        JsonNode pattern = schema.get("pattern");
        if (pattern != null && pattern.isTextual()) {
            Optional<Pattern> p = compiled(pattern.asText());
            if (p.isPresent() && !p.get().matcher(value).matches()) {
                out.add(new SchemaViolation(name, "value does not match the regex pattern"));
            }
        }
        JsonNode format = schema.get("format");
        if (format != null && format.isObject()) {
            checkPropertyString(name, format, value, out);
        } else if (format != null && format.isTextual()) {
            checkNamedFormat(name, format.asText(), value, out);
        }
    }

    private static void checkRange(String name, JsonNode schema, double number, List<SchemaViolation> out) {
        if (schema.has("minimum") && number < schema.get("minimum").asDouble()) {
            out.add(new SchemaViolation(name, "value must have a minimum value of " + schema.get("minimum").asText()));
        }
        if (schema.has("maximum") && number > schema.get("maximum").asDouble()) {
            out.add(new SchemaViolation(name, "value must have a maximum value of " + schema.get("maximum").asText()));
        }
    }

    private static void checkNamedFormat(String name, String format, String value, List<SchemaViolation> out) {
        String base = format;
        boolean list = false;
        if (format.endsWith("-list")) {
            base = format.substring(0, format.length() - "-list".length());
            list = true;
        } else if (format.endsWith("-opt")) {
            base = format.substring(0, format.length() - "-opt".length());
            if (value.isEmpty()) {
                return;
            }
        }
        Pattern p = NAMED_FORMATS.get(base);
        if (p == null) {
            return; // not one we check
        }
        if (!list) {
            if (!p.matcher(value).matches()) {
                out.add(new SchemaViolation(name, "value does not match format '" + format + "': '" + value + "'"));
            }
            return;
        }
        for (String item : LIST_SEPARATOR.split(value)) {
            if (!item.isEmpty() && !p.matcher(item).matches()) {
                out.add(new SchemaViolation(name, "list item '" + item + "' does not match format '" + base + "'"));
            }
        }
    }

    /** pve-common {@code parse_property_string} followed by {@code check_object} on the result. */
    private void checkPropertyString(String name, JsonNode format, String value, List<SchemaViolation> out) {
        String defaultKey = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = format.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (truthy(e.getValue().get("default_key"))) {
                defaultKey = e.getKey();
            }
        }
        List<SchemaViolation> inner = new ArrayList<>();
        PropertyString parsed;
        try {
            parsed = PropertyString.parse(value, defaultKey);
        } catch (PropertyStringException e) {
            inner.add(new SchemaViolation(name, e.getMessage()));
            reportPropertyString(name, inner, out);
            return;
        }
        Map<String, String> resolved = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : parsed.values().entrySet()) {
            String key = e.getKey();
            JsonNode sub = format.get(key);
            if (sub == null) {
                inner.add(new SchemaViolation(name, "invalid key in comma-separated list property: " + key));
                continue;
            }
            JsonNode alias = sub.get("alias");
            if (alias != null && alias.isTextual()) {
                JsonNode keyAlias = sub.get("keyAlias");
                if (keyAlias != null && keyAlias.isTextual()) {
                    if (resolved.containsKey(keyAlias.asText())) {
                        inner.add(new SchemaViolation(name, "key alias '" + keyAlias.asText() + "' is already defined"));
                    }
                    resolved.put(keyAlias.asText(), key);
                }
                key = alias.asText();
                if (resolved.containsKey(key)) {
                    inner.add(new SchemaViolation(name, "key '" + key + "' is already defined (via alias)"));
                }
            } else if (resolved.containsKey(key)) {
                inner.add(new SchemaViolation(name, "duplicate key in comma-separated list property: " + key));
            }
            resolved.put(key, e.getValue());
        }
        for (Map.Entry<String, String> e : resolved.entrySet()) {
            JsonNode sub = format.get(e.getKey());
            if (sub != null) {
                checkValue(name + "." + e.getKey(), sub, e.getValue(), inner);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = format.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode sub = e.getValue();
            if (!resolved.containsKey(e.getKey()) && !truthy(sub.get("optional")) && !sub.has("alias")) {
                inner.add(new SchemaViolation(name + "." + e.getKey(), "property is missing and it is not optional"));
            }
        }
        reportPropertyString(name, inner, out);
    }

    /**
     * How pve-common reports a property string that fails: one error on the parameter itself,
     * {@code invalid format - <die text>} for a parse error, or {@code invalid format - format error}
     * followed by a {@code <param>.<key>: <msg>} line per sub-key ({@code check_prop} wrapping
     * {@code parse_property_string}'s exception).
     */
    private static void reportPropertyString(String name, List<SchemaViolation> inner, List<SchemaViolation> out) {
        if (inner.isEmpty()) {
            return;
        }
        SchemaViolation first = inner.get(0);
        if (first.parameter().equals(name)) {
            out.add(new SchemaViolation(name, "invalid format - " + first.message()));
            return;
        }
        StringBuilder sb = new StringBuilder("invalid format - format error");
        for (SchemaViolation v : inner) {
            sb.append('\n').append(v.parameter()).append(": ").append(v.message());
        }
        out.add(new SchemaViolation(name, sb.toString()));
    }

    private Optional<Pattern> compiled(String regex) {
        return patternCache.computeIfAbsent(regex, r -> {
            try {
                return Optional.of(Pattern.compile(r));
            } catch (PatternSyntaxException e) {
                return Optional.empty(); // a Perl-only construct: not checked
            }
        });
    }

    private static boolean truthy(JsonNode node) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isNumber()) {
            return node.asInt() != 0;
        }
        String s = node.asText();
        return !s.isEmpty() && !"0".equals(s);
    }

    private static String join(JsonNode array) {
        List<String> parts = new ArrayList<>();
        array.forEach(n -> parts.add(n.asText()));
        return String.join(", ", parts);
    }

    private static List<String> segments(String path) {
        String p = Objects.requireNonNull(path, "path");
        if (p.contains("?")) {
            throw new IllegalArgumentException("pass the query as parameters, not in the path: " + path);
        }
        if (p.startsWith("/api2/json/")) {
            p = p.substring("/api2/json".length());
        }
        if (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String s : p.split("/", -1)) {
            out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Decodes an {@code application/x-www-form-urlencoded} body or query string the way
     * pve-http-server's {@code decode_urlencoded} does: pairs split on {@code &} or {@code ;},
     * {@code +} is a space, a repeated key collects its values in order.
     */
    public static Map<String, List<String>> decodeForm(String encoded) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("[&;]")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    @Override
    public String toString() {
        return "PveApiSchema[" + label + ", " + routes.size() + " paths]";
    }

    private record Route(String template, List<String> segments, JsonNode info) {
        /** -1 when {@code concrete} does not match; otherwise how many literal segments matched. */
        int match(List<String> concrete) {
            int literals = 0;
            for (int i = 0; i < segments.size(); i++) {
                String t = segments.get(i);
                if (t.startsWith("{") && t.endsWith("}")) {
                    if (concrete.get(i).isEmpty()) {
                        return -1;
                    }
                } else if (t.equals(concrete.get(i))) {
                    literals++;
                } else {
                    return -1;
                }
            }
            return literals;
        }
    }
}
