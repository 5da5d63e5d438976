package ai.thinkheads.phoenix.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The subset of JSON Schema 2020-12 that the shipped definition schema uses — type, const, enum,
 * properties, patternProperties, additionalProperties, required, items, min/max, min/maxLength,
 * pattern, minProperties, uniqueItems, allOf/anyOf/oneOf/not and local {@code $ref} — so tests can
 * check written files against the schema without a validator dependency. Unknown keywords fail
 * loudly rather than being skipped.
 */
final class MiniSchemaValidator {

    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "title", "description", "$defs");
    private final JsonNode root;

    MiniSchemaValidator(JsonNode root) {
        this.root = root;
    }

    /** Every violation as {@code path: keyword ...}; empty if {@code doc} is valid. */
    List<String> validate(JsonNode doc) {
        List<String> out = new ArrayList<>();
        check(root, doc, "$", out);
        return out;
    }

    private void check(JsonNode schema, JsonNode v, String path, List<String> out) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                out.add(path + ": false schema");
            }
            return;
        }
        for (Map.Entry<String, JsonNode> e : schema.properties()) {
            String k = e.getKey();
            JsonNode s = e.getValue();
            switch (k) {
                case "$ref":
                    check(resolve(s.textValue()), v, path, out);
                    break;
                case "type":
                    if (!typeMatches(s, v)) {
                        out.add(path + ": type " + s + " expected, got " + v.getNodeType());
                    }
                    break;
                case "const":
                    if (!s.equals(v)) {
                        out.add(path + ": const " + s);
                    }
                    break;
                case "enum": {
                    boolean found = false;
                    for (JsonNode option : s) {
                        found |= option.equals(v);
                    }
                    if (!found) {
                        out.add(path + ": not in enum " + s);
                    }
                    break;
                }
                case "required":
                    if (v.isObject()) {
                        s.forEach(r -> {
                            if (!v.has(r.textValue())) {
                                out.add(path + ": required " + r.textValue());
                            }
                        });
                    }
                    break;
                case "properties":
                    if (v.isObject()) {
                        s.properties().forEach(p -> {
                            if (v.has(p.getKey())) {
                                check(p.getValue(), v.get(p.getKey()), path + "." + p.getKey(), out);
                            }
                        });
                    }
                    break;
                case "patternProperties":
                    if (v.isObject()) {
                        s.properties().forEach(p -> v.properties().forEach(m -> {
                            if (Pattern.compile(p.getKey()).matcher(m.getKey()).find()) {
                                check(p.getValue(), m.getValue(), path + "." + m.getKey(), out);
                            }
                        }));
                    }
                    break;
                case "additionalProperties":
                    if (v.isObject()) {
                        for (Map.Entry<String, JsonNode> m : v.properties()) {
                            boolean declared = schema.has("properties") && schema.get("properties").has(m.getKey());
                            if (schema.has("patternProperties")) {
                                for (Map.Entry<String, JsonNode> p : schema.get("patternProperties").properties()) {
                                    declared |= Pattern.compile(p.getKey()).matcher(m.getKey()).find();
                                }
                            }
                            if (!declared) {
                                check(s, m.getValue(), path + "." + m.getKey(), out);
                            }
                        }
                    }
                    break;
                case "items":
                    if (v.isArray()) {
                        for (int i = 0; i < v.size(); i++) {
                            check(s, v.get(i), path + "[" + i + "]", out);
                        }
                    }
                    break;
                case "minimum":
                    if (v.isNumber() && v.decimalValue().compareTo(s.decimalValue()) < 0) {
                        out.add(path + ": below minimum " + s);
                    }
                    break;
                case "maximum":
                    if (v.isNumber() && v.decimalValue().compareTo(s.decimalValue()) > 0) {
                        out.add(path + ": above maximum " + s);
                    }
                    break;
                case "minLength":
                    if (v.isTextual() && v.textValue().codePointCount(0, v.textValue().length()) < s.intValue()) {
                        out.add(path + ": shorter than " + s);
                    }
                    break;
                case "maxLength":
                    if (v.isTextual() && v.textValue().codePointCount(0, v.textValue().length()) > s.intValue()) {
                        out.add(path + ": longer than " + s);
                    }
                    break;
                case "pattern":
                    if (v.isTextual() && !Pattern.compile(s.textValue()).matcher(v.textValue()).find()) {
                        out.add(path + ": does not match " + s.textValue());
                    }
                    break;
                case "minProperties":
                    if (v.isObject() && v.size() < s.intValue()) {
                        out.add(path + ": fewer than " + s + " members");
                    }
                    break;
                case "uniqueItems":
                    if (v.isArray() && s.booleanValue()) {
                        Set<JsonNode> seen = new HashSet<>();
                        v.forEach(item -> {
                            if (!seen.add(item)) {
                                out.add(path + ": duplicate item " + item);
                            }
                        });
                    }
                    break;
                case "allOf":
                    s.forEach(sub -> check(sub, v, path, out));
                    break;
                case "anyOf":
                    if (count(s, v, path) == 0) {
                        out.add(path + ": matches none of anyOf");
                    }
                    break;
                case "oneOf": {
                    int n = count(s, v, path);
                    if (n != 1) {
                        out.add(path + ": matches " + n + " of oneOf");
                    }
                    break;
                }
                case "not":
                    if (count(List.of(s), v, path) == 1) {
                        out.add(path + ": matches 'not'");
                    }
                    break;
                default:
                    if (!ANNOTATIONS.contains(k)) {
                        throw new IllegalStateException("keyword '" + k + "' is not supported by this test validator");
                    }
            }
        }
    }

    private int count(Iterable<JsonNode> schemas, JsonNode v, String path) {
        int n = 0;
        for (JsonNode sub : schemas) {
            List<String> errors = new ArrayList<>();
            check(sub, v, path, errors);
            n += errors.isEmpty() ? 1 : 0;
        }
        return n;
    }

    private JsonNode resolve(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalStateException("only local $ref supported: " + ref);
        }
        JsonNode n = root.at(ref.substring(1));
        if (n.isMissingNode()) {
            throw new IllegalStateException("dangling $ref " + ref);
        }
        return n;
    }

    private static boolean typeMatches(JsonNode type, JsonNode v) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeMatches(t, v)) {
                    return true;
                }
            }
            return false;
        }
        switch (type.textValue()) {
            case "object": return v.isObject();
            case "array": return v.isArray();
            case "string": return v.isTextual();
            case "integer": return v.isIntegralNumber() || v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0;
            case "number": return v.isNumber();
            case "boolean": return v.isBoolean();
            case "null": return v.isNull();
            default: throw new IllegalStateException("unknown type " + type);
        }
    }
}
