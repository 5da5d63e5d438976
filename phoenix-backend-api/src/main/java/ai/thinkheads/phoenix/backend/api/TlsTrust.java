package ai.thinkheads.phoenix.backend.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which server certificates {@link ProxmoxApi} accepts.
 *
 * <pre>{@code
 * TlsTrust.system();                                   // the JVM's trust store (a public CA, ACME)
 * TlsTrust.customCa(Path.of("pve-root-ca.pem"));       // the cluster's own CA, /etc/pve/pve-root-ca.pem
 * TlsTrust.pinned("5B:7C:...:E1");                     // one node's certificate, as the GUI shows it
 * TlsTrust.insecureTrustAll();                         // anything at all: tests only, logged at WARN
 * }</pre>
 *
 * <p>A fresh Proxmox node serves a certificate signed by its cluster CA, which no JVM trusts. Either
 * give that CA ({@code customCa}, which also checks the host name) or pin the node's certificate by
 * its SHA-256 fingerprint ({@code pinned}: shown under <i>Node > System > Certificates</i>, or by
 * {@code openssl x509 -noout -fingerprint -sha256 -in /etc/pve/local/pve-ssl.pem}). A pin is the
 * identity, so the host name is not checked; the certificate's validity period still is.
 * Fingerprints may be written upper- or lower-case, with or without colons.
 *
 * <p>Whatever the mode, a refused certificate raises {@link UntrustedCertificateException}, whose
 * message states the fingerprint the server offered, ready to be checked and pinned.
 */
public final class TlsTrust {

    enum Mode { SYSTEM, CUSTOM_CA, PINNED, TRUST_ALL }

    private final Mode mode;
    private final List<X509Certificate> authorities;
    private final Set<String> pins;

    private TlsTrust(Mode mode, List<X509Certificate> authorities, Set<String> pins) {
        this.mode = mode;
        this.authorities = List.copyOf(authorities);
        this.pins = Set.copyOf(pins);
    }

    /** The JVM's default trust store, with host-name verification. The default. */
    public static TlsTrust system() {
        return new TlsTrust(Mode.SYSTEM, List.of(), Set.of());
    }

    /** Certificates signed by the CA(s) in {@code pemFile} (one or more PEM blocks), with host-name verification. */
    public static TlsTrust customCa(Path pemFile) {
        Objects.requireNonNull(pemFile, "pemFile");
        try {
            return customCa(Files.readString(pemFile, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CA certificate file " + pemFile, e);
        }
    }

    /** Like {@link #customCa(Path)}, from PEM text. */
    public static TlsTrust customCa(String pem) {
        Objects.requireNonNull(pem, "pem");
        List<X509Certificate> certs = new ArrayList<>();
        try {
            Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            for (Certificate c : parsed) {
                certs.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("no certificate found in the PEM text");
        }
        return new TlsTrust(Mode.CUSTOM_CA, certs, Set.of());
    }

    /**
     * Exactly the certificates with these SHA-256 fingerprints ({@code AB:CD:...} as Proxmox shows
     * them, or 64 hex digits). Several pins allow for a planned certificate change.
     */
    public static TlsTrust pinned(String... sha256Fingerprints) {
        Objects.requireNonNull(sha256Fingerprints, "sha256Fingerprints");
        if (sha256Fingerprints.length == 0) {
            throw new IllegalArgumentException("pin at least one fingerprint");
        }
        Set<String> pins = new LinkedHashSet<>();
        for (String fp : sha256Fingerprints) {
            pins.add(normalizeFingerprint(fp));
        }
        return new TlsTrust(Mode.PINNED, List.of(), pins);
    }

    /**
     * Accepts every certificate and host name: anyone on the path can read the credentials. For
     * throw-away test setups only; {@link ProxmoxApi.Builder#build()} logs a warning.
     */
    public static TlsTrust insecureTrustAll() {
        return new TlsTrust(Mode.TRUST_ALL, List.of(), Set.of());
    }

    Mode mode() {
        return mode;
    }

    /** Whether the host name must match the certificate (not for pins and trust-all). */
    boolean verifiesHostname() {
        return mode == Mode.SYSTEM || mode == Mode.CUSTOM_CA;
    }

    /** The trust manager for this mode, reporting refusals with the offered fingerprint. */
    X509TrustManager trustManager() {
        try {
            return switch (mode) {
                case SYSTEM -> new Reporting(pkix(null));
                case CUSTOM_CA -> {
                    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                    ks.load(null, null);
                    for (int i = 0; i < authorities.size(); i++) {
                        ks.setCertificateEntry("ca-" + i, authorities.get(i));
                    }
                    yield new Reporting(pkix(ks));
                }
                case PINNED -> new Pinned(pins);
                case TRUST_ALL -> new TrustAll();
            };
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager pkix(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X509TrustManager available");
    }

    /** {@code AB:CD:...}, upper case: the form Proxmox shows. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }

    static String normalizeFingerprint(String text) {
        Objects.requireNonNull(text, "fingerprint");
        String hex = text.strip().replace(":", "").toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint (32 bytes in hex, colons optional): '" + text + "'");
        }
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(hex));
    }

    @Override
    public String toString() {
        return switch (mode) {
            case SYSTEM -> "TlsTrust[system]";
            case CUSTOM_CA -> "TlsTrust[custom CA " + authorities.get(0).getSubjectX500Principal().getName() + "]";
            case PINNED -> "TlsTrust[pinned " + pins + "]";
            case TRUST_ALL -> "TlsTrust[INSECURE trust-all]";
        };
    }

    /** A refusal that knows the certificate it refused. */
    static final class CertificateRefusedException extends CertificateException {
        private static final long serialVersionUID = 1L;
        private final String offeredFingerprint;

        CertificateRefusedException(String reason, String offeredFingerprint, Throwable cause) {
            super(reason, cause);
            this.offeredFingerprint = offeredFingerprint;
        }

        String offeredFingerprint() {
            return offeredFingerprint;
        }
    }

    private static String leafFingerprint(X509Certificate[] chain) {
        return chain == null || chain.length == 0 ? "(no certificate)" : fingerprint(chain[0]);
    }

    private abstract static class ServerOnly implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not checked here");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static final class Reporting extends ServerOnly {
        private final X509TrustManager delegate;

        Reporting(X509TrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                throw new CertificateRefusedException(e.getMessage(), leafFingerprint(chain), e);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    private static final class Pinned extends ServerOnly {
        private final Set<String> pins;

        Pinned(Set<String> pins) {
            this.pins = pins;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            String offered = leafFingerprint(chain);
            if (!pins.contains(offered)) {
                throw new CertificateRefusedException("certificate does not match the pinned fingerprint", offered, null);
            }
            try {
                chain[0].checkValidity();
            } catch (CertificateException e) {
                throw new CertificateRefusedException("pinned certificate is outside its validity period ("
                        + e.getMessage() + ")", offered, e);
            }
        }
    }

    private static final class TrustAll extends ServerOnly {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // explicitly opted into: accepts anything
        }
    }
}
