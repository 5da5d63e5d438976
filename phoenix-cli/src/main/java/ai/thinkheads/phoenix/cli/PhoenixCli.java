package ai.thinkheads.phoenix.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * {@code phoenix}, the operator's command ({@code bin/phoenix}). Exit codes: 0 success (for
 * {@code plan}: no changes), 1 an error (a problem in a file, a refused or failed step, a declined
 * confirmation, a wrong flag), 2 from {@code plan}: there are changes (Terraform's
 * {@code -detailed-exitcode}). Wrong flags exit 1, not picocli's default 2, so that 2 keeps one meaning.
 */
@Command(name = "phoenix", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Declarative Proxmox VE virtual machines: validate, plan and apply definition files, and run the guests.",
        subcommands = {
            ValidateCommand.class, PlanCommand.class, ApplyCommand.class, DestroyCommand.class, StatusCommand.class,
            PowerCommand.Start.class, PowerCommand.Stop.class, PowerCommand.Shutdown.class, PowerCommand.Reboot.class,
            SnapshotCommands.Take.class, SnapshotCommands.Rollback.class, SnapshotCommands.ListAll.class,
            SimulatorCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class
        },
        footer = {"", "Without --target, a verb acts on the built-in simulator unless PHOENIX_PVE_URL is set.",
            "Example:", "  phoenix plan --target simulator --state /tmp/sim examples/definitions/seed.phoenix.json"})
public final class PhoenixCli implements java.util.concurrent.Callable<Integer> {

    /** The system property slf4j-simple reads its level from. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    final CliContext context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Log errors only.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Log at debug level (requests, decisions).")
    boolean verbose;

    PhoenixCli(CliContext context) {
        this.context = context;
    }

    public static void main(String[] args) {
        System.exit(commandLine(CliContext.system()).execute(args));
    }

    /** The command, ready to {@link CommandLine#execute}; its out and err are set with {@code setOut}/{@code setErr}. */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cl = new CommandLine(new PhoenixCli(context));
        cl.setExecutionStrategy(PhoenixCli::execute);
        cl.setParameterExceptionHandler(PARAMETER_ERRORS);
        cl.setExecutionExceptionHandler(EXECUTION_ERRORS);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /** {@code phoenix} without a verb: the usage, on err, and exit 1 (as git does). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 1;
    }

    /** Sets the log level from the flags (before anything logs), then runs the verb. */
    private static int execute(ParseResult parse) {
        PhoenixCli root = (PhoenixCli) parse.commandSpec().userObject();
        ParseResult last = parse;
        boolean quiet = root.quiet;
        boolean verbose = root.verbose;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        if (verbose && quiet) {
            throw new ParameterException(last.commandSpec().commandLine(), "--quiet and --verbose exclude each other");
        }
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null || verbose || quiet) {
            System.setProperty(LOG_LEVEL_PROPERTY, verbose ? "debug" : quiet ? "error" : "warn");
        }
        return new CommandLine.RunLast().execute(parse);
    }

    private static final IParameterExceptionHandler PARAMETER_ERRORS = (ParameterException e, String[] args) -> {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("phoenix: " + e.getMessage());
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return 1;
    };

    private static final IExecutionExceptionHandler EXECUTION_ERRORS = (Exception e, CommandLine cl, ParseResult parse) -> {
        if (e instanceof ParameterException pe) {
            return PARAMETER_ERRORS.handleParseException(pe, new String[0]);
        }
        PrintWriter err = cl.getErr();
        err.println("phoenix: " + e.getMessage());
        PhoenixCli root = (PhoenixCli) cl.getCommandSpec().root().userObject();
        if (root.verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    };
}
