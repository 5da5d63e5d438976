package ai.thinkheads.phoenix.definition;

import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One VM as a definition file declares it: the {@link VmSpec} (what Proxmox should hold) plus what
 * the orchestration around it needs — which VMs it depends on, which snapshots to take around its
 * features, which features to apply, and what the file said that Phoenix does not act on.
 *
 * <p>Plan/apply takes a list of these; readers of definition files produce them.
 *
 * @param spec the VM itself
 * @param dependsOn names of VMs that must be in place first (a clone's template is implied and
 *     need not be listed)
 * @param features named features to apply, in order, with their parameters (issue 6 gives them
 *     meaning; until then they are carried, planned as nothing, and reported)
 * @param snapshots snapshots to take around provisioning
 * @param ignored fields of the source file that Phoenix does not act on, by JSON path (e.g.
 *     {@code $.vms[2].traefik_service}), with their raw JSON text — reported, never silently dropped
 */
public record VmDefinition(VmSpec spec, List<String> dependsOn, List<Feature> features, SnapshotPolicy snapshots,
                           Map<String, String> ignored) {

    public VmDefinition {
        Objects.requireNonNull(spec, "spec");
        dependsOn = List.copyOf(dependsOn);
        features = List.copyOf(features);
        snapshots = snapshots == null ? SnapshotPolicy.none() : snapshots;
        ignored = Map.copyOf(new TreeMap<>(ignored));
    }

    /** A definition that is only a spec. */
    public static VmDefinition of(VmSpec spec) {
        return new VmDefinition(spec, List.of(), List.of(), SnapshotPolicy.none(), Map.of());
    }

    public String name() {
        return spec.name();
    }

    /** A feature by name with its parameters (raw JSON text per key), e.g. {@code docker}. */
    public record Feature(String name, Map<String, String> parameters) {
        public Feature {
            Objects.requireNonNull(name, "name");
            parameters = Map.copyOf(new TreeMap<>(parameters));
        }

        public static Feature named(String name) {
            return new Feature(name, Map.of());
        }
    }

    /**
     * Snapshots around provisioning, as the shell orchestrator's {@code snapshots.pre_features} /
     * {@code post_features} and {@code template_snapshot_name} declare them. Null names mean none.
     */
    public record SnapshotPolicy(String beforeFeatures, String afterFeatures, String beforeTemplate) {
        public static SnapshotPolicy none() {
            return new SnapshotPolicy(null, null, null);
        }

        public Optional<String> beforeFeaturesIfAny() {
            return Optional.ofNullable(beforeFeatures);
        }

        public Optional<String> afterFeaturesIfAny() {
            return Optional.ofNullable(afterFeatures);
        }

        public Optional<String> beforeTemplateIfAny() {
            return Optional.ofNullable(beforeTemplate);
        }
    }
}
