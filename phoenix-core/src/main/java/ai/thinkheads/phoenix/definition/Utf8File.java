package ai.thinkheads.phoenix.definition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads a definition file as UTF-8 (RFC 8259 section 8.1: JSON exchanged between systems is
 * UTF-8). Bytes that are not UTF-8 are a {@link DefinitionException} naming the file, the byte
 * offset, line and column of the first bad byte; a file that starts with a UTF-16 or UTF-32 byte
 * order mark is named as such. A UTF-8 byte order mark is skipped (RFC 8259 lets a parser ignore it).
 */
final class Utf8File {

    private Utf8File() {
    }

    /** The text of {@code file}; problems name it {@code sourceName}. */
    static String read(Path file, String sourceName) throws IOException {
        return decode(Files.readAllBytes(file), sourceName);
    }

    static String decode(byte[] bytes, String sourceName) {
        String bom = otherEncoding(bytes);
        if (bom != null) {
            throw new DefinitionException(sourceName, List.of(new DefinitionProblem("$", 1, 1,
                    "the file is " + bom + ", with a byte order mark, not UTF-8; save it as UTF-8")));
        }
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF
                ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw notUtf8(bytes, in.position(), result.length(), sourceName);
        }
        out.flip();
        return out.toString();
    }

    private static DefinitionException notUtf8(byte[] bytes, int offset, int length, String sourceName) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = 1;
        for (int i = lineStart; i < offset; i++) {
            if ((bytes[i] & 0xC0) != 0x80) {
                column++; // one character per lead byte; continuation bytes belong to the one before
            }
        }
        StringBuilder shown = new StringBuilder();
        for (int i = offset; i < Math.min(bytes.length, offset + Math.max(1, length)); i++) {
            shown.append(shown.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "0x%02X", bytes[i] & 0xFF));
        }
        String what = length > 1 ? "bytes " + shown : "byte " + shown;
        return new DefinitionException(sourceName, List.of(new DefinitionProblem("$", line, column,
                "the file is not UTF-8: " + what + " at byte offset " + offset + " (line " + line + ", column " + column
                        + ") is not valid UTF-8; save the file as UTF-8")));
    }

    /** The encoding a byte order mark at the start names, if it is not UTF-8's. */
    private static String otherEncoding(byte[] b) {
        int b0 = b.length > 0 ? b[0] & 0xFF : -1;
        int b1 = b.length > 1 ? b[1] & 0xFF : -1;
        int b2 = b.length > 2 ? b[2] & 0xFF : -1;
        int b3 = b.length > 3 ? b[3] & 0xFF : -1;
        if (b0 == 0xFF && b1 == 0xFE && b2 == 0 && b3 == 0) {
            return "UTF-32 (little-endian)";
        }
        if (b0 == 0 && b1 == 0 && b2 == 0xFE && b3 == 0xFF) {
            return "UTF-32 (big-endian)";
        }
        if (b0 == 0xFF && b1 == 0xFE) {
            return "UTF-16 (little-endian)";
        }
        if (b0 == 0xFE && b1 == 0xFF) {
            return "UTF-16 (big-endian)";
        }
        return null;
    }
}
