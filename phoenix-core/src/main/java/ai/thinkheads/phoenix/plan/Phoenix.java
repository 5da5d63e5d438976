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
 * gets the same orchestration. Immutable: {@code planOptions}, {@code applyOptions} and {@code time}
 * each return a new instance that differs in that one part only.
 */
public final class Phoenix {

    private final Hypervisor hypervisor;
    private final PlanOptions planOptions;
    private final ApplyOptions applyOptions;
    private final TimeSource time;

    private Phoenix(Hypervisor hypervisor, PlanOptions planOptions, ApplyOptions applyOptions, TimeSource time) {
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        this.planOptions = Objects.requireNonNull(planOptions, "planOptions");
        this.applyOptions = Objects.requireNonNull(applyOptions, "applyOptions");
        this.time = Objects.requireNonNull(time, "time");
    }

    /** Phoenix over {@code hypervisor} with the safe defaults on the system clock. */
    public static Phoenix on(Hypervisor hypervisor) {
        return new Phoenix(hypervisor, PlanOptions.defaults(), ApplyOptions.defaults(), TimeSource.system());
    }

    /** The same Phoenix planning with {@code value}; the time source and the apply options stay. */
    public Phoenix planOptions(PlanOptions value) {
        return new Phoenix(hypervisor, value, applyOptions, time);
    }

    /** The same Phoenix applying with {@code value}; the time source and the plan options stay. */
    public Phoenix applyOptions(ApplyOptions value) {
        return new Phoenix(hypervisor, planOptions, value, time);
    }

    /**
     * The same Phoenix reading time from (and waiting on) {@code value}, for planning and applying.
     * Phoenix is the one owner of the time source (the options carry none), so the order of
     * {@code time}, {@code planOptions} and {@code applyOptions} calls does not matter.
     */
    public Phoenix time(TimeSource value) {
        return new Phoenix(hypervisor, planOptions, applyOptions, value);
    }

    public PlanOptions planOptions() {
        return planOptions;
    }

    public ApplyOptions applyOptions() {
        return applyOptions;
    }

    /** Where planning and applying read time and wait (the system clock unless {@link #time(TimeSource)} set one). */
    public TimeSource time() {
        return time;
    }

    /** Plans {@code definitions} against the cluster as it is now; reads only. */
    public Plan plan(List<VmDefinition> definitions) {
        return new Planner(hypervisor, planOptions, time).plan(definitions);
    }

    /** Runs {@code plan}; throws {@link PlanRefusedException} if it has refusals. */
    public ApplyResult apply(Plan plan) {
        return new Applier(hypervisor, applyOptions, time).apply(plan);
    }

    /** Plans and, when nothing is refused, applies. */
    public ApplyResult converge(List<VmDefinition> definitions) {
        return apply(plan(definitions));
    }
}
