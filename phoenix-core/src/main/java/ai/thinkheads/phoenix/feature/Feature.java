package ai.thinkheads.phoenix.feature;

/**
 * A named, idempotent addition to a VM: what a definition's {@code features} list names
 * ({@code docker}, {@code nvidia}, ...). A feature contributes up to three things
 * ({@link FeatureContribution}): cloud-init user-data fragments (packages, files, commands run at
 * first boot), changes to the VM's config (e.g. a GPU passed through), and steps run in the guest
 * through the guest agent after boot.
 *
 * <p>Features are looked up by name in a {@link FeatureSet}; {@link FeatureSet#builtIns()} holds
 * Phoenix's own ({@link BuiltInFeatures}), and any code can add one without touching Phoenix:
 *
 * <pre>{@code
 * Feature motd = new Feature() {
 *     public String name() { return "motd"; }
 *     public FeatureContribution contribute(FeatureRequest r) {
 *         return FeatureContribution.builder()
 *             .userData(CloudConfig.builder().writeFile(new CloudConfig.WriteFile("/etc/motd", "hello\n", "0644", null)).build())
 *             .guestStep(GuestStep.of("motd written", "test", "-f", "/etc/motd"))
 *             .build();
 *     }
 * };
 * Phoenix.on(pve).features(FeatureSet.builtIns().with(motd))...
 * }</pre>
 *
 * <p>Idempotent means: contributing twice gives the same contribution, and its guest steps may run
 * again on a VM where they already ran without changing the outcome.
 */
public interface Feature {

    /** The name definitions use, e.g. {@code docker}. */
    String name();

    /**
     * What this feature adds to the VM of {@code request}.
     *
     * @throws FeatureException when its parameters are wrong (name the parameter)
     */
    FeatureContribution contribute(FeatureRequest request);
}
