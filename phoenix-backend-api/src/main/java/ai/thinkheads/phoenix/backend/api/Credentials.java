package ai.thinkheads.phoenix.backend.api;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * How {@link ProxmoxApi} proves who it is: an API token, or a user's password (optionally with a
 * TOTP second factor) exchanged for a session ticket.
 *
 * <pre>{@code
 * // an API token (Datacenter > Permissions > API Tokens); no CSRF token, no session
 * Credentials.apiToken("phoenix@pve!deploy", Secret.of(tokenSecret));
 *
 * // a password: POST /access/ticket, then the PVEAuthCookie cookie and the CSRFPreventionToken
 * // header on writes; the ticket is renewed before its two hours run out
 * Credentials.password("root@pam", Secret.of(password));
 *
 * // with TOTP: asked for a fresh code at every full login
 * Credentials.password("admin@pve", Secret.of(password)).withTotp(() -> Secret.of(totp.now()));
 * }</pre>
 *
 * {@link #toString()} shows the user or token id, never a secret.
 */
public final class Credentials {

    /** {@code USER@REALM!TOKENID} (pve-access-control {@code PVE::AccessControl::pve_verify_tokenid}). */
    private static final Pattern TOKEN_ID = Pattern.compile("^[^\\s:@!]+@[A-Za-z][A-Za-z0-9.\\-_]+![A-Za-z][A-Za-z0-9.\\-_]+$");
    private static final Pattern USER_ID = Pattern.compile("^[^\\s:@!/]+@[A-Za-z][A-Za-z0-9.\\-_]+$");

    private final String principal;
    private final Secret secret;
    private final boolean token;
    private final Supplier<Secret> totp;

    private Credentials(String principal, Secret secret, boolean token, Supplier<Secret> totp) {
        this.principal = principal;
        this.secret = secret;
        this.token = token;
        this.totp = totp;
    }

    /** An API token: {@code tokenId} is {@code USER@REALM!TOKENID}, {@code secret} the token's UUID. */
    public static Credentials apiToken(String tokenId, Secret secret) {
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(secret, "secret");
        if (!TOKEN_ID.matcher(tokenId).matches()) {
            throw new IllegalArgumentException("tokenId must look like USER@REALM!TOKENID, got '" + tokenId + "'");
        }
        return new Credentials(tokenId, secret, true, null);
    }

    /** A user ({@code USER@REALM}, e.g. {@code root@pam}) and password, exchanged for a ticket. */
    public static Credentials password(String user, Secret password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (!USER_ID.matcher(user).matches()) {
            throw new IllegalArgumentException("user must look like USER@REALM, got '" + user + "'");
        }
        return new Credentials(user, password, false, null);
    }

    /**
     * The same password credentials with a TOTP second factor; {@code codes} is asked for a fresh
     * code whenever a full login is needed (ticket renewals need none).
     */
    public Credentials withTotp(Supplier<Secret> codes) {
        Objects.requireNonNull(codes, "codes");
        if (token) {
            throw new IllegalStateException("API tokens take no second factor");
        }
        return new Credentials(principal, secret, false, codes);
    }

    /** The user ({@code root@pam}) or token id ({@code root@pam!deploy}). */
    public String principal() {
        return principal;
    }

    public boolean isApiToken() {
        return token;
    }

    Secret secret() {
        return secret;
    }

    Optional<Supplier<Secret>> totp() {
        return Optional.ofNullable(totp);
    }

    @Override
    public String toString() {
        return token ? "Credentials[token " + principal + "]"
                : "Credentials[password " + principal + (totp != null ? " + TOTP" : "") + "]";
    }
}
