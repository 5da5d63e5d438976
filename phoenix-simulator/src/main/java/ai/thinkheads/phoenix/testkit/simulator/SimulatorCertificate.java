package ai.thinkheads.phoenix.testkit.simulator;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A TLS certificate and key for the simulator (or a test's own server), generated at start: by
 * default self-signed for {@code 127.0.0.1} and {@code localhost}, valid from an hour ago for a
 * year; optionally signed by another {@code SimulatorCertificate} acting as a CA (like a cluster's
 * {@code pve-root-ca.pem} signing each node's {@code pve-ssl.pem}), or already expired.
 *
 * <p>{@link #sha256Fingerprint()} is in the form Proxmox shows on its certificate page
 * ({@code AB:CD:...}, upper-case hex), which is what a client pins.
 */
public final class SimulatorCertificate {

    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final X509Certificate[] chain;

    private SimulatorCertificate(KeyPair keyPair, X509Certificate certificate, X509Certificate[] chain) {
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.chain = chain;
    }

    /** A self-signed server certificate for loopback, valid now and for a year. */
    public static SimulatorCertificate selfSigned() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the DER certificate, colon-separated upper-case hex. */
    public String sha256Fingerprint() {
        return fingerprint(certificate);
    }

    /** The fingerprint of any certificate in the form {@link #sha256Fingerprint()} uses. */
    public static String fingerprint(X509Certificate cert) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate as PEM, e.g. to hand a client as its trusted CA. */
    public String certificatePem() {
        try {
            StringWriter w = new StringWriter();
            w.write("-----BEGIN CERTIFICATE-----\n");
            w.write(Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded()));
            w.write("\n-----END CERTIFICATE-----\n");
            return w.toString();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An SSL context that presents this certificate (and its chain) as a server. */
    public SSLContext serverContext() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "simulator".toCharArray();
            ks.setKeyEntry("server", keyPair.getPrivate(), pw, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the simulator's TLS context", e);
        }
    }

    @Override
    public String toString() {
        return "SimulatorCertificate[" + certificate.getSubjectX500Principal().getName() + ", SHA-256 " + sha256Fingerprint() + "]";
    }

    /** Builds a certificate; every setting has a loopback-friendly default. */
    public static final class Builder {
        private String commonName = "localhost";
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(365));
        private SimulatorCertificate issuer;
        private boolean ca;

        private Builder() {
        }

        public Builder commonName(String cn) {
            this.commonName = cn;
            return this;
        }

        public Builder validity(Instant from, Instant until) {
            if (!from.isBefore(until)) {
                throw new IllegalArgumentException("validity: notBefore must precede notAfter");
            }
            this.notBefore = from;
            this.notAfter = until;
            return this;
        }

        /** Valid from two days ago until yesterday. */
        public Builder expired() {
            return validity(Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)));
        }

        /** Sign with {@code ca} instead of self-signing. */
        public Builder signedBy(SimulatorCertificate ca) {
            this.issuer = ca;
            return this;
        }

        /** Make this a CA certificate (basic constraints CA:true). */
        public Builder certificateAuthority() {
            this.ca = true;
            return this;
        }

        public SimulatorCertificate build() {
            try {
                KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
                gen.initialize(256);
                KeyPair kp = gen.generateKeyPair();
                X500Name subject = new X500Name("CN=" + commonName + ",O=Phoenix PVE simulator");
                X500Name issuerName = issuer == null ? subject
                        : X500Name.getInstance(issuer.certificate.getSubjectX500Principal().getEncoded());
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                        new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                        Date.from(notBefore), Date.from(notAfter), subject, kp.getPublic());
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
                if (!ca) {
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.dNSName, commonName.toLowerCase(Locale.ROOT))}));
                }
                KeyPair signer = issuer == null ? kp : issuer.keyPair;
                ContentSigner cs = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
                X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(cs));
                X509Certificate[] chain = issuer == null ? new X509Certificate[] {cert}
                        : new X509Certificate[] {cert, issuer.certificate};
                return new SimulatorCertificate(kp, cert, chain);
            } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
                throw new IllegalStateException("cannot generate a certificate", e);
            }
        }
    }
}
