package ai.thinkheads.phoenix.plan;

import java.time.Instant;
import java.util.Objects;

/**
 * One thing that happened during {@link Applier#apply}.
 *
 * @param at when (from the apply's time source)
 * @param vm the VM's name
 * @param vmid its VMID, or null before one is allocated
 * @param type what happened
 * @param step the step concerned, or null for VM-level events
 * @param message details for people
 */
public record ApplyEvent(Instant at, String vm, Integer vmid, Type type, ChangeKind step, String message) {

    /** Kinds of event. */
    public enum Type {
        VM_STARTED,
        STEP_STARTED,
        STEP_DONE,
        /** A step meets a lock or a transport failure and is tried again after a pause. */
        RETRY,
        /** A task ended with {@code WARNINGS: n}, or something was skipped. */
        WARNING,
        /** A concurrent edit changed the config; the VM was read and compared again. */
        REPLANNED,
        VM_SUCCEEDED,
        VM_FAILED,
        /** A file apply uploaded for a VM whose create or clone then failed was removed (the message names it). */
        CLEANED_UP,
        /** Such a file could not be removed, or was kept because it may be in use (the message names it and says why). */
        LEFT_BEHIND,
        /** Not attempted because something it depends on failed. */
        VM_NOT_ATTEMPTED
    }

    public ApplyEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(type, "type");
        message = message == null ? "" : message;
    }

    @Override
    public String toString() {
        return vm + (vmid == null ? "" : " (" + vmid + ")") + ": " + type.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + (step == null ? "" : " " + step.words()) + (message.isEmpty() ? "" : " — " + message);
    }
}
