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
 *   <li>the named formats the parameters Phoenix sends carry ({@link NamedFormats}: code
 *       verifiers such as {@code pve-vmid}, {@code disk-size}, {@code address}, {@code pve-bridge-id},
 *       {@code pve-volume-id-or-qm-path}, {@code pve-startup-order}, and qemu-server's
 *       property-string formats {@code pve-qm-ipconfig}, {@code pve-qm-boot}, {@code pve-qm-cicustom},
 *       {@code pve-vm-cpu-conf}), with their {@code -list} and {@code -opt} forms. A named format
 *       it has no verifier for is not checked but named ({@link #check}).</li>
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
    private static final Pattern FORMAT_NAME = Pattern.compile("^(.*?)(?:-(list|opt))?$");

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
        return check(method, path, parameters).violations();
    }

    /**
     * What {@link #check} found: the violations, and the named formats of values in the request
     * that could not be checked (no verifier in {@link NamedFormats}).
     */
    public record Check(List<SchemaViolation> violations, java.util.Set<String> uncheckedFormats) {
        public Check {
            violations = List.copyOf(violations);
            uncheckedFormats = java.util.Set.copyOf(uncheckedFormats);
        }
    }

    /** {@link #validate}, also naming the named formats it could not check. */
    public Check check(String method, String path, Map<String, List<String>> parameters) {
        Objects.requireNonNull(parameters, "parameters");
        java.util.Set<String> unchecked = new java.util.TreeSet<>();
        Optional<Endpoint> endpoint = resolve(method, path);
        if (endpoint.isEmpty()) {
            return new Check(List.of(new SchemaViolation("", "no " + method.toUpperCase(Locale.ROOT) + " " + path + " in " + label)), unchecked);
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
                    checkValue(name, schema.path("items"), v, out, unchecked);
                }
            } else if (values.size() != 1) {
                out.add(new SchemaViolation(name, "sent " + values.size() + " times, but it is not an array"));
            } else {
                checkValue(name, schema, values.get(0), out, unchecked);
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
        return new Check(out, unchecked);
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

    /**
     * pve-common JSONSchema.pm {@code check_prop} for a scalar: the type, then format, pattern,
     * maxLength, minLength, maximum, minimum and enum, in that order; the first failure is the
     * parameter's one error.
     */
    private void checkValue(String name, JsonNode schema, String value, List<SchemaViolation> out, java.util.Set<String> unchecked) {
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
            }
            case "number" -> {
                if (!NUMBER.matcher(value).matches()) {
                    out.add(new SchemaViolation(name, "type check ('number') failed - got '" + value + "'"));
                    return;
                }
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
        int before = out.size();
        JsonNode format = schema.get("format");
        if (format != null && format.isObject()) {
            checkPropertyString(name, format, value, out, unchecked);
        } else if (format != null && format.isTextual()) {
            checkNamedFormat(name, format.asText(), value, out, unchecked);
        }
        if (out.size() > before) {
            return;
        }
        JsonNode pattern = schema.get("pattern");
        if (pattern != null && pattern.isTextual()) {
            Optional<Pattern> p = compiled(pattern.asText());
            if (p.isPresent() && !p.get().matcher(value).matches()) {
                out.add(new SchemaViolation(name, "value does not match the regex pattern"));
                return;
            }
        }
        if (schema.has("maxLength") && value.length() > schema.get("maxLength").asInt()) {
            out.add(new SchemaViolation(name, "value may only be " + schema.get("maxLength").asInt() + " characters long"));
            return;
        }
        if (schema.has("minLength") && value.length() < schema.get("minLength").asInt()) {
            out.add(new SchemaViolation(name, "value must be at least " + schema.get("minLength").asInt() + " characters long"));
            return;
        }
        if (NUMBER.matcher(value).matches() && checkRange(name, schema, Double.parseDouble(value), out)) {
            return;
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
    }

    /** maximum, then minimum; true when one failed. */
    private static boolean checkRange(String name, JsonNode schema, double number, List<SchemaViolation> out) {
        if (schema.has("maximum") && number > schema.get("maximum").asDouble()) {
            out.add(new SchemaViolation(name, "value must have a maximum value of " + schema.get("maximum").asText()));
            return true;
        }
        if (schema.has("minimum") && number < schema.get("minimum").asDouble()) {
            out.add(new SchemaViolation(name, "value must have a minimum value of " + schema.get("minimum").asText()));
            return true;
        }
        return false;
    }

    /**
     * pve-common JSONSchema.pm {@code check_format} for a format given by name: {@code -list} checks
     * every item of {@code split_list} (an empty list is allowed), {@code -opt} allows the empty
     * value, a property-string format is parsed and checked key by key, then its validator runs.
     * {@code check_prop} reports a failure as {@code invalid format - <die text>}.
     */
    private void checkNamedFormat(String name, String format, String value, List<SchemaViolation> out, java.util.Set<String> unchecked) {
        Matcher m = FORMAT_NAME.matcher(format);
        m.matches();
        String base = m.group(1);
        String kind = m.group(2) == null ? "none" : m.group(2);
        Optional<JsonNode> hash = NamedFormats.propertyString(base);
        if (hash.isPresent() && kind.equals("none")) {
            Optional<Map<String, String>> parsed = checkPropertyString(name, hash.get(), value, out, unchecked);
            Optional<String> invalid = parsed.flatMap(p -> NamedFormats.validator(base).flatMap(v -> v.apply(p)));
            invalid.ifPresent(text -> out.add(new SchemaViolation(name, "invalid format - " + text)));
            return;
        }
        Optional<NamedFormats.Verifier> verifier = NamedFormats.verifier(base);
        if (verifier.isEmpty()) {
            unchecked.add(format);
            return;
        }
        List<String> items = switch (kind) {
            case "list" -> ai.thinkheads.phoenix.config.TagList.splitList(value);
            case "opt" -> value.isEmpty() ? List.of() : List.of(value);
            default -> List.of(value);
        };
        for (String item : items) {
            verifier.get().apply(item).ifPresent(text -> out.add(new SchemaViolation(name, "invalid format - " + text)));
        }
    }

    /** pve-common {@code parse_property_string} followed by {@code check_object} on the result. */
    private Optional<Map<String, String>> checkPropertyString(String name, JsonNode format, String value, List<SchemaViolation> out,
            java.util.Set<String> unchecked) {
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
            return Optional.empty();
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
                checkValue(name + "." + e.getKey(), sub, e.getValue(), inner, unchecked);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = format.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode sub = e.getValue();
            if (!resolved.containsKey(e.getKey()) && !truthy(sub.get("optional")) && !sub.has("alias")) {
                inner.add(new SchemaViolation(name + "." + e.getKey(), "property is missing and it is not optional"));
            }
            // pve-common JSONSchema.pm check_object: a set key's 'requires' partner must be set too
            JsonNode requires = sub.get("requires");
            if (requires != null && requires.isTextual() && resolved.containsKey(e.getKey()) && !resolved.containsKey(requires.asText())) {
                inner.add(new SchemaViolation(name + "." + requires.asText(), "missing property - '" + name + "." + e.getKey()
                        + "' requires this property"));
            }
        }
        reportPropertyString(name, inner, out);
        return inner.isEmpty() ? Optional.of(resolved) : Optional.empty();
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
