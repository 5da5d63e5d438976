package ai.thinkheads.phoenix.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;

/**
 * {@code phoenix completion}: prints the bash completion script picocli generates from the command's
 * own model ({@link AutoComplete#bash}), so it always lists the verbs and options this build has.
 * zsh reads it too, after {@code autoload -U +X bashcompinit && bashcompinit}.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a bash completion script for phoenix (zsh: run 'autoload -U +X bashcompinit && bashcompinit' first)."},
        footer = {"", "Example:", "  phoenix completion > /etc/bash_completion.d/phoenix   # or, for this shell only:",
            "  source <(phoenix completion)"})
final class CompletionCommand extends Verb {

    @Override
    public Integer call() {
        out().print(AutoComplete.bash("phoenix", spec.root().commandLine()));
        out().flush();
        return OK;
    }
}
