package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.ConsoleApplyListener;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code phoenix apply FILE...}: plans, asks, applies with progress. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Plan, show the plan, ask for confirmation on the terminal (unless --auto-approve), then apply it "
                + "with a line of progress per step. Exit 0 when everything was applied (or nothing needed to be), "
                + "1 when it was declined, refused or a step failed."},
        footer = {"", "Example:", "  phoenix apply --target simulator --state /tmp/sim --auto-approve examples/definitions/seed.phoenix.json"})
final class ApplyCommand extends Verb {

    @Mixin
    DefinitionOptions definitions;

    @Mixin
    TargetOptions target;

    @Option(names = "--auto-approve", description = "Apply without asking.")
    boolean autoApprove;

    @Option(names = "--no-color", description = "No colour, even on a terminal.")
    boolean noColor;

    @Override
    public Integer call() {
        target.refuseSecretFlags();
        DefinitionFiles.Result files = definitions.read(target, context());
        if (reportProblems(files)) {
            return ERROR;
        }
        try (Connection c = target.open(context())) {
            Phoenix phoenix = Phoenix.on(c.hypervisor()).applyOptions(ApplyOptions.builder()
                    .listener(new ConsoleApplyListener(OutputStyle.stream(out()))).build());
            Plan plan = phoenix.plan(files.vms());
            out().print(OutputStyle.of(context(), noColor).plan(plan.render()));
            out().flush();
            if (plan.hasRefusals()) {
                err().println("The plan has refusals: nothing was applied.");
                return ERROR;
            }
            if (plan.isEmpty()) {
                out().println("No changes: the target matches the files.");
                return OK;
            }
            if (!confirmed(autoApprove, "Apply this plan?", "Apply", "applied")) {
                return ERROR;
            }
            ApplyResult result = phoenix.apply(plan);
            out().print(result.render());
            if (!result.isComplete()) {
                err().println("Apply did not complete: " + result.failed().size() + " failed, "
                        + result.notAttempted().size() + " not attempted.");
                return ERROR;
            }
            out().println("Apply complete.");
            return OK;
        }
    }
}
