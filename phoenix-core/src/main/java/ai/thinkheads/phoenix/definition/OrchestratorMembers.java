package ai.thinkheads.phoenix.definition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The members the shell orchestrator's {@code phoenix_vm_configs.json} may hold, object by object,
 * and the walk that finds the others (typos such as {@code memroy_mb}) with a "did you mean"
 * suggestion.
 *
 * <p>{@link #SCHEMA} is our own compact copy of what the orchestrator's schema
 * ({@code phoenix_vm_configs.schema.0385ea2.json}) defines; {@code OrchestratorMembersTest} checks
 * it against that file at test time. {@link #BEYOND_SCHEMA} are members the schema leaves out that
 * are known all the same: the orchestrator's own files use them (the revision is named), Phoenix
 * maps them, or JSON Schema defines them ({@code $schema}).
 */
final class OrchestratorMembers {

    static final String FILE = "$";
    static final String DEFAULTS = "$.vm_defaults";
    static final String VM = "$.vms[]";
    static final String SNAPSHOTS = "$.vms[].snapshots";
    static final String VOLUME = "$.vms[].volumes[]";
    static final String DOCKER_STACK = "$.vms[].docker_stacks[]";
    static final String FIREWALL = "$.vms[].firewall";
    static final String FIREWALL_RULE = "$.vms[].firewall.rules[]";
    static final String NETWORK = "$.vms[].network_config";
    static final String USER = "$.vms[].user_config";
    static final String DNS_RECORD = "$.vms[].dns_records[]";

    /** What {@code phoenix_vm_configs.schema.0385ea2.json} defines, by the schema path of the object that holds it. */
    static final Map<String, Set<String>> SCHEMA = Map.ofEntries(
            Map.entry(FILE, Set.of("vm_defaults", "vms")),
            Map.entry(DEFAULTS, Set.of("template", "cores", "memory_mb", "disk_size_gb", "storage_pool", "network_bridge")),
            Map.entry(VM, Set.of("vmid", "name", "is_template", "clone_from_vmid", "template_image", "cores", "memory_mb",
                    "disk_size_gb", "storage_pool", "network_bridge", "start_at_boot", "boot_order", "boot_delay", "features",
                    "portainer_role", "snapshots", "template_snapshot_name", "count", "qm_options", "volumes", "docker_stacks",
                    "firewall", "network_config", "user_config", "dns_records", "trigger_sync_on_completion", "dependencies")),
            Map.entry(SNAPSHOTS, Set.of("pre-features", "post-features")),
            Map.entry(VOLUME, Set.of("type", "name", "path", "mount_point", "server")),
            Map.entry(DOCKER_STACK, Set.of("name", "environment")),
            Map.entry(FIREWALL, Set.of("enabled", "rules")),
            Map.entry(FIREWALL_RULE, Set.of("type", "action", "source", "dest", "proto", "port")),
            Map.entry(NETWORK, Set.of("ip", "gw", "nameserver")),
            Map.entry(USER, Set.of("username")),
            Map.entry(DNS_RECORD, Set.of("hostname", "ip")));

    /** Known beyond the schema: used by the orchestrator's own files (revision named) or mapped by Phoenix. */
    static final Map<String, Set<String>> BEYOND_SCHEMA = Map.of(
            FILE, Set.of("$schema"), // JSON Schema's pointer from a document to its schema
            VM, Set.of("portainer_agent_hostname", "portainer_environment_name", "traefik_service"), // 0385ea2's file
            SNAPSHOTS, Set.of("pre_features", "post_features"), // 093e2b5's file
            NETWORK, Set.of("nameservers"), // 829c047's file
            FIREWALL_RULE, Set.of("comment"), // 0385ea2's file
            USER, Set.of("password_hash")); // Phoenix: cipassword (a crypt(3) hash)

    /** Nested objects of a VM that are checked member by member: member name → its schema path. */
    private static final Map<String, String> VM_OBJECTS = Map.of("snapshots", SNAPSHOTS, "firewall", FIREWALL,
            "network_config", NETWORK, "user_config", USER);
    /** Arrays of objects of a VM: member name → the schema path of an element. */
    private static final Map<String, String> VM_ARRAYS = Map.of("volumes", VOLUME, "docker_stacks", DOCKER_STACK,
            "dns_records", DNS_RECORD);

    private OrchestratorMembers() {
    }

    /** One member the orchestrator does not define. */
    record Unknown(String path, String message) {
    }

    /** Every member of {@code doc} the orchestrator does not define, in document order, each with its message. */
    static List<Unknown> unknown(ObjectNode doc) {
        List<Unknown> out = new java.util.ArrayList<>();
        check(doc, "$", FILE, out);
        JsonNode defaults = doc.get("vm_defaults");
        if (defaults != null && defaults.isObject()) {
            vm((ObjectNode) defaults, "$.vm_defaults", DEFAULTS, out);
        }
        JsonNode vms = doc.get("vms");
        if (vms != null && vms.isArray()) {
            for (int i = 0; i < vms.size(); i++) {
                if (vms.get(i).isObject()) {
                    vm((ObjectNode) vms.get(i), LocatedJson.index("$.vms", i), VM, out);
                }
            }
        }
        return out;
    }

    private static void vm(ObjectNode vm, String path, String schemaPath, List<Unknown> out) {
        check(vm, path, schemaPath, out);
        VM_OBJECTS.forEach((member, nested) -> {
            JsonNode n = vm.get(member);
            if (n != null && n.isObject()) {
                String at = LocatedJson.child(path, member);
                check((ObjectNode) n, at, nested, out);
                JsonNode rules = member.equals("firewall") ? n.get("rules") : null;
                if (rules != null && rules.isArray()) {
                    elements(rules, LocatedJson.child(at, "rules"), FIREWALL_RULE, out);
                }
            }
        });
        VM_ARRAYS.forEach((member, element) -> {
            JsonNode n = vm.get(member);
            if (n != null && n.isArray()) {
                elements(n, LocatedJson.child(path, member), element, out);
            }
        });
    }

    private static void elements(JsonNode array, String path, String schemaPath, List<Unknown> out) {
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i).isObject()) {
                check((ObjectNode) array.get(i), LocatedJson.index(path, i), schemaPath, out);
            }
        }
    }

    private static void check(ObjectNode o, String path, String schemaPath, List<Unknown> out) {
        Set<String> known = known(schemaPath);
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            if (!known.contains(e.getKey())) {
                String near = nearest(e.getKey(), known);
                out.add(new Unknown(LocatedJson.child(path, e.getKey()), "'" + e.getKey() + "' is not a member the"
                        + " orchestrator's schema defines " + where(schemaPath)
                        + (near == null ? "; it is ignored" : "; did you mean '" + near + "'? It is ignored")));
            }
        }
    }

    /** Members known at {@code schemaPath}; a VM and vm_defaults share theirs (vm_defaults is merged into each VM). */
    static Set<String> known(String schemaPath) {
        Set<String> out = new HashSet<>();
        List<String> paths = schemaPath.equals(VM) || schemaPath.equals(DEFAULTS) ? List.of(VM, DEFAULTS) : List.of(schemaPath);
        for (String p : paths) {
            out.addAll(SCHEMA.getOrDefault(p, Set.of()));
            out.addAll(BEYOND_SCHEMA.getOrDefault(p, Set.of()));
        }
        return out;
    }

    private static String where(String schemaPath) {
        Map<String, String> words = new LinkedHashMap<>();
        words.put(FILE, "at the top level");
        words.put(DEFAULTS, "for a VM (vm_defaults)");
        words.put(VM, "for a VM");
        words.put(VOLUME, "for a volume");
        words.put(DOCKER_STACK, "for a docker stack");
        words.put(FIREWALL_RULE, "for a firewall rule");
        words.put(DNS_RECORD, "for a DNS record");
        return words.getOrDefault(schemaPath, "in " + schemaPath.substring(schemaPath.lastIndexOf('.') + 1));
    }

    /**
     * The known member closest to {@code name} by optimal string alignment distance (Levenshtein plus
     * transpositions: {@code memroy_mb} is one step from {@code memory_mb}), if it is close enough to
     * be a typo: at most a third of the name's length, and at most 3. Ties go to the first in order.
     */
    static String nearest(String name, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = name.toLowerCase(Locale.ROOT);
        for (String k : known.stream().sorted().toList()) {
            int d = distance(lower, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        int limit = Math.min(3, Math.max(1, name.length() / 3));
        return bestDistance <= limit ? best : null;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
