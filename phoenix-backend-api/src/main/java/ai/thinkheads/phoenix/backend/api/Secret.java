package ai.thinkheads.phoenix.backend.api;

import java.util.Objects;

/**
 * A password, API token secret or session ticket. Its {@link #toString()} is always
 * {@code Secret[redacted]}, so a secret that ends up in a log line, an exception message or a
 * debugger's value view shows nothing; only {@link #reveal()} gives the value, and the backend calls
 * it at the one place the value goes on the wire.
 *
 * <pre>{@code
 * Secret token = Secret.of(System.getenv("PVE_TOKEN_SECRET"));
 * }</pre>
 *
 * Two secrets are equal when their values are; the hash code does not depend on the value.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Wraps {@code value}; throws for null or empty. */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("secret value must not be empty");
        }
        return new Secret(value);
    }

    /** The value itself. Put it on the wire, never into text meant for people. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && java.security.MessageDigest.isEqual(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                other.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return Secret.class.hashCode();
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
