package ai.thinkheads.phoenix.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Applier#apply} did, per VM of the plan: succeeded (with the steps done), unchanged,
 * failed (with the exception), or not attempted (something it depends on failed).
 *
 * @param outcomes one per VM of the plan, in plan order
 */
public record ApplyResult(List<Outcome> outcomes) {

    /** How one VM ended. */
    public enum Status { SUCCEEDED, UNCHANGED, FAILED, NOT_ATTEMPTED }

    /**
     * One VM's outcome.
     *
     * @param vm the VM's name
     * @param vmid its VMID, or null if none was allocated
     * @param status how it ended
     * @param done the steps completed, in order
     * @param failure the exception that stopped it, or null
     * @param reason for NOT_ATTEMPTED: which dependency failed; otherwise empty
     * @param warnings task warnings and skipped items
     * @param leftBehind the volume ids of files apply uploaded for this VM, whose create or clone then
     *     failed, and that it did not remove: a VM's config names it, a task of the VM may still run,
     *     or the removal failed (each also told as an {@link ApplyEvent.Type#LEFT_BEHIND} event, with
     *     the reason); empty when there were none or all were removed
     */
    public record Outcome(String vm, Integer vmid, Status status, List<ChangeKind> done, Throwable failure, String reason,
                          List<String> warnings, List<String> leftBehind) {
        public Outcome {
            Objects.requireNonNull(vm, "vm");
            Objects.requireNonNull(status, "status");
            done = List.copyOf(done);
            reason = reason == null ? "" : reason;
            warnings = List.copyOf(warnings);
            leftBehind = List.copyOf(leftBehind);
        }

        /** An outcome that left nothing behind. */
        public Outcome(String vm, Integer vmid, Status status, List<ChangeKind> done, Throwable failure, String reason,
                       List<String> warnings) {
            this(vm, vmid, status, done, failure, reason, warnings, List.of());
        }

        public Optional<Throwable> failureIfAny() {
            return Optional.ofNullable(failure);
        }
    }

    public ApplyResult {
        outcomes = List.copyOf(outcomes);
    }

    public List<Outcome> withStatus(Status status) {
        return outcomes.stream().filter(o -> o.status() == status).toList();
    }

    public List<Outcome> failed() {
        return withStatus(Status.FAILED);
    }

    public List<Outcome> notAttempted() {
        return withStatus(Status.NOT_ATTEMPTED);
    }

    public List<Outcome> succeeded() {
        return withStatus(Status.SUCCEEDED);
    }

    /** The volume ids of the files apply uploaded for VMs that were then not created, and did not remove. */
    public List<String> leftBehind() {
        return outcomes.stream().flatMap(o -> o.leftBehind().stream()).toList();
    }

    /** Whether every VM succeeded or had nothing to do. */
    public boolean isComplete() {
        return outcomes.stream().allMatch(o -> o.status() == Status.SUCCEEDED || o.status() == Status.UNCHANGED);
    }

    public Optional<Outcome> outcome(String vm) {
        return outcomes.stream().filter(o -> o.vm().equals(vm)).findFirst();
    }

    /** One line per VM. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (Outcome o : outcomes) {
            sb.append(o.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).append(' ').append(o.vm());
            if (o.vmid() != null) {
                sb.append(" (").append(o.vmid()).append(')');
            }
            if (!o.done().isEmpty()) {
                sb.append(": ").append(String.join(", ", o.done().stream().map(ChangeKind::words).toList()));
            }
            if (o.failure() != null) {
                sb.append(" — ").append(o.failure().getClass().getSimpleName()).append(": ").append(o.failure().getMessage());
            }
            if (!o.reason().isEmpty()) {
                sb.append(" — ").append(o.reason());
            }
            if (!o.leftBehind().isEmpty()) {
                sb.append(" — left behind: ").append(String.join(", ", o.leftBehind()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
