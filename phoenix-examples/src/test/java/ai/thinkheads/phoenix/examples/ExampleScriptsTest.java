package ai.thinkheads.phoenix.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code examples/*.jsh} script runs as {@code bin/phoenix-shell <script>} runs it: JShell with
 * the project on the class path, the default imports and {@code examples/imports.jsh}, one statement
 * a line. Each statement must be accepted and none may throw.
 */
class ExampleScriptsTest {

    /** What the jshell tool's {@code --startup DEFAULT} imports (the JShell API runs no startup of its own). */
    static final List<String> DEFAULT_STARTUP = List.of("import java.io.*;", "import java.math.*;", "import java.net.*;",
            "import java.nio.file.*;", "import java.util.*;", "import java.util.concurrent.*;", "import java.util.function.*;",
            "import java.util.prefs.*;", "import java.util.regex.*;", "import java.util.stream.*;");

    static Stream<Path> scripts() throws Exception {
        Path dir = ExampleDefinitionsTest.examples().getParent();
        return Files.list(dir).filter(p -> p.toString().endsWith(".jsh") && !p.getFileName().toString().equals("imports.jsh")).sorted();
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void runsFromTheLauncherAsDocumented(Path script) throws Exception {
        Path root = script.getParent().getParent();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        try (JShell shell = JShell.builder().executionEngine("local").out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .err(new PrintStream(out, true, StandardCharsets.UTF_8)).build()) {
            shell.addToClasspath(System.getProperty("java.class.path"));
            for (String line : DEFAULT_STARTUP) {
                run(shell, line, problems);
            }
            for (String line : lines(script.getParent().resolve("imports.jsh"))) {
                run(shell, line, problems);
            }
            for (String line : lines(script)) {
                run(shell, line, problems);
            }
        }
        assertEquals(List.of(), problems, script + " printed:\n" + out.toString(StandardCharsets.UTF_8));
        assertTrue(root.resolve("bin/phoenix-shell").toFile().canExecute(), "the launcher is executable");
    }

    static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("//") && !l.startsWith("/exit")).toList();
    }

    private static void run(JShell shell, String line, List<String> problems) {
        for (SnippetEvent e : shell.eval(line)) {
            if (e.status() == Snippet.Status.REJECTED) {
                problems.add("rejected: " + line + " " + shell.diagnostics(e.snippet()).map(d -> d.getMessage(null)).toList());
            }
            if (e.exception() != null) {
                problems.add("threw: " + line + " -> " + e.exception());
            }
        }
    }
}
