package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.TransportException;

/**
 * The SSH server offered a host key that is not trusted: it is not in {@code known_hosts} (or
 * differs from the pinned fingerprint), {@code known_hosts} holds a different key for the host, or
 * the key is marked {@code @revoked} there ({@link #reason()}).
 * Nothing was sent. The message and {@link #offeredFingerprint()} carry the offered key's
 * {@code SHA256:...} fingerprint, as {@code ssh-keygen -l} prints it, so an operator can compare it
 * with the host's {@code ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub}.
 */
public class HostKeyRejectedException extends TransportException {
    private static final long serialVersionUID = 1L;

    /** Why the key was refused. */
    public enum Reason {
        /** No trusted key is recorded for the host (or the pin does not match). */
        UNKNOWN,
        /** A different key is recorded for the host: possibly a man in the middle. */
        CHANGED,
        /**
         * The key is on an {@code @revoked} line of {@code known_hosts}: it was stolen or retired,
         * and whoever offers it may be impersonating the host.
         */
        REVOKED
    }

    private final String host;
    private final String offeredFingerprint;
    private final Reason reason;

    public HostKeyRejectedException(String host, String keyType, String offeredFingerprint, Reason reason, Throwable cause) {
        super(render(host, keyType, offeredFingerprint, reason), false, cause);
        this.host = host;
        this.offeredFingerprint = offeredFingerprint;
        this.reason = reason;
    }

    public String host() {
        return host;
    }

    /** {@code SHA256:<base64 without padding>} of the key the server offered. */
    public String offeredFingerprint() {
        return offeredFingerprint;
    }

    public Reason reason() {
        return reason;
    }

    private static String render(String host, String keyType, String fingerprint, Reason reason) {
        String what = switch (reason) {
            case CHANGED -> "host key for " + host + " has CHANGED (the trusted key differs); refusing to connect";
            // openssh-portable sshconnect.c check_host_key, HOST_REVOKED: "The %s host key for %s is marked as revoked."
            case REVOKED -> "the " + keyType + " host key for " + host + " is marked as revoked in known_hosts"
                    + " (a stolen key may be impersonating the host); refusing to connect";
            case UNKNOWN -> "host key for " + host + " is not trusted; refusing to connect";
        };
        return what + ". Offered " + keyType + " key fingerprint: " + fingerprint;
    }
}
