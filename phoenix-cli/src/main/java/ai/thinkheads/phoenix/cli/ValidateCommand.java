package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.definition.DefinitionNotice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code phoenix validate FILE...}: reads the files, reports every problem; no cluster needed. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Read definition files (either format) and report every problem with its file, field and line. "
                + "Contacts no cluster. Exit 0 when the files are valid, 1 when they have problems."},
        footer = {"", "Example:", "  phoenix validate examples/definitions/seed.phoenix.json examples/definitions/seed.orchestrator.json"})
final class ValidateCommand extends Verb {

    @Mixin
    DefinitionOptions definitions;

    @Override
    public Integer call() {
        DefinitionFiles.Result files = definitions.read();
        for (DefinitionNotice n : files.notices()) {
            err().println(n);
        }
        if (reportProblems(files)) {
            return ERROR;
        }
        files.formats().forEach((file, format) -> out().println(file + ": valid ("
                + (format == DefinitionFiles.Format.NATIVE ? "Phoenix format" : "shell orchestrator's format") + ")"));
        out().println(files.vms().size() + (files.vms().size() == 1 ? " VM" : " VMs") + " declared: "
                + String.join(", ", files.vms().stream().map(v -> v.name()).toList()));
        return OK;
    }
}
