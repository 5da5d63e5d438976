package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code phoenix plan FILE...}: what apply would change; exit 0 none, 2 some, 1 error. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Show what apply would change to make the target match the files.",
            "Exit 0 when there is nothing to change, 2 when there are changes, 1 on an error or a refusal "
                    + "(as Terraform's -detailed-exitcode)."},
        footer = {"", "Example:", "  phoenix plan --target simulator examples/definitions/seed.phoenix.json; echo $?"})
final class PlanCommand extends Verb {

    @Mixin
    DefinitionOptions definitions;

    @Mixin
    TargetOptions target;

    @Option(names = "--json", description = "Print the plan as JSON instead of text.")
    boolean json;

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
            Plan plan = Phoenix.on(c.hypervisor()).plan(files.vms());
            if (json) {
                out().println(plan.toJson());
            } else {
                out().print(OutputStyle.of(context(), noColor).plan(plan.render()));
            }
            out().flush();
            if (plan.hasRefusals()) {
                err().println("The plan has refusals: apply would do nothing until they are resolved.");
                return ERROR;
            }
            return plan.isEmpty() ? OK : CHANGES;
        }
    }
}
