package ai.thinkheads.phoenix.hypervisor;

import java.util.Objects;
import java.util.Optional;

/**
 * One config key whose change Proxmox holds pending until the VM restarts: an entry of
 * {@code GET /nodes/{node}/qemu/{vmid}/pending} that has a {@code pending} value or a
 * {@code delete} flag (pve-guest-common {@code PVE::GuestHelpers::config_with_pending_array}).
 * Entries that only carry the value in effect are not pending changes.
 *
 * @param key the config key
 * @param current the value in effect (the running VM's), or null when the key is not set yet
 * @param pending the new value, or null for a pending deletion
 * @param delete whether (and how) the key is to be deleted; {@link Deletion#NONE} for a new value
 */
public record PendingChange(String key, String current, String pending, Deletion delete) {

    /** {@code delete} of a pending entry: absent or 0, 1 (graceful) or 2 (forced, {@code delete=!key}). */
    public enum Deletion {
        NONE, GRACEFUL, FORCE
    }

    public PendingChange {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(delete, "delete");
        if ((pending == null) == (delete == Deletion.NONE)) {
            throw new IllegalArgumentException("pending change of '" + key
                    + "': either a pending value or a deletion, not " + (pending == null ? "neither" : "both"));
        }
    }

    /** A new value for {@code key}, with the value in effect (null when there is none). */
    public static PendingChange value(String key, String current, String pending) {
        return new PendingChange(key, current, Objects.requireNonNull(pending, "pending"), Deletion.NONE);
    }

    /** A pending deletion of {@code key}, with the value in effect (null when there is none). */
    public static PendingChange deletion(String key, String current, boolean force) {
        return new PendingChange(key, current, null, force ? Deletion.FORCE : Deletion.GRACEFUL);
    }

    public Optional<String> currentIfAny() {
        return Optional.ofNullable(current);
    }

    public Optional<String> pendingIfAny() {
        return Optional.ofNullable(pending);
    }

    public boolean isDeletion() {
        return delete != Deletion.NONE;
    }

    /** {@code qm pending}'s words (pve-guest-common {@code format_pending}), without the value in effect. */
    @Override
    public String toString() {
        String shown = key.equals("cipassword") ? "**********" : pending;
        return isDeletion() ? "del " + key : "new " + key + ": " + shown;
    }
}
