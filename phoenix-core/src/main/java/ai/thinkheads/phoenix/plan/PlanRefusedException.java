package ai.thinkheads.phoenix.plan;

import ai.thinkheads.phoenix.PhoenixException;
import java.util.List;

/** {@link Applier#apply} was given a plan with refusals; nothing was done. */
public class PlanRefusedException extends PhoenixException {
    private static final long serialVersionUID = 1L;

    private final transient List<Refusal> refusals;

    public PlanRefusedException(List<Refusal> refusals) {
        super("the plan has " + refusals.size() + " refusal(s); nothing was applied: "
                + String.join("; ", refusals.stream().map(Refusal::toString).toList()));
        this.refusals = List.copyOf(refusals);
    }

    public List<Refusal> refusals() {
        return refusals;
    }
}
