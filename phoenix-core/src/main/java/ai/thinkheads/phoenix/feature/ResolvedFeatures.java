package ai.thinkheads.phoenix.feature;

import ai.thinkheads.phoenix.cloudinit.CloudConfig;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A definition with its features worked out: the spec as the features change it, the user-data
 * document the VM gets, the guest steps to run after boot, and what could not be applied.
 *
 * <h2>User-data</h2>
 * Proxmox generates a VM's user-data from {@code ciuser}, {@code sshkeys}, {@code cipassword} and
 * the name — unless {@code cicustom user=} names a document, which then <em>replaces</em> it whole
 * (qemu-server {@code PVE/QemuServer/Cloudinit.pm}, {@code get_custom_cloudinit_files}). So when
 * features contribute user-data, Phoenix writes the whole document: first what Proxmox would have
 * put there (hostname, {@code manage_etc_hosts}, fqdn with the search domain, the user with sudo,
 * SSH keys and password hash — or cloud-init's default user —, {@code package_upgrade} as Proxmox's
 * {@code ciupgrade} default), then each feature's fragment in declaration order. A spec with its own
 * custom user-data ({@link CloudInit#userData()}) keeps it as given; combining it with features that
 * contribute user-data is refused, since Phoenix does not rewrite a document it did not write.
 *
 * <p>When the VM has the guest agent enabled and its user-data is Phoenix's, the
 * {@code qemu-guest-agent} feature is added if not declared: the stock Ubuntu cloud image has no
 * agent, and without one Phoenix could not wait for the guest or run its steps.
 *
 * @param spec the spec with the features' changes (its cloud-init as declared: where the user-data
 *     document goes — a snippet or a NoCloud ISO — is the planner's choice)
 * @param userData the user-data document, when Phoenix writes one or the spec declares its own
 * @param guestSteps steps to run in the guest after boot, in declaration order
 * @param unknown declared features the set does not know (nothing is applied for them)
 * @param notes what resolution decided, for the plan
 */
public record ResolvedFeatures(VmSpec spec, Optional<String> userData, List<GuestStep> guestSteps, List<String> unknown,
                               List<String> notes) {

    /** The image's default user on Ubuntu cloud images. */
    public static final String DEFAULT_GUEST_USER = "ubuntu";

    public ResolvedFeatures {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(userData, "userData");
        guestSteps = List.copyOf(guestSteps);
        unknown = List.copyOf(unknown);
        notes = List.copyOf(notes);
    }

    /**
     * Resolves {@code def}'s features against {@code set}.
     *
     * @throws FeatureException when a feature's parameters are wrong, when features need cloud-init
     *     and the VM has none, or when they contribute user-data to a spec with its own
     */
    public static ResolvedFeatures resolve(VmDefinition def, FeatureSet set) {
        VmSpec declared = def.spec();
        String user = declared.cloudInit().flatMap(CloudInit::user).orElse(DEFAULT_GUEST_USER);
        List<String> unknown = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<FeatureContribution> parts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (VmDefinition.Feature f : def.features()) {
            Optional<Feature> feature = set.find(f.name());
            if (feature.isEmpty()) {
                unknown.add(f.name());
                continue;
            }
            names.add(feature.get().name());
            parts.add(feature.get().contribute(new FeatureRequest(def.name(), declared, f.parameters(), def.extras(), user)));
        }
        VmSpec.Builder b = declared.toBuilder();
        for (FeatureContribution c : parts) {
            b = c.specChange().apply(b);
        }
        VmSpec spec = b.build();
        CloudConfig fragments = CloudConfig.empty();
        List<GuestStep> steps = new ArrayList<>();
        for (FeatureContribution c : parts) {
            fragments = fragments.merge(c.userData());
            steps.addAll(c.guestSteps());
        }
        if (fragments.isEmpty()) {
            return new ResolvedFeatures(spec, spec.cloudInit().flatMap(CloudInit::userData), steps, unknown, notes);
        }
        CloudInit ci = spec.cloudInit().orElseThrow(() -> new FeatureException(def.name() + ": features " + names
                + " write cloud-init user-data, but the VM declares no cloud-init"));
        if (ci.userData().isPresent()) {
            throw new FeatureException(def.name() + ": features " + names + " write cloud-init user-data, but the VM declares"
                    + " its own (cloudInit.userData); Phoenix does not merge into a document it did not write");
        }
        boolean agentOn = spec.agent().map(a -> a.enabled()).orElse(false);
        if (agentOn && set.find("qemu-guest-agent").isPresent() && !names.contains("qemu-guest-agent")) {
            fragments = set.find("qemu-guest-agent").get()
                    .contribute(new FeatureRequest(def.name(), declared, java.util.Map.of(), def.extras(), user)).userData()
                    .merge(fragments);
            notes.add("qemu-guest-agent added: the agent is enabled and the stock cloud image has none");
        }
        CloudConfig doc = base(spec, ci).merge(fragments);
        return new ResolvedFeatures(spec, Optional.of(doc.render()), steps, unknown, notes);
    }

    /** What Proxmox's generated user-data holds (qemu-server Cloudinit.pm {@code cloudinit_userdata}). */
    static CloudConfig base(VmSpec spec, CloudInit ci) {
        CloudConfig.Builder b = CloudConfig.builder().hostname(spec.name()).manageEtcHosts(true);
        ci.searchDomain().ifPresent(d -> b.fqdn(spec.name() + "." + d));
        if (ci.user().isPresent()) {
            b.user(CloudConfig.User.admin(ci.user().get(), ci.sshKeys(), ci.passwordHash().orElse(null)));
        } else {
            b.user(CloudConfig.User.defaultUser());
            if (!ci.sshKeys().isEmpty() || ci.passwordHash().isPresent()) {
                b.user(CloudConfig.User.admin(DEFAULT_GUEST_USER, ci.sshKeys(), ci.passwordHash().orElse(null)));
            }
        }
        return b.packageUpgrade(true).build();
    }

    /** Hides the user-data (it may hold a password hash). */
    @Override
    public String toString() {
        return "ResolvedFeatures{spec=" + spec.name() + ", userData=" + userData.map(u -> u.length() + " chars").orElse("none")
                + ", guestSteps=" + guestSteps + ", unknown=" + unknown + ", notes=" + notes + "}";
    }
}
