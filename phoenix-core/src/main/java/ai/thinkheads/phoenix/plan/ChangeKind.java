package ai.thinkheads.phoenix.plan;

/**
 * The label of a {@link Change}: what one step of a {@link VmPlan} does, as events and results name
 * it. Each maps to one or two {@code Hypervisor} primitives.
 */
public enum ChangeKind {
    /** {@code Hypervisor.create} with empty disks or an imported image. */
    CREATE,
    /** {@code Hypervisor.clone} of the source template. */
    CLONE,
    /** {@code Hypervisor.updateConfig}: keys set and deleted, guarded by the digest read at plan time. */
    UPDATE_CONFIG,
    /** {@code Hypervisor.resizeDisk} to a larger size. */
    GROW_DISK,
    /** {@code Hypervisor.stop}, before a delete, a recreate or a template conversion. */
    STOP,
    /** {@code Hypervisor.start}. */
    START,
    /** {@code Hypervisor.reboot}, so that pending changes take effect (only when allowed). */
    REBOOT,
    /** {@code Hypervisor.convertToTemplate}. */
    CONVERT_TO_TEMPLATE,
    /** {@code Hypervisor.createSnapshot}. */
    SNAPSHOT,
    /** {@code Hypervisor.destroy}. */
    DELETE,
    /** {@code Hypervisor.uploadFile}: a cloud-init user-data snippet or NoCloud ISO, skipped when the volume exists. */
    UPLOAD,
    /** Waits for the guest: the agent answers, reports an address, and {@code cloud-init status --wait} ends. */
    AWAIT_GUEST,
    /** A feature's command run in the guest through the agent ({@code agent/exec}), which must exit 0. */
    GUEST_STEP,
    /**
     * {@code Hypervisor.updateConfig} of {@code tags}: the provisioned marker, set once the guest
     * steps ran, so that an interrupted apply runs them again.
     */
    MARK_PROVISIONED;

    /** Lower-case words for the text rendering. */
    public String words() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
