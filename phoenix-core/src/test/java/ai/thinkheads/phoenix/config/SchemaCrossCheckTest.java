package ai.thinkheads.phoenix.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.ConfigKey.SubKey;
import ai.thinkheads.phoenix.config.ConfigKey.Type;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks every {@link ConfigKeys} entry against the PVE 8.4 and 9.1 API schemas (read from the
 * shared reference folder at test time, never copied into the repo): the key exists on
 * {@code POST /nodes/{node}/qemu} and on {@code PUT}/{@code POST /nodes/{node}/qemu/{vmid}/config}
 * with the same type, bounds, enum, named format and index range; each property-string sub-key
 * exists in the schema's format object (or, for named formats, in the typetext) with the same
 * type, bounds and enum.
 */
class SchemaCrossCheckTest {

    static final List<String> SCHEMAS = List.of("pve-8.4-apischema.json", "pve-9.1-apischema.json");
    private static final Map<String, JsonNode> LOADED = new HashMap<>();
    private static final Pattern INDEX_RANGE = Pattern.compile("n is 0 to (\\d+)");

    @ParameterizedTest
    @ValueSource(strings = {"pve-8.4-apischema.json", "pve-9.1-apischema.json"})
    void everyTableEntryMatchesTheSchema(String file) {
        List<String> mismatches = new ArrayList<>();
        for (ConfigKey key : ConfigKeys.all()) {
            mismatches.addAll(check(schema(file), key));
        }
        assertEquals(List.of(), mismatches, file);
    }

    @Test
    void theCheckCatchesWrongRangesTypesEnumsDefaultKeysAndMissingKeys() {
        JsonNode schema = schema(SCHEMAS.get(0));
        ConfigKey net = ConfigKeys.entry("net[n]").orElseThrow();
        Map<String, SubKey> subs = new HashMap<>(net.subKeys());
        subs.put("tag", new SubKey(Type.INTEGER, 1L, 4095L, List.of()));
        ConfigKey wrongTag = new ConfigKey(net.name(), net.type(), null, null, List.of(), net.maxIndex(), null, subs);
        assertTrue(check(schema, wrongTag).stream().anyMatch(m -> m.contains("net[n].tag") && m.contains("maximum")),
                () -> check(schema, wrongTag).toString());

        ConfigKey cores = ConfigKeys.entry("cores").orElseThrow();
        ConfigKey wrongMin = new ConfigKey("cores", Type.INTEGER, 0L, null, List.of(), -1, null, Map.of());
        assertTrue(check(schema, cores).isEmpty());
        assertFalse(check(schema, wrongMin).isEmpty());
        assertFalse(check(schema, new ConfigKey("cores", Type.STRING, 1L, null, List.of(), -1, null, Map.of())).isEmpty());
        assertFalse(check(schema, new ConfigKey("scsi[n]", Type.STRING, null, null, List.of(), 31, null, Map.of())).isEmpty(),
                "scsi has 0..30");
        assertFalse(check(schema, new ConfigKey("no-such-key", Type.STRING, null, null, List.of(), -1, null, Map.of())).isEmpty());
        assertFalse(check(schema, new ConfigKey("ipconfig[n]", Type.STRING, null, null, List.of(), 31, "pve-qm-ipconfig",
                Map.of("ip4", new SubKey(Type.STRING, null, null, List.of())))).isEmpty(), "sub-key not in the typetext");
        ConfigKey vga = ConfigKeys.entry("vga").orElseThrow();
        assertFalse(check(schema, new ConfigKey("vga", vga.type(), null, null, List.of(), -1, null, "memory", vga.subKeys())).isEmpty(),
                "wrong default key");
        assertFalse(check(schema, new ConfigKey("vga", vga.type(), null, null, List.of(), -1, null, vga.subKeys())).isEmpty(),
                "missing default key");
        assertFalse(check(schema, new ConfigKey("scsihw", Type.STRING, null, null, List.of("lsi"), -1, null, Map.of())).isEmpty(),
                "enum differs");
    }

