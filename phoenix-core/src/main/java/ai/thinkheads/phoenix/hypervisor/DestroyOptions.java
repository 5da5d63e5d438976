package ai.thinkheads.phoenix.hypervisor;

/**
 * Options of {@code DELETE /nodes/{node}/qemu/{vmid}} / {@code qm destroy}.
 *
 * @param purge also remove the VMID from backup jobs, replication jobs and HA resources
 * @param destroyUnreferencedDisks also destroy disks on enabled storages that carry the VMID but
 *     are not referenced by the config (Proxmox's {@code destroy-unreferenced-disks})
 */
public record DestroyOptions(boolean purge, boolean destroyUnreferencedDisks) {

    /** Neither purge nor unreferenced disks: only the VM and the disks its config references. */
    public static DestroyOptions plain() {
        return new DestroyOptions(false, false);
    }

    /** Purge and destroy unreferenced disks: leave nothing of the VM behind. */
    public static DestroyOptions everything() {
        return new DestroyOptions(true, true);
    }
}
