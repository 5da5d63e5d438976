package ai.thinkheads.phoenix.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One read of one located document: typed access to values that records a {@link DefinitionProblem}
 * (path + line/column) for each value of the wrong type instead of throwing, so a reader reports
 * every problem at once. JSON {@code null} counts as absent, as jq's {@code //} treats it.
 */
final class JsonReading {

    /** A value and the path it was read from (a VM's field may come from the defaults section). */
    record Field(JsonNode node, String path) {
        boolean present() {
            return node != null && !node.isNull();
        }
    }

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Member names whose values are never kept as raw text: they may be secrets. */
    private static final Pattern SECRET = Pattern.compile("pass|secret|token|private|hash|credential",
            Pattern.CASE_INSENSITIVE);

    private final LocatedJson json;
    private final String source;
    private final List<DefinitionProblem> problems = new ArrayList<>();

    JsonReading(LocatedJson json, String source) {
        this.json = json;
        this.source = source;
    }

    LocatedJson json() {
        return json;
    }

    /** How problems name the input, e.g. the file name. */
    String source() {
        return source;
    }

    /** Records a problem at {@code path}; the same problem twice (a bad default seen by each VM) is kept once. */
    /**
     * Of {@code candidates} (VmSpec field paths such as {@code nics[1]}), the longest that is
     * {@code path} itself or a parent of it ({@code nics[1].vlan}); null if none. Readers use it to
     * put a VmSpec problem at the JSON field it came from.
     */
    static String longestPathPrefix(String path, java.util.Set<String> candidates) {
        String best = null;
        for (String key : candidates) {
            boolean matches = path.equals(key) || path.startsWith(key + ".") || path.startsWith(key + "[");
            if (matches && (best == null || key.length() > best.length())) {
                best = key;
            }
        }
        return best;
    }

    void problem(String path, String message) {
        LocatedJson.Location l = json.at(path);
        DefinitionProblem p = new DefinitionProblem(path, l.line(), l.column(), message);
        if (!problems.contains(p)) {
            problems.add(p);
        }
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new DefinitionException(source, problems);
        }
    }

    static Field member(ObjectNode object, String objectPath, String key) {
        return new Field(object.get(key), LocatedJson.child(objectPath, key));
    }

    ObjectNode object(Field f) {
        if (!f.present()) {
            return null;
        }
        if (!f.node().isObject()) {
            problem(f.path(), "expected an object, got " + describe(f.node()));
            return null;
        }
        return (ObjectNode) f.node();
    }

    List<Field> array(Field f) {
        if (!f.present()) {
            return null;
        }
        if (!f.node().isArray()) {
            problem(f.path(), "expected an array, got " + describe(f.node()));
            return null;
        }
        List<Field> out = new ArrayList<>();
        for (int i = 0; i < f.node().size(); i++) {
            out.add(new Field(f.node().get(i), LocatedJson.index(f.path(), i)));
        }
        return out;
    }

    String text(Field f) {
        if (!f.present()) {
            return null;
        }
        if (!f.node().isTextual()) {
            problem(f.path(), "expected a string, got " + describe(f.node()));
            return null;
        }
        return f.node().textValue();
    }

    Integer integer(Field f) {
        if (!f.present()) {
            return null;
        }
        if (!f.node().isIntegralNumber()) {
            problem(f.path(), "expected an integer, got " + describe(f.node()));
            return null;
        }
        if (!f.node().canConvertToInt()) {
            problem(f.path(), f.node().asText() + " is too large");
            return null;
        }
        return f.node().intValue();
    }

    Double number(Field f) {
        if (!f.present()) {
            return null;
        }
        if (!f.node().isNumber()) {
            problem(f.path(), "expected a number, got " + describe(f.node()));
            return null;
        }
        return f.node().doubleValue();
    }

    Boolean bool(Field f) {
        if (!f.present()) {
            return null;
        }
        if (!f.node().isBoolean()) {
            problem(f.path(), "expected true or false, got " + describe(f.node()));
            return null;
        }
        return f.node().booleanValue();
    }

    /** A list of strings; wrong elements are reported and left out. */
    List<String> strings(Field f) {
        List<Field> items = array(f);
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Field item : items) {
            String s = text(item);
            if (s != null) {
                out.add(s);
            } else if (!item.present()) {
                problem(item.path(), "expected a string, got null");
            }
        }
        return out;
    }

    /** Reports a missing required member at the object holding it. */
    void missing(String objectPath, String key, String why) {
        problem(objectPath, "missing required '" + key + "'" + (why.isEmpty() ? "" : " (" + why + ")"));
    }

    /** How a value looks in a message: its JSON type and, for scalars, the value. */
    static String describe(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isTextual()) {
            String t = n.textValue();
            return "string \"" + (t.length() > 40 ? t.substring(0, 37) + "..." : t) + "\"";
        }
        if (n.isBoolean()) {
            return "boolean " + n.booleanValue();
        }
        return "number " + n.asText();
    }

    /**
     * Compact JSON text of {@code n}, as kept in {@code ignored}/{@code extras} maps; the values of
     * members whose names look like secrets ({@code password}, {@code token}, ...) become
     * {@code "<redacted>"}.
     */
    static String raw(String name, JsonNode n) {
        return raw(name, n, true);
    }

    /** Compact JSON text of {@code n}, redacted as {@link #raw(String, JsonNode)} does only if {@code redact}. */
    static String raw(String name, JsonNode n, boolean redact) {
        try {
            return MAPPER.writeValueAsString(!redact ? n : isSecret(name) ? TextNode.valueOf("<redacted>") : redacted(n));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonNode could not be written", e);
        }
    }

    static boolean isSecret(String name) {
        return name != null && SECRET.matcher(name.toLowerCase(Locale.ROOT)).find();
    }

    private static JsonNode redacted(JsonNode n) {
        if (n.isObject()) {
            ObjectNode copy = MAPPER.createObjectNode();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                copy.set(e.getKey(), isSecret(e.getKey()) ? TextNode.valueOf("<redacted>") : redacted(e.getValue()));
            }
            return copy;
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode copy = MAPPER.createArrayNode();
            n.forEach(e -> copy.add(redacted(e)));
            return copy;
        }
        return n;
    }
}
