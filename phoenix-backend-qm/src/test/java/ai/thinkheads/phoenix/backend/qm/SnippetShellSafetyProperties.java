package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.StorageContent;
import ai.thinkheads.phoenix.testing.ThoroughSuite;
import ai.thinkheads.phoenix.testing.ThoroughTries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Snippet uploads through a real {@code /bin/sh -c} (JSch → MINA SSHD → sh): the user-data bytes
 * travel on stdin to the atomic write ({@code sh -c} {@link SshCommandRunner#ATOMIC_WRITE} with the
 * size, a temporary name beside the target and the target, each quoted), so hostile file names and hostile contents
 * (quotes, {@code $()}, backticks, {@code ;}, {@code |}, {@code &}, newlines, control characters,
 * unicode, leading dashes, empty and long) must land as exactly that file with exactly those bytes,
 * and no injected command may run (a canary file). Names Proxmox would rename or refuse are refused
 * by {@link StorageContent#filenameErrors} before the backend sends anything; the property checks
 * that only names Proxmox keeps as they are pass.
 */
class SnippetShellSafetyProperties {

    /** Tries in every build; each is one upload through the real shell. */
    private static final int TRIES = 250;
    /** Tries in the thorough suite ({@code -Pthorough}): more hostile names and contents, the same path. */
    private static final int THOROUGH_TRIES = 1000;
    static final AtomicInteger tries = new AtomicInteger();
    static final AtomicInteger written = new AtomicInteger();
    static final AtomicInteger refusedNames = new AtomicInteger();

    private static Path dir;
    private static TestSshd sshd;
    private static SshCommandRunner runner;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("phoenix-snippet-safety");
        sshd = TestSshd.start(dir);
        runner = sshd.runner().build();
    }

    @AfterContainer
    static void checkCountsAndCanary() throws IOException {
        try {
            System.out.printf("snippet shell safety: %d files written byte-identical through /bin/sh; %d hostile names refused"
                    + " before sending%n", written.get(), refusedNames.get());
            assertFalse(Files.exists(dir.resolve("PWNED")), "an injected command ran on the server");
            assertEquals(ThoroughSuite.enabled() ? THOROUGH_TRIES : TRIES, tries.get());
            assertEquals(tries.get(), written.get());
            assertTrue(refusedNames.get() > tries.get() / 2 && refusedNames.get() < tries.get(),
                    "most hostile names are not names Proxmox keeps, some are: " + refusedNames.get());
        } finally {
            runner.close();
            sshd.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<Character> chars = Arbitraries.oneOf(
                Arbitraries.of('\'', '"', '$', '(', ')', '`', ';', '|', '&', '\n', '\r', '\t', ' ', '\\', '*', '?', '<', '>',
                        '!', '#', '~', '{', '}', '[', ']', '=', '%', '-', '.', '\u0001', '\u001b', '\u007f'),
                Arbitraries.chars().range('a', 'z'),
                Arbitraries.chars().range('\u00a0', '\u2fff'));
        Arbitrary<String> injections = Arbitraries.of("$(touch PWNED)", "`touch PWNED`", "; touch PWNED", "| touch PWNED",
                "&& touch PWNED", "\ntouch PWNED\n", "'; touch PWNED; '", "\"; touch PWNED; \"", "-rf", "--", "");
        return Arbitraries.oneOf(chars.list().ofMinSize(0).ofMaxSize(60).map(l -> {
            StringBuilder b = new StringBuilder();
            l.forEach(b::append);
            return b.toString();
        }), injections, Arbitraries.strings().ofLength(3000).withCharRange('!', '~'));
    }

    @Property(tries = TRIES)
    @ThoroughTries(THOROUGH_TRIES)
    void hostileNamesAndContentsLandByteIdentical(@ForAll("hostile") String name, @ForAll("hostile") String content) throws IOException {
        tries.incrementAndGet();
        // a file name is one path component: no '/', no NUL, at most 255 bytes (the kernel's NAME_MAX)
        String file = "user-data-" + name.replace('/', '_') + ".yaml";
        if (file.getBytes(StandardCharsets.UTF_8).length > 255) {
            file = file.substring(0, 100) + ".yaml";
        }
        // Proxmox keeps a name as it is only when normalize_content_filename leaves it alone: [A-Za-z0-9_.-]
        boolean keeps = file.matches("[A-Za-z0-9_.-]+");
        assertEquals(keeps, StorageContent.SNIPPETS.filenameErrors(file).isEmpty(), file);
        if (!keeps) {
            refusedNames.incrementAndGet();
        }
        byte[] bytes = ("#cloud-config\n" + content).getBytes(StandardCharsets.UTF_8);
        Path target = dir.resolve("snippets").resolve(file);
        Files.createDirectories(target.getParent());
        CommandResult r = runner.writeFile(target.toString(), bytes);
        assertEquals(0, r.exitCode(), r.stderr());
        assertArrayEquals(bytes, Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(1, files.count(), "exactly one file was created");
        }
        Files.delete(target);
        written.incrementAndGet();
    }
}
