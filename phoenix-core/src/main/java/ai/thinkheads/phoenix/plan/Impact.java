package ai.thinkheads.phoenix.plan;

/**
 * How a planned change reaches the VM.
 * <ul>
 *   <li>{@link #LIVE}: takes effect without restarting the guest — a hot-plugged device, an option
 *       Proxmox applies at once ({@code $fast_plug_option} in qemu-server {@code QemuServer.pm}), or
 *       any change to a stopped VM;</li>
 *   <li>{@link #NEEDS_REBOOT}: Proxmox records it as pending on a running VM; the guest sees it after
 *       its next start ({@code vmconfig_hotplug_pending} answers "skip");</li>
 *   <li>{@link #DESTRUCTIVE}: loses data or identity — recreating the VM, moving a disk to another
 *       bus or storage, removing a disk, converting to a template, deleting. Refused unless allowed
 *       for that VM ({@link PlanOptions.Builder#allowDestructive}).</li>
 * </ul>
 */
public enum Impact {
    LIVE,
    NEEDS_REBOOT,
    DESTRUCTIVE;

    /** The stronger of the two. */
    public Impact max(Impact other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    /** Lower-case words for the text rendering. */
    public String words() {
        return switch (this) {
            case LIVE -> "live";
            case NEEDS_REBOOT -> "needs reboot";
            case DESTRUCTIVE -> "destructive";
        };
    }
}
