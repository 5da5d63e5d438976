package ai.thinkheads.phoenix.hypervisor;

import java.util.Objects;
import java.util.Optional;

/**
 * Parameters of {@code POST .../clone} / {@code qm clone}.
 *
 * @param newVmid the clone's VMID
 * @param name the clone's name, or null to let Proxmox name it {@code Copy-of-VM-<name>}
 * @param targetNode node to place the clone on, or null for the source's node
 * @param full full copy (true) or linked clone (false; only from a template)
 * @param targetStorage storage for a full clone's disks, or null for the source's
 * @param snapshot source snapshot to clone from, or null for the current state
 * @param pool pool to add the clone to, or null
 * @param description the clone's description, or null
 */
public record CloneRequest(int newVmid, String name, String targetNode, boolean full, String targetStorage,
                           String snapshot, String pool, String description) {

    public CloneRequest {
        if (newVmid < 100 || newVmid > 999_999_999) {
            throw new IllegalArgumentException("newid: " + newVmid + " is outside 100..999999999");
        }
        if (!full && targetStorage != null) {
            // qemu-server clone_vm: "parameter 'storage' not allowed for linked clones"
            throw new IllegalArgumentException("storage: not allowed for linked clones");
        }
    }

    /** A linked clone named {@code name}. */
    public static CloneRequest linked(int newVmid, String name) {
        return new CloneRequest(newVmid, name, null, false, null, null, null, null);
    }

    /** A full clone named {@code name}. */
    public static CloneRequest full(int newVmid, String name) {
        return new CloneRequest(newVmid, name, null, true, null, null, null, null);
    }

    public CloneRequest onNode(String node) {
        return new CloneRequest(newVmid, name, Objects.requireNonNull(node), full, targetStorage, snapshot, pool, description);
    }

    public CloneRequest toStorage(String storage) {
        return new CloneRequest(newVmid, name, targetNode, full, Objects.requireNonNull(storage), snapshot, pool, description);
    }

    public CloneRequest fromSnapshot(String snap) {
        return new CloneRequest(newVmid, name, targetNode, full, targetStorage, Objects.requireNonNull(snap), pool, description);
    }

    public CloneRequest inPool(String poolId) {
        return new CloneRequest(newVmid, name, targetNode, full, targetStorage, snapshot, Objects.requireNonNull(poolId), description);
    }

    public Optional<String> targetNodeIfAny() {
        return Optional.ofNullable(targetNode);
    }
}