    static List<String> check(JsonNode schema, ConfigKey key) {
        List<String> out = new ArrayList<>();
        for (String[] endpoint : new String[][] {{"/nodes/{node}/qemu", "POST"},
                {"/nodes/{node}/qemu/{vmid}/config", "PUT"}, {"/nodes/{node}/qemu/{vmid}/config", "POST"}}) {
            String where = endpoint[1] + " " + endpoint[0] + " " + key.name();
            JsonNode p = find(schema, endpoint[0]).path("info").path(endpoint[1]).path("parameters").path("properties")
                    .path(key.name());
            if (p.isMissingNode()) {
                out.add(where + ": missing from the schema");
                continue;
            }
            compare(out, where, key.type(), key.minimum(), key.maximum(), key.enumValues(), p);
            if (key.namedFormat() != null && !key.namedFormat().equals(p.path("format").asText(null))) {
                out.add(where + ": format is " + p.path("format") + ", table says " + key.namedFormat());
            }
            if (key.isIndexed()) {
                Matcher m = INDEX_RANGE.matcher(p.path("description").asText(""));
                if (m.find() && Integer.parseInt(m.group(1)) != key.maxIndex()) {
                    out.add(where + ": n is 0 to " + m.group(1) + ", table says 0 to " + key.maxIndex());
                }
            }
            JsonNode format = p.path("format");
            if (key.defaultKey() != null) {
                boolean matches = format.isObject()
                        ? format.path(key.defaultKey()).path("default_key").asInt(0) == 1
                        : p.path("typetext").asText("").contains("[" + key.defaultKey() + "=]");
                if (!matches) {
                    out.add(where + ": " + key.defaultKey() + " is not the schema's default key");
                }
            } else if (format.isObject()) {
                format.fields().forEachRemaining(f -> {
                    if (f.getValue().path("default_key").asInt(0) == 1) {
                        out.add(where + ": the schema's default key is " + f.getKey() + ", table has none");
                    }
                });
            }
            key.subKeys().forEach((name, sub) -> {
                if (format.isObject()) {
                    JsonNode s = format.path(name);
                    if (s.isMissingNode()) {
                        out.add(where + "." + name + ": sub-key missing from the format");
                    } else {
                        compare(out, where + "." + name, sub.type(), sub.minimum(), sub.maximum(), sub.enumValues(), s);
                    }
                } else if (!Pattern.compile("(^|[\\[ ,])" + Pattern.quote(name) + "=").matcher(p.path("typetext").asText("")).find()) {
                    out.add(where + "." + name + ": sub-key not in typetext " + p.path("typetext"));
                }
            });
        }
        return out;
    }

    private static void compare(List<String> out, String where, Type type, Long min, Long max, List<String> enumValues, JsonNode p) {
        if (!type.schemaName().equals(p.path("type").asText())) {
            out.add(where + ": type is " + p.path("type").asText() + ", table says " + type.schemaName());
        }
        Long schemaMin = p.has("minimum") ? Long.valueOf(p.get("minimum").asText().replaceAll("\\.0+$", "")) : null;
        Long schemaMax = p.has("maximum") ? Long.valueOf(p.get("maximum").asText().replaceAll("\\.0+$", "")) : null;
        if (!java.util.Objects.equals(schemaMin, min)) {
            out.add(where + ": minimum is " + schemaMin + ", table says " + min);
        }
        if (!java.util.Objects.equals(schemaMax, max)) {
            out.add(where + ": maximum is " + schemaMax + ", table says " + max);
        }
        List<String> schemaEnum = new ArrayList<>();
        p.path("enum").forEach(e -> schemaEnum.add(e.asText()));
        if (!schemaEnum.equals(enumValues)) {
            out.add(where + ": enum is " + schemaEnum + ", table says " + enumValues);
        }
    }

    static JsonNode find(JsonNode nodes, String path) {
        for (JsonNode n : nodes) {
            if (path.equals(n.path("path").asText())) {
                return n;
            }
            JsonNode hit = find(n.path("children"), path);
            if (!hit.isMissingNode()) {
                return hit;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static synchronized JsonNode schema(String file) {
        return LOADED.computeIfAbsent(file, f -> {
            try {
                return new ObjectMapper().readTree(apiDir().resolve(f).toFile());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + f, e);
            }
        });
    }

    /** {@code phoenix.shared.dir}/pve-api, or a {@code shared/pve-api} found walking up from the working dir. */
    static Path apiDir() {
        String prop = System.getProperty("phoenix.shared.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop, "pve-api"))) {
            return Paths.get(prop, "pve-api");
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared").resolve("pve-api");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            if (Files.isDirectory(dir.resolve("shared/pve-api"))) {
                return dir.resolve("shared/pve-api");
            }
        }
        throw new IllegalStateException("no shared/pve-api folder found (set -Dphoenix.shared.dir)");
    }
}
