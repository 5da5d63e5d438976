package ai.thinkheads.phoenix.hypervisor;

import java.util.Locale;

/**
 * A VM's run state. Proxmox reports {@code status} {@code running}/{@code stopped}; a paused VM is
 * {@code running} with {@code qmpstatus: paused}, which Phoenix folds into {@link #PAUSED}. A VM on a
 * node the cluster cannot reach is listed by {@code /cluster/resources} with status
 * {@code unknown} (pve-manager {@code PVE::API2Tools::extract_vm_stats} falls back to it), which is
 * {@link #UNKNOWN}: its real state cannot be known until the node is back.
 */
public enum PowerState {
    STOPPED,
    RUNNING,
    PAUSED,
    UNKNOWN;

    /** From Proxmox's {@code status} (and, when known, {@code qmpstatus}) fields. */
    public static PowerState fromProxmox(String status, String qmpStatus) {
        if ("paused".equals(qmpStatus) || "suspended".equals(qmpStatus)) {
            return PAUSED;
        }
        return switch (status == null ? "" : status.toLowerCase(Locale.ROOT)) {
            case "running" -> RUNNING;
            case "stopped" -> STOPPED;
            case "paused" -> PAUSED;
            case "unknown" -> UNKNOWN;
            default -> throw new IllegalArgumentException("unknown VM status: " + status);
        };
    }

    /** The word Proxmox uses. */
    public String proxmoxName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
