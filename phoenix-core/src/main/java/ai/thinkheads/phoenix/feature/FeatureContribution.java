package ai.thinkheads.phoenix.feature;

import ai.thinkheads.phoenix.cloudinit.CloudConfig;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What one {@link Feature} adds to a VM: a user-data fragment merged into the VM's
 * {@code #cloud-config} ({@link CloudConfig#merge}), a change to its spec (applied to a builder
 * of the spec, in declaration order), and guest steps run after boot.
 */
public final class FeatureContribution {

    private final CloudConfig userData;
    private final UnaryOperator<VmSpec.Builder> specChange;
    private final List<GuestStep> guestSteps;

    private FeatureContribution(Builder b) {
        userData = b.userData;
        specChange = b.specChange;
        guestSteps = List.copyOf(b.guestSteps);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Nothing. */
    public static FeatureContribution none() {
        return builder().build();
    }

    public CloudConfig userData() {
        return userData;
    }

    public UnaryOperator<VmSpec.Builder> specChange() {
        return specChange;
    }

    public List<GuestStep> guestSteps() {
        return guestSteps;
    }

    @Override
    public String toString() {
        return "FeatureContribution{userData=" + userData + ", guestSteps=" + guestSteps + "}";
    }

    public static final class Builder {
        private CloudConfig userData = CloudConfig.empty();
        private UnaryOperator<VmSpec.Builder> specChange = b -> b;
        private final List<GuestStep> guestSteps = new ArrayList<>();

        private Builder() {
        }

        /** Merges {@code fragment} into what this contribution adds to user-data. */
        public Builder userData(CloudConfig fragment) {
            userData = userData.merge(Objects.requireNonNull(fragment, "fragment"));
            return this;
        }

        /** Adds a change to the VM's spec (composed after earlier ones). */
        public Builder spec(UnaryOperator<VmSpec.Builder> change) {
            UnaryOperator<VmSpec.Builder> before = specChange;
            Objects.requireNonNull(change, "change");
            specChange = b -> change.apply(before.apply(b));
            return this;
        }

        public Builder guestStep(GuestStep step) {
            guestSteps.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        public FeatureContribution build() {
            return new FeatureContribution(this);
        }
    }
}
