package ai.thinkheads.phoenix.hypervisor;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Masks config values that are secrets, for {@code toString}s that end up in logs. */
final class SensitiveValues {

    /** Config keys whose values are secrets: the cloud-init password. */
    static final Set<String> KEYS = Set.of("cipassword");

    private SensitiveValues() {
    }

    static Map<String, String> masked(Map<String, String> values) {
        Map<String, String> out = new TreeMap<>(values);
        out.replaceAll((k, v) -> KEYS.contains(k) ? "***" : v);
        return out;
    }
}
