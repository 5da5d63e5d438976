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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;

/**
 * README.md's first Java block, read from the README at test time and pasted into JShell verbatim,
 * line by line, as the {@code jshell} tool takes input: a line is added to what came before, and
 * as soon as that is a complete snippet ({@link SourceCodeAnalysis#analyzeCompletion}) it runs. A
 * chained call split before its dot therefore fails here as it does in {@code bin/phoenix-shell}.
 */
class ReadmeSnippetTest {

    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern BRACES = Pattern.compile("^(.*)\\{([^}]*)}(.*)$");

    static String snippet() throws Exception {
        Path readme = ExampleDefinitionsTest.examples().getParent().getParent().resolve("README.md");
        Matcher m = JAVA_BLOCK.matcher(Files.readString(readme));
        assertTrue(m.find(), "README.md has a ```java block");
        return m.group(1);
    }

    @Test
    void theReadmeSnippetRunsWhenPastedIntoPhoenixShell() throws Exception {
        List<String> startup = new ArrayList<>(ExampleScriptsTest.DEFAULT_STARTUP);
        startup.addAll(ExampleScriptsTest.lines(ExampleDefinitionsTest.examples().getParent().resolve("imports.jsh")));
        runAndCheck(startup);
    }

    @Test
    void theImportsItsCommentNamesAreEnough() throws Exception {
        // "// ai.thinkheads.phoenix.{spec,config,plan,definition}.*, ai.thinkheads.phoenix.testkit.FakeHypervisor, ..."
        String comment = snippet().lines().filter(l -> l.startsWith("// ai.thinkheads.")).findFirst().orElseThrow();
        List<String> imports = new ArrayList<>();
        for (String name : comment.substring(3).split(",\\s*(?![^{]*})")) {
            Matcher m = BRACES.matcher(name.strip());
            if (m.matches()) {
                for (String part : m.group(2).split(",")) {
                    imports.add("import " + m.group(1) + part.strip() + m.group(3) + ";");
                }
            } else {
                imports.add("import " + name.strip() + ";");
            }
        }
        assertTrue(imports.contains("import ai.thinkheads.phoenix.testkit.FakeHypervisor;"), imports.toString());
        runAndCheck(imports);
    }

    /** Runs the startup, then the snippet as pasted, then checks what it did. */
    private static void runAndCheck(List<String> startup) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        try (JShell shell = JShell.builder().executionEngine("local").out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .err(new PrintStream(out, true, StandardCharsets.UTF_8)).build()) {
            shell.addToClasspath(System.getProperty("java.class.path"));
            for (String line : startup) {
                eval(shell, line, problems);
            }
            // the local execution engine runs the snippet in this JVM: what it prints goes to System.out
            PrintStream stdout = System.out;
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                paste(shell, snippet(), problems);
            } finally {
                System.setOut(stdout);
            }
            assertEquals(List.of(), problems, "README snippet printed:\n" + out.toString(StandardCharsets.UTF_8));
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("+ create web-01"), printed);
            assertTrue(printed.contains("web-01 (100): vm succeeded"), "apply prints progress:\n" + printed);
            assertEquals("true", value(shell, "phoenix.plan(List.of(VmDefinition.of(web))).render().contains(\"1 VM is up to date\")"));
            assertEquals("\"RUNNING\"", value(shell, "pve.listVms().get(0).state().name()"));
        }
    }

    /** As the jshell tool reads pasted lines: accumulate, and run each snippet as soon as it is complete. */
    private static void paste(JShell shell, String text, List<String> problems) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String pending = "";
        for (String line : text.lines().toList()) {
            pending = pending.isEmpty() ? line : pending + "\n" + line;
            while (true) {
                SourceCodeAnalysis.CompletionInfo ci = analysis.analyzeCompletion(pending);
                if (ci.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    pending = "";
                    break;
                }
                if (!ci.completeness().isComplete()) {
                    break;
                }
                eval(shell, ci.source(), problems);
                pending = ci.remaining().strip();
                if (pending.isEmpty()) {
                    break;
                }
            }
        }
        if (!pending.isBlank()) {
            problems.add("incomplete at the end: " + pending);
        }
    }

    private static void eval(JShell shell, String source, List<String> problems) {
        for (SnippetEvent e : shell.eval(source)) {
            if (e.status() == Snippet.Status.REJECTED) {
                problems.add("rejected: " + source + " " + shell.diagnostics(e.snippet()).map(d -> d.getMessage(null)).toList());
            }
            if (e.exception() != null) {
                problems.add("threw: " + source + " -> " + e.exception());
            }
        }
    }

    private static String value(JShell shell, String expression) {
        List<SnippetEvent> events = shell.eval(expression);
        assertEquals(Snippet.Status.VALID, events.get(0).status(), expression);
        return events.get(0).value();
    }
}
