package ai.thinkheads.phoenix.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependencyOrderTest {

    private static VmDefinition def(String name, List<String> deps) {
        return new VmDefinition(VmSpec.builder(name).build(), deps, List.of(), null, Map.of());
    }

    @Test
    void templatesComeBeforeTheirClonesAndDependsOnIsKept() {
        VmDefinition clone = VmDefinition.of(VmSpec.builder("app").source(Source.linkedClone(9000)).build());
        VmDefinition tmpl = VmDefinition.of(VmSpec.builder("tmpl").vmid(9000).template(true).build());
        VmDefinition db = def("db", List.of());
        VmDefinition web = def("web", List.of("db", "app"));
        List<String> order = DependencyOrder.sort(List.of(web, clone, db, tmpl)).stream().map(VmDefinition::name).toList();
        assertEquals(List.of("db", "tmpl", "app", "web"), order);
    }

    @Test
    void aCycleNamesItsMembers() {
        DependencyCycleException e = assertThrows(DependencyCycleException.class,
                () -> DependencyOrder.sort(List.of(def("a", List.of("b")), def("b", List.of("c")), def("c", List.of("a")))));
        assertEquals(List.of("a", "b", "c", "a"), e.cycle());
        assertEquals("the definitions depend on each other in a cycle: a → b → c → a", e.getMessage());
    }
}
