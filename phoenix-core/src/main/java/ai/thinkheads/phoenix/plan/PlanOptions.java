package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.config.TagList;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a {@link Planner} may plan. The defaults are the safe ones: own only what carries the
 * ownership tag, adopt nothing, delete nothing, refuse destructive changes, never reboot. Options
 * hold no time source: {@link Phoenix#time(ai.thinkheads.phoenix.hypervisor.TimeSource)} owns it and
 * hands it to planning and applying alike.
 *
 * <pre>{@code
 * PlanOptions options = PlanOptions.builder()
 *     .adopt(105)                 // manage the existing VM 105 (it gets the tag on apply)
 *     .allowDestructive("db01")   // db01 may be recreated
 *     .pruneOwned(true)           // delete owned VMs that left the definitions
 *     .build();
 * }</pre>
 *
 * @param ownerTag the tag that marks VMs Phoenix created or adopted (a Proxmox tag, lower case)
 * @param adopted VMIDs of existing VMs the user hands to Phoenix
 * @param pruneOwned delete owned VMs that no definition declares any more
 * @param allowDestructive names of VMs that may be changed destructively
 * @param allowDestructiveForAll every VM may be changed destructively
 * @param rebootForPendingChanges reboot running VMs whose changes would otherwise stay pending
 * @param lockWait how long the planner waits for the VMs it reads and means to change (declared
 *     VMIDs and names, templates cloned from) while they are being created or cloned, before
 *     refusing; other guests' locks are never waited for
 * @param features the features definitions may name (default {@link ai.thinkheads.phoenix.feature.FeatureSet#builtIns()})
 * @param readParallelism how many VM configs the planner reads at once (default 8), so that reading
 *     N configs takes about {@code RTT × ⌈N / readParallelism⌉}; a backend that reads them all in
 *     one request ({@link ai.thinkheads.phoenix.hypervisor.Hypervisor#getConfigs}) ignores it
 */
public record PlanOptions(String ownerTag, Set<Integer> adopted, boolean pruneOwned, Set<String> allowDestructive,
                          boolean allowDestructiveForAll, boolean rebootForPendingChanges, Duration lockWait,
                          int readParallelism, ai.thinkheads.phoenix.feature.FeatureSet features) {

    /** The default of {@link #readParallelism()}. */
    public static final int DEFAULT_READ_PARALLELISM = 8;

    /** The default ownership tag. */
    public static final String DEFAULT_OWNER_TAG = "phoenix-managed";

    public PlanOptions {
        Objects.requireNonNull(ownerTag, "ownerTag");
        if (!TagList.isValidTag(ownerTag) || !ownerTag.equals(ownerTag.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("ownerTag: '" + ownerTag + "' is not a lower-case Proxmox tag ([a-z0-9_][a-z0-9_\\-+.]*)");
        }
        adopted = Collections.unmodifiableSet(new TreeSet<>(adopted));
        allowDestructive = Collections.unmodifiableSet(new TreeSet<>(allowDestructive));
        Objects.requireNonNull(lockWait, "lockWait");
        if (readParallelism < 1) {
            throw new IllegalArgumentException("readParallelism must be at least 1");
        }
        Objects.requireNonNull(features, "features");
    }

    /** The safe defaults. */
    public static PlanOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether {@code vm} is owned by Phoenix: it carries {@link #ownerTag()} (Proxmox tags compared
     * case-insensitively). The one test of ownership, used by the planner and by {@code phoenix destroy};
     * an adopted VMID ({@link #adopted()}) is not owned by this test.
     */
    public boolean owns(ai.thinkheads.phoenix.hypervisor.VmSummary vm) {
        return vm.tags().stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).equals(ownerTag));
    }

    /** Whether destructive changes are allowed for VM {@code name}. */
    public boolean destructiveAllowed(String name) {
        return allowDestructiveForAll || allowDestructive.contains(name);
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ownerTag = ownerTag;
        b.adopted.addAll(adopted);
        b.pruneOwned = pruneOwned;
        b.allowDestructive.addAll(allowDestructive);
        b.allowDestructiveForAll = allowDestructiveForAll;
        b.rebootForPendingChanges = rebootForPendingChanges;
        b.lockWait = lockWait;
        b.readParallelism = readParallelism;
        b.features = features;
        return b;
    }

    /** Builds {@link PlanOptions}. */
    public static final class Builder {
        private String ownerTag = DEFAULT_OWNER_TAG;
        private final Set<Integer> adopted = new TreeSet<>();
        private boolean pruneOwned;
        private final Set<String> allowDestructive = new TreeSet<>();
        private boolean allowDestructiveForAll;
        private boolean rebootForPendingChanges;
        private Duration lockWait = Duration.ofMinutes(5);
        private int readParallelism = DEFAULT_READ_PARALLELISM;
        private ai.thinkheads.phoenix.feature.FeatureSet features = ai.thinkheads.phoenix.feature.FeatureSet.builtIns();

        private Builder() {
        }

        public Builder ownerTag(String value) {
            ownerTag = value;
            return this;
        }

        /** Adopt the existing VM {@code vmid}: Phoenix manages it from now on. */
        public Builder adopt(int vmid) {
            adopted.add(vmid);
            return this;
        }

        public Builder pruneOwned(boolean value) {
            pruneOwned = value;
            return this;
        }

        /** Allow destructive changes (recreate, disk move, template conversion) for VM {@code name}. */
        public Builder allowDestructive(String name) {
            allowDestructive.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        public Builder allowDestructiveForAll(boolean value) {
            allowDestructiveForAll = value;
            return this;
        }

        public Builder rebootForPendingChanges(boolean value) {
            rebootForPendingChanges = value;
            return this;
        }

        public Builder lockWait(Duration value) {
            lockWait = value;
            return this;
        }

        /** How many VM configs to read at once (at least 1; default {@value PlanOptions#DEFAULT_READ_PARALLELISM}). */
        public Builder readParallelism(int value) {
            readParallelism = value;
            return this;
        }

        /** The features definitions may name (default {@link ai.thinkheads.phoenix.feature.FeatureSet#builtIns()}). */
        public Builder features(ai.thinkheads.phoenix.feature.FeatureSet value) {
            features = value;
            return this;
        }

        public PlanOptions build() {
            return new PlanOptions(ownerTag, adopted, pruneOwned, allowDestructive, allowDestructiveForAll,
                    rebootForPendingChanges, lockWait, readParallelism, features);
        }
    }
}
