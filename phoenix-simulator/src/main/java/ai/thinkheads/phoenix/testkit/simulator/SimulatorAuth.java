package ai.thinkheads.phoenix.testkit.simulator;

import ai.thinkheads.phoenix.hypervisor.TimeSource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may call the simulator, and the tickets it hands out — shaped like PVE's:
 * <ul>
 *   <li>users with passwords ({@code root@pam}); {@code POST /access/ticket} returns a ticket
 *       {@code PVE:<user>:<HEXTIME>::<signature>} and a CSRF token {@code <HEXTIME>:<signature>}
 *       (pve-common {@code PVE::Ticket}); the ticket lives two hours (pve-access-control
 *       {@code $ticket_lifetime}) and may be renewed by sending it as the password;</li>
 *   <li>API tokens {@code <user>!<tokenid>} with a UUID secret, sent as
 *       {@code Authorization: PVEAPIToken=<user>!<tokenid>=<secret>}; tokens need no CSRF token
 *       (pve-manager {@code PVE/HTTPServer.pm} auth_handler).</li>
 * </ul>
 * Time comes from a {@link TimeSource}, so tests can let tickets expire without waiting. Secrets
 * never appear in {@link #toString()}.
 */
public final class SimulatorAuth {

    /** PVE's ticket lifetime (pve-access-control {@code PVE::AccessControl}: 2 hours). */
    public static final Duration TICKET_LIFETIME = Duration.ofHours(2);

    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final java.util.Set<String> readOnly = ConcurrentHashMap.newKeySet();
    private final Map<String, String> otpSecrets = new ConcurrentHashMap<>();
    private final byte[] key = new byte[32];
    private final TimeSource time;

    public SimulatorAuth(TimeSource time) {
        this.time = Objects.requireNonNull(time, "time");
        new SecureRandom().nextBytes(key);
    }

    /** Adds (or replaces) a user with a password, e.g. {@code root@pam}. */
    public SimulatorAuth user(String userId, String password) {
        checkUserId(userId);
        passwords.put(userId, Objects.requireNonNull(password, "password"));
        return this;
    }

    /** Requires a one-time code for {@code userId}: the code accepted is {@code otp}. */
    public SimulatorAuth requireOtp(String userId, String otp) {
        otpSecrets.put(userId, otp);
        return this;
    }

    /** Adds an API token {@code userId!tokenName} and returns its secret. */
    public String addToken(String userId, String tokenName) {
        String secret = UUID.randomUUID().toString();
        tokens.put(userId + "!" + tokenName, secret);
        return secret;
    }

    /**
     * Adds an API token that may only read (a privilege-separated token with an audit role, as
     * operators hand to monitoring): every write is refused with 403. Returns its secret.
     */
    public String addReadOnlyToken(String userId, String tokenName) {
        String secret = addToken(userId, tokenName);
        readOnly.add(userId + "!" + tokenName);
        return secret;
    }

    /** Whether {@code userId} (a user or token id) may only read. */
    public boolean isReadOnly(String userId) {
        return readOnly.contains(userId);
    }

    /** A login: the ticket and CSRF token to return, or empty when the credentials are wrong. */
    public Optional<Login> login(String username, String password, String otp) {
        if (username == null || password == null) {
            return Optional.empty();
        }
        String userId = username.contains("@") ? username : username + "@pam";
        boolean ok;
        if (password.startsWith("PVE:")) {
            // renewal: a valid ticket for the same user serves as the password
            ok = verifyTicket(password).filter(userId::equals).isPresent();
        } else {
            ok = constantTimeEquals(passwords.get(userId), password);
            String required = otpSecrets.get(userId);
            if (ok && required != null && !required.equals(otp)) {
                ok = false;
            }
        }
        if (!ok) {
            return Optional.empty();
        }
        String stamp = hexTime();
        String ticket = "PVE:" + userId + ":" + stamp + "::" + sign("ticket:" + userId + ":" + stamp);
        String csrf = stamp + ":" + sign("csrf:" + stamp + ":" + userId);
        return Optional.of(new Login(userId, ticket, csrf));
    }

    /** The user a ticket belongs to, when its signature is good and it has not expired. */
    public Optional<String> verifyTicket(String ticket) {
        String[] parts = ticket == null ? new String[0] : ticket.split(":", -1);
        // PVE:<user>:<HEXTIME>::<sig>
        if (parts.length != 5 || !"PVE".equals(parts[0]) || !parts[3].isEmpty()) {
            return Optional.empty();
        }
        String userId = parts[1];
        String stamp = parts[2];
        if (!constantTimeEquals(sign("ticket:" + userId + ":" + stamp), parts[4]) || expired(stamp)) {
            return Optional.empty();
        }
        return Optional.of(userId);
    }

    /** Whether {@code token} is a valid CSRF prevention token for {@code userId}. */
    public boolean verifyCsrf(String userId, String token) {
        if (token == null) {
            return false;
        }
        int colon = token.indexOf(':');
        if (colon != 8) {
            return false;
        }
        String stamp = token.substring(0, colon);
        return constantTimeEquals(sign("csrf:" + stamp + ":" + userId), token.substring(colon + 1)) && !expired(stamp);
    }

    /**
     * The token id a {@code PVEAPIToken=<user>!<id>=<secret>} value authenticates (the server also
     * accepts a space after {@code PVEAPIToken}: pve-http-server {@code Formatter.pm}
     * extract_auth_value), or empty.
     */
    public Optional<String> verifyApiToken(String value) {
        int eq = value.lastIndexOf('=');
        if (eq <= 0) {
            return Optional.empty();
        }
        String tokenId = value.substring(0, eq);
        String secret = value.substring(eq + 1);
        return constantTimeEquals(tokens.get(tokenId), secret) ? Optional.of(tokenId) : Optional.empty();
    }

    @Override
    public String toString() {
        return "SimulatorAuth[users=" + passwords.keySet() + ", tokens=" + tokens.keySet() + "]";
    }

    /** A successful login. {@code toString} hides the ticket and CSRF token. */
    public record Login(String userId, String ticket, String csrfToken) {
        @Override
        public String toString() {
            return "Login[" + userId + ", ticket=<redacted>, csrf=<redacted>]";
        }
    }

    private boolean expired(String hexStamp) {
        long issued;
        try {
            issued = Long.parseLong(hexStamp, 16);
        } catch (NumberFormatException e) {
            return true;
        }
        long now = time.now().getEpochSecond();
        return now - issued > TICKET_LIFETIME.toSeconds() || issued - now > 300;
    }

    private String hexTime() {
        return String.format(Locale.ROOT, "%08X", time.now().getEpochSecond());
    }

    private String sign(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().withoutPadding().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean constantTimeEquals(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static void checkUserId(String userId) {
        if (userId == null || !userId.matches("[^\\s:/@!]+@[A-Za-z][A-Za-z0-9.\\-_]+")) {
            throw new IllegalArgumentException("userId: '" + userId + "' is not <user>@<realm>");
        }
    }
}
