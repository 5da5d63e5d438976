package ai.thinkheads.phoenix.definition;

import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One VM as a definition file declares it: the {@link VmSpec} (what Proxmox should hold) plus what
 * the orchestration around it needs — which VMs it depends on, which snapshots to take around its
 * features, which features to apply, and what the file said that Phoenix does not act on.
 *
 * <p>Plan/apply takes a list of these; readers of definition files produce them:
 * {@link NativeDefinitionFormat} (Phoenix's own JSON) and {@link OrchestratorConfigReader} (the
 * shell orchestrator's {@code phoenix_vm_configs.json}), both returning a {@link DefinitionSet}.
 *
 * @param spec the VM itself
 * @param dependsOn names of VMs that must be in place first (a clone's template is implied and
 *     need not be listed; readers list it anyway when they know its name)
 * @param features named features to apply, in order, with their parameters (issue 6 gives them
 *     meaning; until then they are carried, planned as nothing, and reported)
 * @param snapshots snapshots to take around provisioning
 * @param ignored fields of the source file that Phoenix does not act on, by JSON path (e.g.
 *     {@code $.vms[2].traefik_service}), with their raw JSON text — reported, never silently dropped.
 *     A field a reader drops for a reason has a JSON string instead, giving the value and the reason
 *     (e.g. a clone's {@code disk_size_gb} smaller than its template's)
 * @param extras declarations that matter for provisioning but that {@code VmSpec} cannot express
 *     (yet), by name, with their raw JSON text: {@code volumes} (NFS mounts in the guest),
 *     {@code firewall} (per-VM firewall rules), {@code externalDependencies} (guest IDs that are
 *     not VMs of the same file). Carried and reported; Phoenix does not act on them yet
 * @param notices what the file said that a plan shows as warnings or as ignored (its file-level
 *     notices included, so that a plan of a file's VMs shows them; the plan shows each once)
 */
public record VmDefinition(VmSpec spec, List<String> dependsOn, List<Feature> features, SnapshotPolicy snapshots,
                           Map<String, String> ignored, Map<String, String> extras, List<DefinitionNotice> notices) {

    public VmDefinition {
        Objects.requireNonNull(spec, "spec");
        dependsOn = List.copyOf(dependsOn);
        features = List.copyOf(features);
        snapshots = snapshots == null ? SnapshotPolicy.none() : snapshots;
        ignored = Map.copyOf(new TreeMap<>(ignored));
        extras = extras == null ? Map.of() : Map.copyOf(new TreeMap<>(extras));
        notices = notices == null ? List.of() : List.copyOf(notices);
    }

    /** A definition without notices. */
    public VmDefinition(VmSpec spec, List<String> dependsOn, List<Feature> features, SnapshotPolicy snapshots,
                        Map<String, String> ignored, Map<String, String> extras) {
        this(spec, dependsOn, features, snapshots, ignored, extras, List.of());
    }

    /** A definition without extras. */
    public VmDefinition(VmSpec spec, List<String> dependsOn, List<Feature> features, SnapshotPolicy snapshots,
                        Map<String, String> ignored) {
        this(spec, dependsOn, features, snapshots, ignored, Map.of());
    }

    /** A definition that is only a spec. */
    public static VmDefinition of(VmSpec spec) {
        return new VmDefinition(spec, List.of(), List.of(), SnapshotPolicy.none(), Map.of(), Map.of());
    }

    /** This definition with {@code value} as its spec (everything else kept). */
    public VmDefinition withSpec(VmSpec value) {
        return new VmDefinition(value, dependsOn, features, snapshots, ignored, extras, notices);
    }

    /** This definition with {@code value} as its notices (everything else kept). */
    public VmDefinition withNotices(List<DefinitionNotice> value) {
        return new VmDefinition(spec, dependsOn, features, snapshots, ignored, extras, value);
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
     * {@code post_features} and {@code template_snapshot_name} declare them. Null names mean none;
     * a name must be a Proxmox snapshot name (pve-configid: a letter, then letters, digits,
     * {@code _} or {@code -}; at least two characters).
     *
     * @param beforeFeatures taken after the VM is up and before its features run
     * @param afterFeatures taken after its features ran
     * @param beforeTemplate taken on a template VM right before it becomes a template
     */
    public record SnapshotPolicy(String beforeFeatures, String afterFeatures, String beforeTemplate) {
        private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_-]+$", Pattern.CASE_INSENSITIVE);

        public SnapshotPolicy {
            check("beforeFeatures", beforeFeatures);
            check("afterFeatures", afterFeatures);
            check("beforeTemplate", beforeTemplate);
        }

        public static SnapshotPolicy none() {
            return new SnapshotPolicy(null, null, null);
        }

        /** Whether {@code name} is a valid Proxmox snapshot name. */
        public static boolean isValidName(String name) {
            return name != null && name.length() <= 40 && NAME.matcher(name).matches();
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

        private static void check(String field, String name) {
            if (name != null && !isValidName(name)) {
                throw new IllegalArgumentException(field + ": '" + name + "' is not a valid snapshot name");
            }
        }
    }
}
