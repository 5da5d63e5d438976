package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellQuotingTest {

    @Test
    void wrapsInSingleQuotes() {
        assertEquals("'abc'", ShellQuoting.quote("abc"));
        assertEquals("'a b'", ShellQuoting.quote("a b"));
        assertEquals("'$(id)`id`;|&'", ShellQuoting.quote("$(id)`id`;|&"));
        assertEquals("'line1\nline2'", ShellQuoting.quote("line1\nline2"));
    }

    @Test
    void escapesSingleQuotesAsCloseEscapeReopen() {
        assertEquals("'it'\\''s'", ShellQuoting.quote("it's"));
        assertEquals("''\\'''", ShellQuoting.quote("'"));
        assertEquals("''\\'''\\'''", ShellQuoting.quote("''"));
    }

    @Test
    void keepsEmptyArgumentsAsEmptyWords() {
        assertEquals("''", ShellQuoting.quote(""));
        assertEquals("'qm' '' 'x'", ShellQuoting.commandLine(List.of("qm", "", "x")));
    }

    @Test
    void refusesNulAndUnpairedSurrogates() {
        assertThrows(IllegalArgumentException.class, () -> ShellQuoting.quote("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> ShellQuoting.quote("a\uD800b"));
        assertThrows(IllegalArgumentException.class, () -> ShellQuoting.quote("\uDC00"));
        assertEquals("'\uD83D\uDE00'", ShellQuoting.quote("\uD83D\uDE00"));
    }

    @Test
    void refusesAnEmptyCommand() {
        assertThrows(IllegalArgumentException.class, () -> ShellQuoting.commandLine(List.of()));
    }

    @Test
    void theRefusalDoesNotQuoteTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShellQuoting.quote("secret-value\0"));
        assertEquals(false, e.getMessage().contains("secret-value"));
    }
}
