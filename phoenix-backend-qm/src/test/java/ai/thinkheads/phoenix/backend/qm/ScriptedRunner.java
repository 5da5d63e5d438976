package ai.thinkheads.phoenix.backend.qm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link CommandRunner} test double: answers by the longest matching argv prefix (joined with
 * spaces) and records every call. Every {@code qm}/{@code pvesh} call is checked against the PVE API
 * schemas first ({@link CommandLineSchemaCheck}), as run on node {@code pve1}.
 */
final class ScriptedRunner implements CommandRunner {

    record Call(List<String> argv, byte[] stdin, java.time.Duration atLeast) {
    }

    /** A {@link #writeFile} call: the path and the bytes. */
    record Write(String path, byte[] content) {
    }

    private final Map<String, CommandResult> answers = new LinkedHashMap<>();
    final List<Call> calls = new ArrayList<>();
    final List<Write> writes = new ArrayList<>();
    CommandResult writeResult = new CommandResult(0, "", "");
    boolean closed;

    ScriptedRunner answer(String argvPrefix, CommandResult result) {
        answers.put(argvPrefix, result);
        return this;
    }

    ScriptedRunner answer(String argvPrefix, int exit, String stdout, String stderr) {
        return answer(argvPrefix, new CommandResult(exit, stdout, stderr));
    }

    @Override
    public CommandResult run(List<String> argv, byte[] stdin) {
        return run(argv, stdin, null);
    }

    @Override
    public synchronized CommandResult run(List<String> argv, byte[] stdin, java.time.Duration atLeast) {
        calls.add(new Call(List.copyOf(argv), stdin, atLeast));
        CommandLineSchemaCheck.check(argv, stdin, "pve1");
        String line = String.join(" ", argv);
        String best = null;
        for (String prefix : answers.keySet()) {
            if ((line.equals(prefix) || line.startsWith(prefix + " ")) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        if (best == null) {
            throw new AssertionError("unexpected command: " + line);
        }
        return answers.get(best);
    }

    @Override
    public synchronized CommandResult writeFile(String path, byte[] content) {
        writes.add(new Write(path, content.clone()));
        return writeResult;
    }

    List<String> lastArgv() {
        return calls.get(calls.size() - 1).argv();
    }

    @Override
    public void close() {
        closed = true;
    }
}
