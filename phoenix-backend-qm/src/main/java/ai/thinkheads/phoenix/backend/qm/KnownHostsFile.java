package ai.thinkheads.phoenix.backend.qm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An OpenSSH {@code known_hosts} file, read and matched as OpenSSH's client does
 * (openssh-portable {@code hostfile.c} {@code hostkeys_foreach}, {@code match_maybe_hashed},
 * {@code check_hostkeys_by_key_or_type}, {@code check_key_not_revoked}; {@code match.c}
 * {@code match_hostname}, {@code match_pattern_list}, {@code match_pattern}):
 * <ul>
 *   <li>blank lines and lines starting with {@code #} (after blanks) are skipped;</li>
 *   <li>a line may start with the marker {@code @revoked} or {@code @cert-authority}; any other
 *       {@code @...} makes the line invalid (skipped);</li>
 *   <li>the host field is either one hashed name {@code |1|base64(salt)|base64(HMAC-SHA1(salt,
 *       name))} ({@code ssh-keygen -H}), or a comma-separated pattern list: {@code *} matches any
 *       run of characters, {@code ?} one character, a pattern starting with {@code !} is negated,
 *       and a negated pattern that matches makes the whole line not apply, whatever else matches
 *       (so {@code *.example.org,!bastion.example.org} leaves the bastion out); matching ignores
 *       case;</li>
 *   <li>the name looked up is the host, or {@code [host]:port} when the port is not 22, as the
 *       client writes it ({@code put_host_port});</li>
 *   <li>among the plain (unmarked) lines that apply, an equal key is {@link Verdict#OK}; if only
 *       other keys are there, {@link Verdict#CHANGED}; if none, {@link Verdict#UNKNOWN}; and
 *       whatever that gives, a key listed on an applying {@code @revoked} line is
 *       {@link Verdict#REVOKED}. {@code @cert-authority} lines do not vouch for plain keys
 *       (Phoenix does not use host certificates).</li>
 * </ul>
 * The file is read again at each check, so edits apply to the next connection.
 */
final class KnownHostsFile {

    /** How a key offered for a host compares with the file. */
    enum Verdict {
        OK, UNKNOWN, CHANGED, REVOKED
    }

    private enum Marker {
        NONE, REVOKED, CERT_AUTHORITY
    }

    /** One valid line: its marker, host field and key blob. */
    private record Entry(Marker marker, String hosts, String keyType, byte[] key, int line) {
    }

    private final Path file;

    KnownHostsFile(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The name OpenSSH looks up for {@code host} on {@code port}: {@code host} or {@code [host]:port}. */
    static String lookupName(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        return port == 22 ? h : "[" + h + "]:" + port;
    }

    /** The verdict for {@code key} (an SSH public key blob) offered by {@code name} (see {@link #lookupName}). */
    Verdict check(String name, byte[] key) {
        name = name.toLowerCase(Locale.ROOT);
        Verdict verdict = Verdict.UNKNOWN;
        boolean revoked = false;
        for (Entry e : applying(name)) {
            boolean same = MessageDigest.isEqual(e.key(), key);
            switch (e.marker()) {
                case REVOKED -> revoked |= same;
                case NONE -> {
                    if (same) {
                        verdict = Verdict.OK;
                    } else if (verdict != Verdict.OK) {
                        verdict = Verdict.CHANGED;
                    }
                }
                case CERT_AUTHORITY -> {
                    // a CA vouches for certificates only
                }
            }
        }
        return revoked ? Verdict.REVOKED : verdict;
    }

    /** The key blobs of the plain lines that apply to {@code name}, with their types (for algorithm preference). */
    List<byte[]> trustedKeys(String name) {
        name = name.toLowerCase(Locale.ROOT);
        List<byte[]> keys = new ArrayList<>();
        List<Entry> entries = applying(name);
        for (Entry e : entries) {
            if (e.marker() == Marker.NONE && entries.stream().noneMatch(
                    r -> r.marker() == Marker.REVOKED && MessageDigest.isEqual(r.key(), e.key()))) {
                keys.add(e.key());
            }
        }
        return keys;
    }

    private List<Entry> applying(String name) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : read()) {
            if (matchesMaybeHashed(name, e.hosts())) {
                out.add(e);
            }
        }
        return out;
    }

    private List<Entry> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("known_hosts " + file + ": " + e.getMessage(), e);
        }
        List<Entry> entries = new ArrayList<>();
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = stripLeading(raw);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Marker marker = Marker.NONE;
            if (line.startsWith("@")) {
                String word = firstWord(line);
                if (word.equals("@revoked")) {
                    marker = Marker.REVOKED;
                } else if (word.equals("@cert-authority")) {
                    marker = Marker.CERT_AUTHORITY;
                } else {
                    continue; // hostfile.c check_markers: MRK_ERROR, the line is skipped
                }
                line = stripLeading(line.substring(word.length()));
            }
            String[] fields = line.split("[ \\t]+");
            if (fields.length < 3) {
                continue;
            }
            byte[] blob;
            try {
                blob = Base64.getDecoder().decode(fields[2]);
            } catch (IllegalArgumentException e) {
                continue; // not a key: hostfile.c marks the line invalid
            }
            if (!fields[1].equals(typeOf(blob))) {
                continue;
            }
            entries.add(new Entry(marker, fields[0], fields[1], blob, number));
        }
        return entries;
    }

    /** The key type inside an SSH public key blob (its first string), or "" if there is none. */
    static String typeOf(byte[] blob) {
        if (blob.length < 4) {
            return "";
        }
        int len = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
        if (len <= 0 || len > 64 || len > blob.length - 4) {
            return "";
        }
        return new String(blob, 4, len, StandardCharsets.US_ASCII);
    }

    private static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return s.substring(i);
    }

    private static String firstWord(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
            i++;
        }
        return s.substring(0, i);
    }

    /** hostfile.c {@code match_maybe_hashed}: a hashed name compares by HMAC, else {@link #matchHostname} == 1. */
    static boolean matchesMaybeHashed(String name, String hosts) {
        if (hosts.startsWith("|")) {
            return hashedNameMatches(name, hosts);
        }
        return matchHostname(name, hosts) == 1;
    }

    /** {@code |1|salt|hash}: HMAC-SHA1 keyed by the salt over the name (hostfile.c {@code host_hash}). */
    private static boolean hashedNameMatches(String name, String hashed) {
        String[] parts = hashed.split("\\|", -1);
        if (parts.length != 4 || !parts[0].isEmpty() || !parts[1].equals("1")) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            return MessageDigest.isEqual(expected, mac.doFinal(name.getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * match.c {@code match_hostname}: the host lower-cased against a comma-separated pattern list
     * ({@code match_pattern_list} with {@code dolower}): 1 if a pattern matched, -1 if a negated
     * pattern matched (which wins at once), 0 otherwise.
     */
    static int matchHostname(String host, String patterns) {
        String s = host.toLowerCase(Locale.ROOT);
        boolean positive = false;
        int i = 0;
        int len = patterns.length();
        while (i < len) {
            boolean negated = patterns.charAt(i) == '!';
            if (negated) {
                i++;
            }
            int comma = patterns.indexOf(',', i);
            int end = comma < 0 ? len : comma;
            String sub = patterns.substring(i, end).toLowerCase(Locale.ROOT);
            i = comma < 0 ? len : comma + 1;
            if (sub.length() >= 1023) {
                return 0; // match.c: a subpattern too long is no match at all
            }
            if (matchPattern(s, sub)) {
                if (negated) {
                    return -1;
                }
                positive = true;
            }
        }
        return positive ? 1 : 0;
    }

    /** match.c {@code match_pattern}: {@code *} any run (possibly empty), {@code ?} any one character. */
    static boolean matchPattern(String s, String pattern) {
        int si = 0;
        int pi = 0;
        int starP = -1;
        int starS = 0;
        while (si < s.length()) {
            if (pi < pattern.length() && (pattern.charAt(pi) == '?' || pattern.charAt(pi) == s.charAt(si))) {
                si++;
                pi++;
            } else if (pi < pattern.length() && pattern.charAt(pi) == '*') {
                starP = pi++;
                starS = si;
            } else if (starP >= 0) {
                pi = starP + 1;
                si = ++starS;
            } else {
                return false;
            }
        }
        while (pi < pattern.length() && pattern.charAt(pi) == '*') {
            pi++;
        }
        return pi == pattern.length();
    }

    @Override
    public String toString() {
        return "known_hosts " + file;
    }
}
