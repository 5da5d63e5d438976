package ai.thinkheads.phoenix.plan;

import java.util.Objects;

/**
 * Why a plan will not do what a definition asks. A plan with refusals is shown in full, but
 * {@link Applier#apply} does not run it ({@link PlanRefusedException}).
 *
 * @param vm the definition's VM name (or the cluster VM's name for a prune)
 * @param reason the kind of refusal
 * @param message what is wrong and what would fix it
 */
public record Refusal(String vm, Reason reason, String message) {

    /** Kinds of refusal. */
    public enum Reason {
        /** The name or VMID belongs to a VM Phoenix does not own; adopt it by VMID to manage it. */
        CONFLICT,
        /** No node has enough free memory, CPUs and storage. */
        NO_CAPACITY,
        /** The change is destructive and destructive changes are not allowed for this VM. */
        DESTRUCTIVE_NOT_ALLOWED,
        /** A disk would have to shrink; Proxmox cannot, and Phoenix never recreates for it. */
        DISK_SHRINK,
        /**
         * A template, dependency, node or storage the definition names does not exist, or a file it
         * names (an import image, an ISO on a CD-ROM, a snippet) is not on its storage.
         */
        MISSING_DEPENDENCY,
        /** A VM is being created or cloned by a task that has not ended; its identity is unknown. */
        IN_PROGRESS,
        /** The definition asks for something the Hypervisor seam cannot do yet. */
        UNSUPPORTED,
        /** A declared feature cannot be applied: a wrong parameter, or it needs what the VM lacks (cloud-init, the agent). */
        FEATURE
    }

    public Refusal {
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return vm + ": " + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " — " + message;
    }
}
