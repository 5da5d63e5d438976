package ai.thinkheads.phoenix.hypervisor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one home of secrets in text meant for people: which config values are secrets, and the
 * scrubbing of secret values out of messages and logs.
 *
 * <p>A secret can come back from a node in another spelling than it was sent: URL-encoded (how
 * qm.pm passes {@code sshkeys} on, how a form body carries it) or JSON-escaped (how
 * {@code pvesh}/{@code qm guest exec} print strings). {@link #redact} replaces every one of these
 * forms:
 * <ul>
 *   <li>the value itself;</li>
 *   <li>URL-encoded as Perl's {@code URI::Escape::uri_escape} does (everything but
 *       {@code A-Za-z0-9-._~} as {@code %XX}), in upper- and lower-case hex, and as an HTML form
 *       encodes it ({@code +} for a space, {@link URLEncoder});</li>
 *   <li>JSON-escaped as Jackson and Perl's {@code JSON} write a string (quotes, backslashes,
 *       control characters), with {@code /} also as {@code \/}, and with non-ASCII characters as
 *       {@code \}{@code uXXXX} escapes in either case (Perl {@code JSON->ascii}).</li>
 * </ul>
 */
public final class SensitiveValues {

    /** Config keys whose values are secrets: the cloud-init password. */
    public static final Set<String> KEYS = Set.of("cipassword");

    /** What stands in for a secret in logs and messages. */
    public static final String REDACTED = "<redacted>";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper JSON_ASCII = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private SensitiveValues() {
    }

    /** {@code values} sorted by key, each secret key's value shown as {@code ***}. */
    public static Map<String, String> masked(Map<String, String> values) {
        Map<String, String> out = new TreeMap<>(values);
        out.replaceAll((k, v) -> KEYS.contains(k) ? "***" : v);
        return out;
    }

    /**
     * {@code text} with every occurrence of every secret, in every form listed above, replaced by
     * {@value #REDACTED}; the longest forms first, so a secret that contains another is replaced
     * whole. Null stays null; empty secrets are ignored.
     */
    public static String redact(String text, Collection<String> secrets) {
        if (text == null || text.isEmpty() || secrets.isEmpty()) {
            return text;
        }
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                forms.addAll(forms(secret));
            }
        }
        String out = text;
        for (String form : forms.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            out = out.replace(form, REDACTED);
        }
        return out;
    }

    /** The spellings of {@code secret} that {@link #redact} replaces. */
    static Set<String> forms(String secret) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(secret);
        String uri = uriEscape(secret);
        forms.add(uri);
        forms.add(lowerHexEscapes(uri, '%', 2));
        forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
        String json = jsonBody(JSON, secret);
        forms.add(json);
        forms.add(json.replace("/", "\\/"));
        String ascii = jsonBody(JSON_ASCII, secret);
        for (String a : List.of(ascii, lowerUnicodeEscapes(ascii))) {
            forms.add(a);
            forms.add(a.replace("/", "\\/"));
        }
        forms.remove("");
        return forms;
    }

    /** Perl {@code URI::Escape::uri_escape}: UTF-8 bytes, all but {@code A-Za-z0-9-._~} as {@code %XX}. */
    static String uriEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }

    private static String jsonBody(ObjectMapper mapper, String s) {
        try {
            String quoted = mapper.writeValueAsString(s);
            return quoted.substring(1, quoted.length() - 1);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string is always JSON", e);
        }
    }

    /** {@code %AB} → {@code %ab}. */
    private static String lowerHexEscapes(String s, char marker, int digits) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c);
            if (c == marker && i + digits < s.length()) {
                out.append(s.substring(i + 1, i + 1 + digits).toLowerCase(Locale.ROOT));
                i += digits;
            }
        }
        return out.toString();
    }

    /** {@code \}{@code u00E9} → {@code \}{@code u00e9}, leaving other escapes alone. */
    private static String lowerUnicodeEscapes(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(i + 1);
                out.append(c).append(next);
                if (next == 'u' && i + 5 < s.length()) {
                    out.append(s.substring(i + 2, i + 6).toLowerCase(Locale.ROOT));
                    i += 4;
                }
                i++;
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }
}
