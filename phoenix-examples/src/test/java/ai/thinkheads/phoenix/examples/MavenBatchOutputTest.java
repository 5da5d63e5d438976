package ai.thinkheads.phoenix.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * README's commands run Maven with {@code -B}: their output carries no terminal escape codes. Maven
 * 3.8's Jansi 2 writes an attribute reset ({@code ESC[0m}) to stdout and stderr when it installs and
 * uninstalls its console streams, even in batch mode; {@code .mvn/jvm.config} sets
 * {@code jansi.noreset=true} (Jansi's {@code AnsiConsole.JANSI_NORESET}), which stops it.
 */
class MavenBatchOutputTest {

    @Test
    void batchModeOutputHasNoEscapeCodes() throws Exception {
        Path root = ExampleDefinitionsTest.examples().getParent().getParent();
        Process p = new ProcessBuilder("mvn", "-B", "-q", "-o", "-N", "validate").directory(root.toFile())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "mvn did not end");
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.contains("\u001b"), "escape codes in: " + out.replace("\u001b", "ESC"));
    }
}
