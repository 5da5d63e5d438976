package ai.thinkheads.phoenix.hypervisor;

import java.util.Objects;

/**
 * Where a VM lives: its node and its cluster-wide VMID. Every per-VM primitive takes one, because
 * every Proxmox endpoint for a VM is under {@code /nodes/{node}/qemu/{vmid}}.
 */
public record VmRef(String node, int vmid) {

    public VmRef {
        Objects.requireNonNull(node, "node");
        if (node.isBlank()) {
            throw new IllegalArgumentException("node must not be blank");
        }
        if (vmid < 100 || vmid > 999_999_999) {
            throw new IllegalArgumentException("vmid: " + vmid + " is outside 100..999999999");
        }
    }

    public static VmRef of(String node, int vmid) {
        return new VmRef(node, vmid);
    }

    @Override
    public String toString() {
        return node + "/" + vmid;
    }
}
