package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import java.util.List;
import java.util.Objects;

/**
 * Where to start: declarative plan and apply over any {@link Hypervisor}.
 *
 * <pre>{@code
 * Phoenix phoenix = Phoenix.on(hypervisor)
 *     .planOptions(PlanOptions.builder().allowDestructive("db01").build())
 *     .applyOptions(ApplyOptions.builder().listener(ConsoleApplyListener.stdout()).build());
 * Plan plan = phoenix.plan(definitions);
 * System.out.print(plan.render());          // or plan.toJson()
 * ApplyResult result = phoenix.apply(plan); // refuses a plan with refusals
 * }</pre>
 *
 * <p>{@link Planner} reads the cluster and decides; {@link Applier} acts. Both see the cluster only
 * through the {@code Hypervisor} seam, so every backend (HTTP API, qm over SSH, the in-memory fake)
 * gets the same orchestration. Immutable: the {@code ...Options} methods return a new instance.
 */
public final class Phoenix {

    private final Hypervisor hypervisor;
    private final PlanOptions planOptions;
    private final ApplyOptions applyOptions;

    private Phoenix(Hypervisor hypervisor, PlanOptions planOptions, ApplyOptions applyOptions) {
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        this.planOptions = Objects.requireNonNull(planOptions, "planOptions");
        this.applyOptions = Objects.requireNonNull(applyOptions, "applyOptions");
    }

    /** Phoenix over {@code hypervisor} with the safe defaults on the system clock. */
    public static Phoenix on(Hypervisor hypervisor) {
        return new Phoenix(hypervisor, PlanOptions.defaults(), ApplyOptions.defaults());
    }

    public Phoenix planOptions(PlanOptions value) {
        return new Phoenix(hypervisor, value, applyOptions);
    }

    public Phoenix applyOptions(ApplyOptions value) {
        return new Phoenix(hypervisor, planOptions, value);
    }

    /** The same Phoenix reading time from (and waiting on) {@code time}, for planning and applying. */
    public Phoenix time(TimeSource time) {
        return new Phoenix(hypervisor, planOptions.toBuilder().time(time).build(), new ApplyOptions(applyOptions.maxParallel(),
                applyOptions.maxPerNode(), applyOptions.retries(), applyOptions.firstBackoff(), applyOptions.maxBackoff(),
                applyOptions.taskTimeout(), applyOptions.lockWait(), time, applyOptions.listener()));
    }

    public PlanOptions planOptions() {
        return planOptions;
    }

    public ApplyOptions applyOptions() {
        return applyOptions;
    }

    /** Plans {@code definitions} against the cluster as it is now; reads only. */
    public Plan plan(List<VmDefinition> definitions) {
        return new Planner(hypervisor, planOptions).plan(definitions);
    }

    /** Runs {@code plan}; throws {@link PlanRefusedException} if it has refusals. */
    public ApplyResult apply(Plan plan) {
        return new Applier(hypervisor, applyOptions).apply(plan);
    }

    /** Plans and, when nothing is refused, applies. */
    public ApplyResult converge(List<VmDefinition> definitions) {
        return apply(plan(definitions));
    }
}
