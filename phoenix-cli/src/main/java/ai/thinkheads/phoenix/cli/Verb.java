package ai.thinkheads.phoenix.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every verb shares: the run's context, its out and err, and its exit code. */
abstract class Verb implements Callable<Integer> {

    static final int OK = 0;
    static final int ERROR = 1;
    /** {@code plan}: there are changes (Terraform's {@code -detailed-exitcode}). */
    static final int CHANGES = 2;

    @ParentCommand
    PhoenixCli root;

    @Spec
    CommandSpec spec;

    CliContext context() {
        return root.context;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * Asks on the terminal before a change, unless {@code autoApprove}: true when the person typed
     * {@code yes}. Without a terminal (a pipe, a CI job) it refuses rather than wait, and says to pass
     * {@code --auto-approve}; a declined or refused run says that nothing was {@code done}
     * ("applied", "destroyed"). {@code verb} starts the decline message ("Apply", "Destroy").
     */
    boolean confirmed(boolean autoApprove, String question, String verb, String done) {
        if (autoApprove) {
            return true;
        }
        out().flush();
        Optional<String> answer = context().terminal().ask(question + " Only 'yes' is accepted: ");
        if (answer.isEmpty()) {
            err().println("No terminal to ask for confirmation on: pass --auto-approve to " + verb.toLowerCase(Locale.ROOT)
                    + " without asking. Nothing was " + done + ".");
            return false;
        }
        if (!answer.get().strip().equals("yes")) {
            err().println(verb + " declined: nothing was " + done + ".");
            return false;
        }
        return true;
    }

    /** Prints the files' problems to err; true when there were any. */
    boolean reportProblems(DefinitionFiles.Result files) {
        files.problems().forEach(p -> err().println(p));
        if (!files.ok()) {
            err().println(files.problems().size() + (files.problems().size() == 1 ? " problem" : " problems")
                    + " found; nothing was done.");
            err().flush();
            return true;
        }
        return false;
    }
}
