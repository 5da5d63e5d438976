package ai.thinkheads.phoenix.definition;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A JSON document read with a {@link JsonParser} so that every value keeps where it started in the
 * text: path ({@code $.vms[1].cores}) → line/column. Duplicate keys are refused (Jackson's strict
 * duplicate detection), as is anything after the root value.
 */
final class LocatedJson {

    /** 1-based line and column of a value's first character. */
    record Location(int line, int column) {
    }

    private static final Pattern IDENTIFIER = Pattern.compile("^[A-Za-z_][A-Za-z0-9_-]*$");
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final JsonNode root;
    private final Map<String, Location> locations;

    private LocatedJson(JsonNode root, Map<String, Location> locations) {
        this.root = root;
        this.locations = locations;
    }

    /** Parses {@code text}; a syntax error becomes a {@link DefinitionException} with its line and column. */
    static LocatedJson parse(String text, String source) {
        Map<String, Location> locations = new HashMap<>();
        String[] current = {"$"};
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) {
                throw new DefinitionException(source, List.of(new DefinitionProblem("$", 1, 1, "the file is empty")));
            }
            JsonNode root = read(p, "$", locations, current);
            if (p.nextToken() != null) {
                JsonLocation l = p.currentTokenLocation();
                throw new DefinitionException(source, List.of(new DefinitionProblem("$", l.getLineNr(), l.getColumnNr(),
                        "unexpected content after the end of the document")));
            }
            return new LocatedJson(root, Map.copyOf(locations));
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new DefinitionException(source, List.of(new DefinitionProblem(current[0],
                    l == null ? 1 : Math.max(1, l.getLineNr()), l == null ? 1 : Math.max(1, l.getColumnNr()),
                    "not valid JSON: " + e.getOriginalMessage())));
        } catch (IOException e) {
            throw new DefinitionException(source, List.of(new DefinitionProblem("$", 1, 1, "cannot be read: " + e.getMessage())));
        }
    }

    private static JsonNode read(JsonParser p, String path, Map<String, Location> locations, String[] current)
            throws IOException {
        JsonLocation l = p.currentTokenLocation();
        locations.put(path, new Location(l.getLineNr(), l.getColumnNr()));
        current[0] = path;
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    o.set(name, read(p, child(path, name), locations, current));
                }
                current[0] = path;
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = f.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(read(p, index(path, i++), locations, current));
                }
                current[0] = path;
                return a;
            }
            case VALUE_STRING:
                return f.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT: return f.numberNode(p.getIntValue());
                    case LONG: return f.numberNode(p.getLongValue());
                    default: return f.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return f.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return f.booleanNode(true);
            case VALUE_FALSE:
                return f.booleanNode(false);
            case VALUE_NULL:
                return f.nullNode();
            default:
                throw new IllegalStateException("unexpected token " + t);
        }
    }

    JsonNode root() {
        return root;
    }

    /** Where the value at {@code path} starts; for a path not in the document, its nearest ancestor's. */
    Location at(String path) {
        String p = path;
        while (true) {
            Location l = locations.get(p);
            if (l != null) {
                return l;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                return locations.getOrDefault("$", new Location(1, 1));
            }
            p = p.substring(0, cut);
        }
    }

    /** The path of member {@code key} of the object at {@code parent}. */
    static String child(String parent, String key) {
        if (IDENTIFIER.matcher(key).matches()) {
            return parent + "." + key;
        }
        return parent + "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    /** The path of element {@code i} of the array at {@code parent}. */
    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }
}
