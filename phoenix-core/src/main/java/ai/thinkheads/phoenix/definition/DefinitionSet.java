package ai.thinkheads.phoenix.definition;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a definition file declares: its VMs, in file order, and what it said outside any VM that
 * Phoenix does not act on (e.g. the shell orchestrator's {@code $.vm_defaults.template}).
 *
 * @param vms the VMs in the order the file lists them
 * @param ignored file-level fields Phoenix does not act on, by JSON path, with their raw JSON
 */
public record DefinitionSet(List<VmDefinition> vms, Map<String, String> ignored) {

    public DefinitionSet {
        vms = List.copyOf(vms);
        ignored = Map.copyOf(new TreeMap<>(ignored));
    }

    public static DefinitionSet of(List<VmDefinition> vms) {
        return new DefinitionSet(vms, Map.of());
    }

    /** The VM named {@code name}, if the file declares one. */
    public Optional<VmDefinition> byName(String name) {
        return vms.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** The file's notices (warnings and the list of what Phoenix ignores), each once, in file order. */
    public List<DefinitionNotice> notices() {
        return vms.stream().flatMap(v -> v.notices().stream()).distinct().toList();
    }

    /** Every ignored field of the file: the file-level ones and each VM's, sorted by path. */
    public Map<String, String> allIgnored() {
        TreeMap<String, String> all = new TreeMap<>(ignored);
        vms.forEach(v -> all.putAll(v.ignored()));
        return all;
    }
}
