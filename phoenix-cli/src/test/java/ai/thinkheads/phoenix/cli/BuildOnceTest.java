package ai.thinkheads.phoenix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/lib/build-once.sh}, which {@code bin/phoenix} and {@code bin/phoenix-shell} source:
 * a build is reused while nothing it was made from changed (issue 11, item 14: the shell rebuilt on
 * every start). Runs the script's check on a small tree of its own, with file times set
 * explicitly, so no Maven is started.
 */
class BuildOnceTest {
    private static final Instant BUILT = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path root;
    private Path jar;

    @BeforeEach
    void aTreeBuiltOnce() throws Exception {
        Files.createDirectories(root.resolve("mod/src/main/java"));
        Files.createDirectories(root.resolve("mod/target"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.writeString(root.resolve("mod/pom.xml"), "<project/>");
        Files.writeString(root.resolve("mod/src/main/java/A.java"), "class A {}");
        Files.writeString(root.resolve("extra.jsh"), "// imports");
        jar = root.resolve("dep.jar");
        Files.writeString(jar, "jar");
        Files.writeString(root.resolve("mod/target/classpath.txt"), jar.toString());
        Files.writeString(root.resolve("mod/target/build-once.stamp"), "");
        // directories too: adding a file changes its directory's time, which find -newer sees
        for (String f : new String[] {"pom.xml", "mod/pom.xml", "mod/src/main/java/A.java", "extra.jsh", "dep.jar",
                "mod/src", "mod/src/main", "mod/src/main/java"}) {
            touch(f, BUILT.minusSeconds(60));
        }
        touch("mod/target/build-once.stamp", BUILT);
    }

    @Test
    void aBuildIsReusedWhileNothingChanged() throws Exception {
        assertEquals(0, upToDate("0"));
    }

    @Test
    void aChangedSourcePomOrExtraFileMeansABuild() throws Exception {
        for (String f : new String[] {"mod/src/main/java/A.java", "mod/pom.xml", "pom.xml", "extra.jsh"}) {
            aTreeBuiltOnce();
            touch(f, BUILT.plusSeconds(1));
            assertEquals(1, upToDate("0"), f + " changed after the build");
        }
    }

    @Test
    void aMissingJarNoStampOrAForcedRebuildMeansABuild() throws Exception {
        assertEquals(1, upToDate("1"), "REBUILD=1");
        Files.delete(jar);
        assertEquals(1, upToDate("0"), "a jar of the class path is gone");
        aTreeBuiltOnce();
        Files.delete(root.resolve("mod/target/build-once.stamp"));
        assertEquals(1, upToDate("0"), "never built here");
    }

    @Test
    void withPhoenixNoBuildANeededBuildExitsThreeWithoutStartingMaven() throws Exception {
        touch("mod/src/main/java/A.java", BUILT.plusSeconds(1));
        Process p = bash("PHOENIX_NO_BUILD=1 phoenix_build_once mod 0 extra.jsh; echo reached");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, p.exitValue(), out);
        assertTrue(out.contains("mod needs a build and PHOENIX_NO_BUILD=1 forbids it"), out);
        assertTrue(!out.contains("reached"), out);
    }

    private int upToDate(String rebuild) throws Exception {
        return bash("phoenix_up_to_date mod " + rebuild + " extra.jsh").exitValue();
    }

    private Process bash(String command) throws Exception {
        Path script = Path.of("bin/lib/build-once.sh").toAbsolutePath();
        assertTrue(Files.isRegularFile(script), script.toString());
        Process p = new ProcessBuilder("bash", "-c", ". \"$0\"; " + command, script.toString())
                .directory(root.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash did not end");
        return p;
    }

    private void touch(String file, Instant when) throws Exception {
        Files.setLastModifiedTime(root.resolve(file), FileTime.from(when));
    }
}
