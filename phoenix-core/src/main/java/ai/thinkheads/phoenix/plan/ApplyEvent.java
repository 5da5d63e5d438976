package ai.thinkheads.phoenix.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
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
 * @param elapsed how long it took: the step's time for {@link Type#STEP_DONE}, the VM's for
 *     {@link Type#VM_SUCCEEDED} and {@link Type#VM_FAILED}, the wait so far for
 *     {@link Type#STILL_WAITING}; null for other events
 */
public record ApplyEvent(Instant at, String vm, Integer vmid, Type type, ChangeKind step, String message, Duration elapsed) {

    /** Kinds of event. */
    public enum Type {
        VM_STARTED,
        STEP_STARTED,
        STEP_DONE,
        /** A step meets a lock or a transport failure and is tried again after a pause. */
        RETRY,
        /** A task ended with {@code WARNINGS: n}, or something was skipped. */
        WARNING,
        /** A long wait (the guest agent, an address, cloud-init) goes on: about every 10 s of its time source. */
        STILL_WAITING,
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

    /** An event that took no time worth telling. */
    public ApplyEvent(Instant at, String vm, Integer vmid, Type type, ChangeKind step, String message) {
        this(at, vm, vmid, type, step, message, null);
    }

    /** {@code web01 (101): step done start (2.1 s)}; a wait goes on as {@code web01 (101): still waiting for ...}. */
    @Override
    public String toString() {
        String who = vm + (vmid == null ? "" : " (" + vmid + ")") + ": ";
        if (type == Type.STILL_WAITING) {
            return who + message;
        }
        return who + type.name().toLowerCase(Locale.ROOT).replace('_', ' ') + (step == null ? "" : " " + step.words())
                + (message.isEmpty() ? "" : " — " + message) + (elapsed == null ? "" : " (" + human(elapsed) + ")");
    }

    /** {@code 0.4 s}, {@code 12.0 s}, {@code 1 min 5 s}: for people, not nanoseconds. */
    public static String human(Duration d) {
        long millis = d.toMillis();
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = d.toSeconds();
        return seconds / 60 + " min " + seconds % 60 + " s";
    }
}
