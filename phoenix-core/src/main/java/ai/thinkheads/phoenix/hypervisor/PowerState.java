package ai.thinkheads.phoenix.hypervisor;

import java.util.Locale;

/**
 * A VM's run state. Proxmox reports {@code status} {@code running}/{@code stopped}; a paused VM is
 * {@code running} with {@code qmpstatus: paused}, which Phoenix folds into {@link #PAUSED}.
 *
 * <p>{@code /cluster/resources} is read from the cluster's status data, not from the VM: pvestatd
 * broadcasts {@code $d->{qmpstatus} || $d->{status} || 'stopped'} (pve-manager
 * {@code PVE/Service/pvestatd.pm} {@code update_qemu_status}), so its {@code status} may be any
 * QEMU run state ({@code prelaunch}, {@code io-error}, {@code internal-error}, {@code postmigrate}...),
 * and a VM whose node sent no data is {@code unknown} (pve-manager
 * {@code PVE::API2Tools::extract_vm_stats}). Every word the seam has no state for is
 * {@link #UNKNOWN}, decided here once for both backends: the VM exists, its state cannot be known
 * from the list, and one such VM must not make the whole list unreadable. Core treats
 * {@link #UNKNOWN} as "not stopped", so nothing that needs a stopped VM is planned for it.
 */
public enum PowerState {
    STOPPED,
    RUNNING,
    PAUSED,
    UNKNOWN;

    /** From Proxmox's {@code status} (and, when known, {@code qmpstatus}) fields; never fails. */
    public static PowerState fromProxmox(String status, String qmpStatus) {
        if ("paused".equals(qmpStatus) || "suspended".equals(qmpStatus)) {
            return PAUSED;
        }
        return switch (status == null ? "" : status.toLowerCase(Locale.ROOT)) {
            case "running" -> RUNNING;
            case "stopped" -> STOPPED;
            case "paused", "suspended" -> PAUSED;
            default -> UNKNOWN;
        };
    }

    /** The word Proxmox uses. */
    public String proxmoxName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
