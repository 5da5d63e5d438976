package ai.thinkheads.phoenix.hypervisor;

import java.util.Optional;

/**
 * The VM's configuration is locked by another operation. Two forms exist in Proxmox:
 * <ul>
 *   <li>the file lock could not be taken in time: {@code can't lock file
 *       '/var/lock/qemu-server/lock-100.conf' - got timeout} (pve-common {@code
 *       PVE::Tools::lock_file_full}, 10 s in {@code PVE::AbstractConfig::lock_config});
 *   <li>the config carries a {@code lock} property: {@code VM is locked (clone)} (pve-guest-common
 *       {@code PVE::AbstractConfig::check_lock}).
 * </ul>
 * Both are transient: retrying after the other operation ends is the usual answer.
 */
public class LockedException extends ConflictException {
    private static final long serialVersionUID = 1L;

    private final String lock;

    public LockedException(String message, String node, Integer vmid, String lock) {
        super(message, node, vmid);
        this.lock = lock;
    }

    /** The config lock's name ({@code clone}, {@code create}, {@code snapshot}...), if it was one. */
    public Optional<String> lock() {
        return Optional.ofNullable(lock);
    }
}
