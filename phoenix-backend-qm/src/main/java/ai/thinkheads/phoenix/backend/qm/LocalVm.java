package ai.thinkheads.phoenix.backend.qm;

/**
 * One row of {@code qm list} (qemu-server {@code PVE/CLI/qm.pm} {@code list}): a VM on the node
 * this backend runs on, as {@link QmHypervisor#listLocalVms()} returns it.
 *
 * @param vmid its id
 * @param name its name ({@code VM <vmid>} when it has none)
 * @param status {@code running} or {@code stopped}
 * @param memoryMiB configured memory, MiB
 * @param bootDiskGiB size of the boot disk, GiB
 * @param pid the QEMU process id, 0 when stopped
 */
public record LocalVm(int vmid, String name, String status, double memoryMiB, double bootDiskGiB, long pid) {
}
