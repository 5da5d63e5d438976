package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.spec.Source;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders definitions so that each comes after what it needs: the names in {@code dependsOn} that
 * are declared, and the definition whose VMID a clone's template is. Among VMs that do not depend
 * on each other the input order is kept. A cycle is a {@link DependencyCycleException}.
 */
final class DependencyOrder {

    private DependencyOrder() {
    }

    /** Name → the declared names it needs. */
    static Map<String, List<String>> edges(List<VmDefinition> defs) {
        Map<Integer, String> byVmid = new HashMap<>();
        Set<String> names = new LinkedHashSet<>();
        for (VmDefinition d : defs) {
            names.add(d.name());
            d.spec().vmid().ifPresent(id -> byVmid.put(id, d.name()));
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (VmDefinition d : defs) {
            Set<String> deps = new LinkedHashSet<>();
            if (d.spec().source() instanceof Source.CloneTemplate c && byVmid.containsKey(c.templateVmid())) {
                deps.add(byVmid.get(c.templateVmid()));
            }
            for (String n : d.dependsOn()) {
                if (names.contains(n)) {
                    deps.add(n);
                }
            }
            out.put(d.name(), new ArrayList<>(deps));
        }
        return out;
    }

    static List<VmDefinition> sort(List<VmDefinition> defs) {
        Map<String, VmDefinition> byName = new LinkedHashMap<>();
        defs.forEach(d -> byName.put(d.name(), d));
        Map<String, List<String>> edges = edges(defs);
        List<VmDefinition> out = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>(); // 1 visiting, 2 done
        for (String name : byName.keySet()) {
            visit(name, edges, state, new ArrayList<>(), byName, out);
        }
        return out;
    }

    private static void visit(String name, Map<String, List<String>> edges, Map<String, Integer> state, List<String> path,
                              Map<String, VmDefinition> byName, List<VmDefinition> out) {
        Integer s = state.get(name);
        if (s != null && s == 2) {
            return;
        }
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
            cycle.add(name);
            throw new DependencyCycleException(cycle);
        }
        state.put(name, 1);
        path.add(name);
        for (String dep : edges.getOrDefault(name, List.of())) {
            visit(dep, edges, state, path, byName, out);
        }
        path.remove(path.size() - 1);
        state.put(name, 2);
        out.add(byName.get(name));
    }
}
