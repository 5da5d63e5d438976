package ai.thinkheads.phoenix.cli;

import java.io.PrintWriter;
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
