package ai.thinkheads.phoenix.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link OrchestratorMembers}' compact tables against the orchestrator's own schema and files, read at test time. */
class OrchestratorMembersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theCompactListIsExactlyWhatTheOrchestratorsSchemaDefines() throws Exception {
        JsonNode schema = JSON.readTree(SharedReference.text("phoenix_vm_configs.schema.0385ea2.json"));
        Map<String, Set<String>> fromSchema = new TreeMap<>();
        walk(schema, "$", fromSchema);
        assertEquals(fromSchema, new TreeMap<>(OrchestratorMembers.SCHEMA));
    }

    /** Every object of the schema with properties, by its schema path ({@code $.vms[].firewall.rules[]}). */
    private static void walk(JsonNode node, String path, Map<String, Set<String>> out) {
        JsonNode props = node.get("properties");
        if (props != null) {
            Set<String> names = new TreeSet<>();
            props.fieldNames().forEachRemaining(names::add);
            out.put(path, names);
            props.fields().forEachRemaining(e -> walk(e.getValue(), path + "." + e.getKey(), out));
        }
        JsonNode items = node.get("items");
        if (items != null) {
            walk(items, path + "[]", out);
        }
    }

    @Test
    void membersKnownBeyondTheSchemaAreUsedByTheOrchestratorsOwnFilesOrMappedByPhoenix() throws Exception {
        // ($schema: JSON Schema's own member; password_hash: Phoenix maps it to cipassword)
        Map<String, Set<String>> used = new TreeMap<>();
        for (String rev : new String[] {"829c047", "093e2b5", "0385ea2"}) {
            JsonNode doc = JSON.readTree(SharedReference.text("phoenix_vm_configs." + rev + ".json"));
            for (JsonNode vm : doc.get("vms")) {
                collect(vm, OrchestratorMembers.VM, used);
            }
        }
        OrchestratorMembers.BEYOND_SCHEMA.forEach((path, members) -> {
            for (String m : members) {
                assertTrue(!OrchestratorMembers.SCHEMA.getOrDefault(path, Set.of()).contains(m), path + " " + m + " is in the schema");
                boolean phoenixOwn = path.equals(OrchestratorMembers.USER) && m.equals("password_hash")
                        || path.equals(OrchestratorMembers.FILE) && m.equals("$schema");
                assertTrue(phoenixOwn || used.getOrDefault(path, Set.of()).contains(m),
                        path + " " + m + " is used by none of the orchestrator's files");
            }
        });
    }

    private static void collect(JsonNode o, String path, Map<String, Set<String>> used) {
        if (!o.isObject()) {
            return;
        }
        o.fields().forEachRemaining(e -> {
            used.computeIfAbsent(path, k -> new HashSet<>()).add(e.getKey());
            JsonNode v = e.getValue();
            if (v.isObject()) {
                collect(v, path + "." + e.getKey(), used);
            } else if (v.isArray()) {
                v.forEach(item -> collect(item, path + "." + e.getKey() + "[]", used));
            }
        });
    }

    @Test
    void aVmsKnownMembersAreThoseTheReaderMapsOrKnowinglyIgnores() {
        Set<String> classified = new TreeSet<>(OrchestratorConfigReader.MAPPED);
        classified.addAll(OrchestratorConfigReader.KNOWN_IGNORED);
        assertEquals(classified, new TreeSet<>(OrchestratorMembers.known(OrchestratorMembers.VM)));
    }

    @Test
    void suggestionsAreTheNearestKnownMemberWithinTypoDistance() {
        Set<String> vm = OrchestratorMembers.known(OrchestratorMembers.VM);
        assertEquals("memory_mb", OrchestratorMembers.nearest("memroy_mb", vm));
        assertEquals("memory_mb", OrchestratorMembers.nearest("memorymb", vm));
        assertEquals("network_bridge", OrchestratorMembers.nearest("network_brige", vm));
        assertEquals("is_template", OrchestratorMembers.nearest("Is_Template", vm));
        assertNull(OrchestratorMembers.nearest("colour", vm));
        assertEquals(1, OrchestratorMembers.distance("memroy", "memory"));
        assertEquals(3, OrchestratorMembers.distance("kitten", "sitting"));
    }
}
