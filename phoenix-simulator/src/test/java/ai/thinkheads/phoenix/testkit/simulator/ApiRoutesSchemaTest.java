package ai.thinkheads.phoenix.testkit.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulator's own table of non-string config keys agrees with the official schemas. */
class ApiRoutesSchemaTest {

    static Path shared() {
        String prop = System.getProperty("phoenix.shared.dir");
        if (prop != null && Files.isDirectory(Path.of(prop, "pve-api"))) {
            return Path.of(prop);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("shared/pve-api"))) {
                return p.resolve("shared");
            }
            if (Files.isDirectory(p.resolveSibling("shared").resolve("pve-api"))) {
                return p.resolveSibling("shared");
            }
        }
        throw new IllegalStateException("../shared/pve-api not found; set -Dphoenix.shared.dir");
    }

    private static JsonNode find(JsonNode nodes, String path) {
        for (JsonNode n : nodes) {
            if (path.equals(n.path("path").asText())) {
                return n;
            }
            JsonNode hit = find(n.path("children"), path);
            if (hit != null) {
                return hit;
            }
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve-8.4-apischema.json", "pve-9.1-apischema.json"})
    void numericConfigKeysMatchTheConfigSchema(String file) throws IOException {
        JsonNode schema = new ObjectMapper().readTree(shared().resolve("pve-api").resolve(file).toFile());
        JsonNode props = find(schema, "/nodes/{node}/qemu/{vmid}/config").path("info").path("GET").path("returns").path("properties");
        Set<String> numeric = new TreeSet<>();
        for (Map.Entry<String, JsonNode> e : props.properties()) {
            String type = e.getValue().path("type").asText();
            if (Set.of("integer", "boolean", "number").contains(type)) {
                numeric.add(e.getKey());
            }
        }
        Set<String> ours = new TreeSet<>(ApiRoutes.NUMERIC_CONFIG_KEYS);
        if (file.startsWith("pve-8.4")) {
            // keys 9.x added: allowed in our table, absent from 8.4
            ours.removeAll(Set.of("allow-ksm", "snaptime"));
        }
        assertEquals(numeric, ours);
    }
}
