package ai.thinkheads.phoenix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code phoenix completion}: picocli's bash completion script for this command. */
class CompletionCommandTest {

    @Test
    void completionPrintsABashScriptThatNamesTheVerbs(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.run("completion");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out().lines().findFirst().orElse(""));
        assertTrue(r.out().contains("complete -F _complete_phoenix"), "registers the function with bash");
        for (String verb : new String[] {"validate", "plan", "apply", "destroy", "status", "snapshots", "completion"}) {
            assertTrue(r.out().contains(verb), verb + " is completed");
        }
        assertTrue(r.out().contains("--auto-approve"), "options are completed too");

        // bash itself reads it without a syntax error
        Path script = Files.writeString(dir.resolve("phoenix-completion.bash"), r.out());
        Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
        String output = new String(bash.getInputStream().readAllBytes());
        assertEquals(0, bash.exitValue(), output);
    }

    @Test
    void helpShowsHowToLoadIt() {
        CliRun r = CliRun.run("completion", "--help");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("source <(phoenix completion)"), r.toString());
    }
}
