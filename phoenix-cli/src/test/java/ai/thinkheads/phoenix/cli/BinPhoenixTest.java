package ai.thinkheads.phoenix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code bin/phoenix} as a process, on the build it made (never starting Maven from a test). */
class BinPhoenixTest {

    @Test
    void binPhoenixVersionAnswers() throws Exception {
        Path script = Path.of("bin/phoenix").toAbsolutePath();
        assertTrue(Files.isExecutable(script), script + " is missing or not executable");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--version").redirectErrorStream(true);
        // PHOENIX_NO_BUILD: exit 3 instead of building, so a test never runs Maven inside Maven
        pb.environment().put("PHOENIX_NO_BUILD", "1");
        pb.environment().remove("PHOENIX_REBUILD");
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/phoenix --version did not end within 60 s");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(p.exitValue() != 3, "skipped: bin/phoenix has no up-to-date build of its own "
                + "(run bin/phoenix once after the last change): " + output.strip());
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.startsWith("phoenix 0."), output);
        assertTrue(output.contains(File.separator.equals("/") ? "Java 17" : "Java"), output);
    }
}
