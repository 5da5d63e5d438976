package ai.thinkheads.phoenix.backend.qm;

/**
 * Text a node printed, made safe to show: what goes into an exception message or a log line must
 * not drive the terminal that shows it. Remote output can carry terminal escape sequences
 * ({@code ESC [ 2 J}, OSC 52 clipboard writes, cursor moves) and bidirectional-override characters
 * that make a message read differently than it is; each such character becomes a visible escape
 * ({@code \x1b}, {@code \u202e}). Line feeds and tabs stay; a carriage return stays only as part
 * of a CR LF line end, which becomes LF.
 */
final class RemoteText {

    private RemoteText() {
    }

    /** {@code text} with control and bidi-override characters written as escapes; null stays null. */
    static String printable(String text) {
        if (text == null) {
            return null;
        }
        String in = text.replace("\r\n", "\n");
        StringBuilder out = null;
        for (int i = 0; i < in.length(); i++) {
            char c = in.charAt(i);
            String escape = escape(c);
            if (escape != null && out == null) {
                out = new StringBuilder(in.length() + 16).append(in, 0, i);
            }
            if (out != null) {
                out.append(escape != null ? escape : String.valueOf(c));
            }
        }
        return out == null ? in : out.toString();
    }

    /** {@code text} as one line: like {@link #printable}, with line feeds and tabs escaped too. */
    static String oneLine(String text) {
        String p = printable(text);
        return p == null ? null : p.replace("\n", "\\x0a").replace("\t", "\\x09");
    }

    private static String escape(char c) {
        if (c == '\n' || c == '\t') {
            return null;
        }
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
            return String.format("\\x%02x", (int) c);
        }
        // bidi embeddings and overrides, isolates, and the line/paragraph separators
        if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029
                || c == 0x200e || c == 0x200f || c == 0x061c) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}
