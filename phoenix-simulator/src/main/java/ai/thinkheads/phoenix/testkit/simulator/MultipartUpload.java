package ai.thinkheads.phoenix.testkit.simulator;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes a {@code multipart/form-data} upload apart the way pveproxy does (pve-http-server
 * {@code PVE/APIServer/AnyEvent.pm} {@code file_upload_multipart}), which is stricter than the
 * format allows:
 * <ol>
 *   <li>everything before the first delimiter is dropped;</li>
 *   <li>the form fields {@code content}, {@code checksum-algorithm} and {@code checksum} are
 *       looked for in that order, each from the current position (so a field sent out of that
 *       order is swallowed with the part before it); each must be {@code form-data};</li>
 *   <li>then the file part, whose header must read
 *       {@code Content-Disposition: form-data; name="filename"; filename="<name>"}: the field name
 *       must be {@code filename} ({@code wrong field name '...' for file upload, expected
 *       'filename'}), and the {@code filename} parameter is the (trimmed) file name;</li>
 *   <li>the file's bytes run to the closing delimiter, without the newline before it.</li>
 * </ol>
 * A body in which no file part is found is {@code upload failed}. Errors are pveproxy's 500s.
 */
final class MultipartUpload {

    /** The form fields found (content, checksum-algorithm, checksum, filename) and the file. */
    record Parsed(Map<String, String> fields, byte[] file) {
    }

    /** A refusal, with pveproxy's message. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static final String NEWLINE = "\\r?\\n";

    private MultipartUpload() {
    }

    /** pve-http-server {@code parse_content_type}: the boundary, or null. */
    static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split("\\s*[;,]\\s*");
        if (!parts[0].strip().equals("multipart/form-data")) {
            return null;
        }
        for (int i = 1; i < parts.length; i++) {
            Matcher m = Pattern.compile("^\\s*boundary\\s*=\\s*(\\S+?)\\s*$").matcher(parts[i]);
            if (m.matches()) {
                return m.group(1);
            }
        }
        return null;
    }

    static Parsed parse(byte[] body, String boundary) throws Refused {
        // ISO-8859-1 maps every byte to one char and back, so the regexes see the bytes
        String buf = new String(body, StandardCharsets.ISO_8859_1);
        String delim = "--" + Pattern.quote(boundary) + NEWLINE;
        String close = "--" + Pattern.quote(boundary) + "--";
        Matcher first = Pattern.compile("^.*?(" + delim + ")", Pattern.DOTALL).matcher(buf);
        if (!first.find()) {
            throw new Refused("upload failed");
        }
        buf = buf.substring(first.start(1));
        Map<String, String> fields = new LinkedHashMap<>();
        for (String name : List.of("content", "checksum-algorithm", "checksum")) {
            Matcher m = Pattern.compile("^" + delim + ".*?Content-Disposition: (.*?); name=\"" + Pattern.quote(name)
                    + "\"(.*?" + delim + ")", Pattern.DOTALL).matcher(buf);
            if (m.find()) {
                assertFormData(m.group(1));
                buf = removeUntilData(m.group(2) + buf.substring(m.end()));
                Matcher value = Pattern.compile("^(.*?)(" + delim + ")", Pattern.DOTALL).matcher(buf);
                if (value.find()) {
                    fields.put(name, trim(value.group(1)));
                    buf = buf.substring(value.start(2));
                }
            }
        }
        Matcher file = Pattern.compile("^" + delim + "Content-Disposition: (.*?); name=\"(.*?)\"; filename=\"([^\"]+)\"",
                Pattern.DOTALL).matcher(buf);
        if (!file.find()) {
            throw new Refused("upload failed");
        }
        assertFormData(file.group(1));
        if (!file.group(2).equals("filename")) {
            throw new Refused("wrong field name '" + file.group(2) + "' for file upload, expected 'filename'");
        }
        fields.put("filename", trim(new String(file.group(3).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)));
        buf = removeUntilData(buf.substring(file.end()));
        Matcher data = Pattern.compile("^(.*?)(?:" + NEWLINE + ")?+" + close + ".*$", Pattern.DOTALL).matcher(buf);
        if (!data.find()) {
            throw new Refused("upload failed");
        }
        byte[] bytes = data.group(1).getBytes(StandardCharsets.ISO_8859_1);
        return new Parsed(fields, bytes);
    }

    private static void assertFormData(String disposition) throws Refused {
        if (!disposition.equals("form-data")) {
            throw new Refused("wrong Content-Disposition '" + disposition + "' in multipart, expected 'form-data'");
        }
    }

    /** Drops any remaining part headers (Content-Type, Content-Length) up to the blank line. */
    private static String removeUntilData(String buf) {
        return buf.replaceFirst("(?s)^.*?(?:" + NEWLINE + "){2}", "");
    }

    /** PVE::Tools::trim. */
    private static String trim(String s) {
        return s.replaceAll("^\\s+|\\s+$", "");
    }
}
