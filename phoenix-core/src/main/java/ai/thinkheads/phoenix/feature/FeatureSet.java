package ai.thinkheads.phoenix.feature;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The features plan/apply knows, by name: {@link #builtIns()} plus any added with {@link #with}.
 * Immutable; names are case-sensitive, and {@code -} and {@code _} are the same
 * ({@code qemu-guest-agent} = {@code qemu_guest_agent}), as the shell orchestrator spells both.
 */
public final class FeatureSet {

    private final Map<String, Feature> byName;

    private FeatureSet(Map<String, Feature> byName) {
        this.byName = Collections.unmodifiableMap(new TreeMap<>(byName));
    }

    /** Phoenix's own features: see {@link BuiltInFeatures}. */
    public static FeatureSet builtIns() {
        return BuiltInFeatures.SET;
    }

    /** No features at all. */
    public static FeatureSet none() {
        return new FeatureSet(Map.of());
    }

    static FeatureSet of(Feature... features) {
        FeatureSet s = none();
        for (Feature f : features) {
            s = s.with(f);
        }
        return s;
    }

    /** This set plus {@code feature}, replacing one of the same name. */
    public FeatureSet with(Feature feature) {
        Objects.requireNonNull(feature, "feature");
        Map<String, Feature> copy = new TreeMap<>(byName);
        copy.put(key(feature.name()), feature);
        return new FeatureSet(copy);
    }

    public Optional<Feature> find(String name) {
        return Optional.ofNullable(byName.get(key(name)));
    }

    /** The known names (normalised: {@code _} as {@code -}). */
    public java.util.Set<String> names() {
        return byName.keySet();
    }

    private static String key(String name) {
        return name.replace('_', '-');
    }

    @Override
    public String toString() {
        return "FeatureSet" + byName.keySet();
    }
}
