package ai.thinkheads.phoenix.testkit.simulator.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Splits an SSH exec command line into words the way POSIX {@code /bin/sh -c} would, for the
 * quoting a careful client uses, and refuses everything else.
 *
 * <p>Start with {@link #parse(String)}. Accepted:
 * <ul>
 *   <li>words separated by blanks (space, tab); trailing newlines at the very end;</li>
 *   <li>{@code '...'}: everything literal up to the next {@code '};</li>
 *   <li>{@code "..."}: literal except {@code \} before {@code $ ` " \} or a newline (POSIX
 *       2.2.3);</li>
 *   <li>{@code \c} outside quotes: the character {@code c}; backslash-newline is removed;</li>
 *   <li>one trailing {@code > file} (the only redirection; the interpreter allows it for
 *       {@code cat} only).</li>
 * </ul>
 * Refused with a {@link ShellSyntaxException} (never silently misread): unterminated quotes;
 * anything that needs expansion ({@code $}, backquote, also inside double quotes); glob characters
 * {@code * ? [}; control operators {@code ; | & < ( )}, newlines between words, other
 * redirections ({@code >>}, {@code 2>}, {@code >&}); braces; {@code !}; {@code ~} or {@code #} at
 * the start of a word, {@code ~} after {@code =} or {@code :} (bash expands those in assignments); and a leading {@code NAME=value} assignment. Where a real shell would do
 * something else than pass the words through, the simulator is stricter, never more lenient.
 */
public final class ShellWords {

    private ShellWords() {
    }

    /**
     * Quotes {@code s} so that a POSIX shell yields exactly {@code s} as one word:
     * {@code '} + s with each {@code '} replaced by {@code '\''} + {@code '}.
     */
    public static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Quotes every word and joins them with spaces: a command line that parses back to {@code argv}. */
    public static String join(List<String> argv) {
        return argv.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }

    /** The words of {@code line}; refuses redirections as well as everything {@link #parse} refuses. */
    public static List<String> split(String line) {
        CommandLine parsed = parse(line);
        if (parsed.stdoutRedirect().isPresent()) {
            throw new ShellSyntaxException("redirection is not supported here", line.indexOf('>'));
        }
        return parsed.argv();
    }

    /** Parses a command line; see the class comment for what is accepted. */
    public static CommandLine parse(String line) {
        return new Parser(line).parse();
    }

    private static final class Parser {
        private final String s;
        private int i;
        private final List<String> words = new ArrayList<>();
        private final StringBuilder word = new StringBuilder();
        private boolean inWord;
        /** The current word so far consists of unquoted characters only (for NAME= and 2> checks). */
        private boolean unquotedSoFar = true;
        private String redirect;
        private boolean readingRedirectTarget;

        Parser(String s) {
            this.s = s;
        }

        private ShellSyntaxException refuse(String what, int at) {
            return new ShellSyntaxException(what + " (at offset " + at + ")", at);
        }

        CommandLine parse() {
            int end = s.length();
            while (end > 0 && s.charAt(end - 1) == '\n') {
                end--;
            }
            while (i < end) {
                char c = s.charAt(i);
                switch (c) {
                    case ' ', '\t' -> {
                        finishWord();
                        i++;
                    }
                    case '\n' -> throw refuse("newline between commands is not supported", i);
                    case '\0' -> throw refuse("NUL character in command line", i);
                    case '\\' -> {
                        if (i + 1 >= end) {
                            throw refuse("backslash at end of command line", i);
                        }
                        char next = s.charAt(i + 1);
                        if (next != '\n') {
                            word.append(next);
                            inWord = true;
                            unquotedSoFar = false;
                        }
                        i += 2;
                    }
                    case '\'' -> singleQuoted(end);
                    case '"' -> doubleQuoted(end);
                    case '$' -> throw refuse("'$' expansion is not supported; quote it", i);
                    case '`' -> throw refuse("command substitution is not supported; quote it", i);
                    case ';', '|', '&', '<', '(', ')' ->
                            throw refuse("shell operator '" + c + "' is not supported; quote it", i);
                    case '*', '?', '[' -> throw refuse("glob character '" + c + "' is not supported; quote it", i);
                    case '{', '}', '!' -> throw refuse("'" + c + "' is not supported unquoted; quote it", i);
                    case '>' -> redirection(end);
                    case '~', '#' -> {
                        char before = i > 0 ? s.charAt(i - 1) : ' ';
                        if (!inWord || (c == '~' && (before == '=' || before == ':'))) {
                            throw refuse("'" + c + "' at the start of a word is not supported unquoted; quote it", i);
                        }
                        word.append(c);
                        i++;
                    }
                    case '=' -> {
                        if (words.isEmpty() && redirect == null && inWord && unquotedSoFar
                                && word.toString().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                            throw refuse("variable assignments are not supported", i);
                        }
                        word.append(c);
                        inWord = true;
                        i++;
                    }
                    default -> {
                        word.append(c);
                        inWord = true;
                        i++;
                    }
                }
            }
            finishWord();
            if (readingRedirectTarget) {
                throw refuse("redirection without a file name", s.length());
            }
            if (words.isEmpty()) {
                throw refuse("empty command line", 0);
            }
            return new CommandLine(words, Optional.ofNullable(redirect));
        }

        private void singleQuoted(int end) {
            int close = s.indexOf('\'', i + 1);
            if (close < 0 || close >= end) {
                throw refuse("unterminated single quote", i);
            }
            word.append(s, i + 1, close);
            inWord = true;
            unquotedSoFar = false;
            i = close + 1;
        }

        private void doubleQuoted(int end) {
            int start = i;
            i++;
            while (true) {
                if (i >= end) {
                    throw refuse("unterminated double quote", start);
                }
                char c = s.charAt(i);
                if (c == '"') {
                    i++;
                    break;
                }
                if (c == '$' || c == '`') {
                    throw refuse("expansion inside double quotes is not supported; use single quotes", i);
                }
                if (c == '\0') {
                    throw refuse("NUL character in command line", i);
                }
                if (c == '\\' && i + 1 < end) {
                    char next = s.charAt(i + 1);
                    if (next == '$' || next == '`' || next == '"' || next == '\\') {
                        word.append(next);
                        i += 2;
                        continue;
                    }
                    if (next == '\n') {
                        i += 2;
                        continue;
                    }
                }
                word.append(c);
                i++;
            }
            inWord = true;
            unquotedSoFar = false;
        }

        private void redirection(int end) {
            if (redirect != null || readingRedirectTarget) {
                throw refuse("only one redirection is supported", i);
            }
            if (inWord && unquotedSoFar && word.toString().matches("[0-9]+")) {
                throw refuse("file descriptor redirection is not supported", i);
            }
            if (i + 1 < end && (s.charAt(i + 1) == '>' || s.charAt(i + 1) == '&' || s.charAt(i + 1) == '|')) {
                throw refuse("redirection '>" + s.charAt(i + 1) + "' is not supported", i);
            }
            finishWord();
            readingRedirectTarget = true;
            i++;
        }

        private void finishWord() {
            if (!inWord) {
                return;
            }
            if (readingRedirectTarget) {
                redirect = word.toString();
                readingRedirectTarget = false;
            } else if (redirect != null) {
                throw refuse("words after a redirection are not supported", i);
            } else {
                words.add(word.toString());
            }
            word.setLength(0);
            inWord = false;
            unquotedSoFar = true;
        }
    }
}
