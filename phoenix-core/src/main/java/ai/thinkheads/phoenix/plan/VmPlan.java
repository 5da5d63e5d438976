package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.hypervisor.VmRef;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Plan} does to one VM: the action and the ordered steps.
 *
 * @param name the VM's name
 * @param action the overall action
 * @param vmid the VMID, or null when apply allocates one
 * @param node the node the VM is on or goes to (null only for a refused VM without a place)
 * @param changes the steps, in the order apply runs them
 * @param dependsOn names of VMs in the same plan that must be in place first
 * @param digest the config digest read at plan time (guards the update), or null for a new VM
 * @param notes things worth knowing that are not changes (pending until reboot, kept VMs ...)
 * @param desired the config the VM is to have, with its spec (the definition's, with the features'
 *     changes and the user-data's delivery), built once by the planner and used as is by apply; null
 *     for a prune and a refused VM
 * @param pending the changes Proxmox already holds pending for this running VM (written by an
 *     earlier apply or by hand, {@code GET .../pending}) that this plan does not write again, each
 *     from the value in effect to the pending one, {@link Impact#NEEDS_REBOOT}; they take effect
 *     with the reboot among {@code changes}, or, without one, at the VM's next start
 */
public record VmPlan(String name, Action action, Integer vmid, String node, List<Change> changes, List<String> dependsOn,
                     String digest, List<String> notes, DesiredConfig desired, List<KeyChange> pending) {

    /** The overall action on one VM. */
    public enum Action {
        /** Nothing to do. */
        NO_CHANGE,
        /** A new VM (create or clone). */
        CREATE,
        /** An existing VM changes in place. */
        UPDATE,
        /** An existing VM is destroyed and created again (destructive). */
        REPLACE,
        /** An owned VM that left the definitions is destroyed (prune, opt-in). */
        DELETE,
        /** The definition is refused (see the plan's refusals); nothing happens to it. */
        REFUSED
    }

    public VmPlan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
        changes = List.copyOf(changes);
        dependsOn = List.copyOf(dependsOn);
        notes = List.copyOf(notes);
        pending = pending == null ? List.of() : List.copyOf(pending);
    }

    /** A plan of a VM without pending changes. */
    public VmPlan(String name, Action action, Integer vmid, String node, List<Change> changes, List<String> dependsOn,
                  String digest, List<String> notes, DesiredConfig desired) {
        this(name, action, vmid, node, changes, dependsOn, digest, notes, desired, List.of());
    }

    /**
     * Whether the VM keeps changes pending that no step of this plan applies: it needs a reboot that
     * the plan does not do (not allowed, {@link PlanOptions#rebootForPendingChanges()}), so it is not
     * up to date.
     */
    public boolean waitsForReboot() {
        return !pending.isEmpty()
                && changes.stream().noneMatch(c -> c instanceof Change.Power p && p.action() == Change.Power.Action.REBOOT);
    }

    public Optional<DesiredConfig> desiredIfAny() {
        return Optional.ofNullable(desired);
    }

    public Optional<Integer> vmidIfKnown() {
        return Optional.ofNullable(vmid);
    }

    /** The strongest impact among the steps, or empty when there are none. */
    public Optional<Impact> impact() {
        return changes.stream().map(Change::impact).reduce(Impact::max);
    }

    /** Where the VM is now, if it exists. */
    public Optional<VmRef> existing() {
        return action == Action.CREATE || vmid == null || node == null ? Optional.empty() : Optional.of(new VmRef(node, vmid));
    }

    public boolean hasChanges() {
        return !changes.isEmpty();
    }
}
