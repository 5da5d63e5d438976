package ai.thinkheads.phoenix.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The value of the cloud-init option {@code sshkeys}: public keys, one per line, URL-encoded
 * (format {@code urlencoded}). Encoding is Perl's {@code URI::Escape::uri_escape}, which
 * {@code qm} uses ({@code src/PVE/CLI/qm.pm $ssh_key_map}): every byte outside
 * {@code A-Za-z0-9-._~} becomes {@code %XX} (so a space is {@code %20}, never {@code +}).
 * Decoding is {@code uri_unescape} and the split is {@code Cloudinit.pm}'s {@code /\s*\n\s*}/.
 *
 * @param keys OpenSSH public keys ({@code ssh-ed25519 AAAA... comment}), one line each
 */
public record SshKeys(List<String> keys) {

    private static final Pattern KEY = Pattern.compile("^(?:ssh-|ecdsa-|sk-)[a-z0-9@.\\-]+ [A-Za-z0-9+/]+={0,3}(?: [^\\r\\n]*)?$");

    public SshKeys {
        keys = List.copyOf(keys);
        for (String k : keys) {
            if (!isPublicKey(k)) {
                throw new PropertyStringException("sshkeys: not an OpenSSH public key line: '" + abbreviate(k) + "'");
            }
        }
    }

    /** Whether {@code line} looks like one OpenSSH public key ({@code type base64 [comment]}, no surrounding space). */
    public static boolean isPublicKey(String line) {
        return line != null && KEY.matcher(line).matches() && line.equals(line.strip());
    }

    public static SshKeys of(String... keys) {
        return new SshKeys(List.of(keys));
    }

    /** Reads the stored, URL-encoded value. */
    public static SshKeys parse(String encoded) {
        // pve_verify_urlencoded
        if (!encoded.matches("[-%a-zA-Z0-9_.!~*'()]*")) {
            throw new PropertyStringException("invalid urlencoded string: " + abbreviate(encoded));
        }
        String text = decode(encoded);
        List<String> out = new ArrayList<>();
        for (String line : text.split("\\s*\\n\\s*")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return new SshKeys(out);
    }

    /** The URL-encoded value to send/store. */
    public String format() {
        return encode(String.join("\n", keys));
    }

    /** The keys as plain text, one per line. */
    public String plainText() {
        return String.join("\n", keys);
    }

    @Override
    public String toString() {
        return format();
    }

    static String encode(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    static String decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c); // only ASCII reaches here (checked by parse)
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
