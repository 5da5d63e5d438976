package ai.thinkheads.phoenix.testkit.simulator.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellWordsTest {

    @Test
    void splitsOnBlanksAndCollapsesRuns() {
        assertEquals(List.of("qm", "list", "--full", "1"), ShellWords.split("  qm \t list   --full 1 "));
    }

    @Test
    void singleQuotesAreLiteral() {
        assertEquals(List.of("qm", "set", "100", "--description", "a $b `c` \\d \"e\""),
                ShellWords.split("qm set 100 --description 'a $b `c` \\d \"e\"'"));
    }

    @Test
    void doubleQuotesHonourOnlyPosixBackslashEscapes() {
        assertEquals(List.of("x\"y\\z$w`v", "a\\nb"), ShellWords.split("\"x\\\"y\\\\z\\$w\\`v\" \"a\\nb\""));
    }

    @Test
    void backslashOutsideQuotesEscapesOneCharacter() {
        assertEquals(List.of("a b", "c;d", "e'f", "$HOME"), ShellWords.split("a\\ b c\\;d e\\'f \\$HOME"));
    }

    @Test
    void backslashNewlineIsALineContinuation() {
        assertEquals(List.of("qm", "list"), ShellWords.split("qm \\\nlist"));
        assertEquals(List.of("ab"), ShellWords.split("\"a\\\nb\""));
    }

    @Test
    void adjacentQuotedPartsFormOneWordAndEmptyQuotesAnEmptyWord() {
        assertEquals(List.of("--cicustom", "user=local:snippets/u.yaml", "", "it's"),
                ShellWords.split("--cicustom user=\"local:\"'snippets/u.yaml' '' 'it'\\''s'"));
    }

    @Test
    void trailingNewlinesAreIgnored() {
        assertEquals(List.of("qm", "list"), ShellWords.split("qm list\n\n"));
    }

    @Test
    void hashAndTildeInsideAWordAreLiteral() {
        assertEquals(List.of("a#b", "x~y", "k=v"), ShellWords.split("a#b x~y k=v"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "qm list; rm -rf /", "qm list | head", "qm list && echo", "qm list &", "qm start $VMID",
        "qm start ${VMID}", "echo `id`", "echo \"$(id)\"", "echo \"`id`\"", "qm list < /dev/null",
        "qm list >> out", "qm list 2> err", "qm list >&2", "ls *", "ls ?", "ls [ab]", "(qm list)",
        "qm list\nqm list", "qm 'list", "qm \"list", "qm list \\", "~/bin/qm", "qm list #comment",
        "VAR=1 qm list", "! qm list", "qm set 100 --cicustom=~/x", "a PATH:~/bin", "{ qm list; }", "cat > a b", "cat >", "cat > a > b", "", "   ",
    })
    void refusesWhatAShellWouldInterpretDifferently(String line) {
        ShellSyntaxException e = assertThrows(ShellSyntaxException.class, () -> ShellWords.parse(line));
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }

    @Test
    void quotedOperatorsAndAssignmentsAreJustText() {
        assertEquals(List.of("VAR=1", "a;b", "*", "$x", "x>y"), ShellWords.split("'VAR=1' 'a;b' \"*\" '$x' 'x>y'"));
    }

    @Test
    void oneTrailingStdoutRedirectionIsReported() {
        CommandLine line = ShellWords.parse("cat > '/var/lib/vz/snippets/user data.yaml'");
        assertEquals(List.of("cat"), line.argv());
        assertEquals(Optional.of("/var/lib/vz/snippets/user data.yaml"), line.stdoutRedirect());
        assertEquals(Optional.of("/x"), ShellWords.parse("cat >/x").stdoutRedirect());
        assertThrows(ShellSyntaxException.class, () -> ShellWords.split("cat > /x"));
    }

    @Test
    void joinQuotesEveryWord() {
        assertEquals("'qm' 'set' '100' '--description' 'it'\\''s'",
                ShellWords.join(List.of("qm", "set", "100", "--description", "it's")));
    }

    @Property(tries = 500)
    void quotingAnyStringYieldsExactlyThatWord(@ForAll String s) {
        assertEquals(List.of(s), ShellWords.split(ShellWords.quote(s)));
    }

    @Property(tries = 300)
    void joiningAnyWordsSplitsBackToThem(@ForAll @Size(min = 1, max = 6) List<String> words) {
        assertEquals(words, ShellWords.split(ShellWords.join(words)));
    }
}
