package ai.thinkheads.phoenix.backend.api;

import ai.thinkheads.phoenix.hypervisor.TransportException;

/**
 * The server's TLS certificate was refused by the configured {@link TlsTrust}: unknown CA, expired,
 * wrong host name, or not the pinned one. The message and {@link #offeredFingerprint()} give the
 * SHA-256 fingerprint the server offered, in the colon-separated upper-case form Proxmox shows, so
 * it can be compared with the node's certificate and pinned. No request was sent.
 */
public class UntrustedCertificateException extends TransportException {
    private static final long serialVersionUID = 1L;

    private final String offeredFingerprint;

    public UntrustedCertificateException(String message, String offeredFingerprint, Throwable cause) {
        super(message, false, cause);
        this.offeredFingerprint = offeredFingerprint;
    }

    /** The SHA-256 fingerprint of the certificate the server offered, {@code AB:CD:...}. */
    public String offeredFingerprint() {
        return offeredFingerprint;
    }
}
