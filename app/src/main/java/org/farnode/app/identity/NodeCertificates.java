package org.farnode.app.identity;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues and checks the self-signed certificates that carry node keys in TLS.
 *
 * <p>The certificate is only an envelope for the public key: peers trust a node by the
 * fingerprint of that key, not by names or dates in the certificate. It still says the truth
 * (subject CN = node id, an end-entity key for TLS servers and clients) so that standard tools
 * show something sensible.
 */
final class NodeCertificates {
    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private static final int VALIDITY_YEARS = 100;
    /** Back-dating the start keeps a peer whose clock runs behind from seeing a not-yet-valid certificate. */
    private static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofDays(1);
    private static final int SERIAL_NUMBER_BITS = 127;
    private static final SecureRandom RANDOM = new SecureRandom();

    private NodeCertificates() {
    }

    /** A certificate for {@code keyPair}'s public key, signed by its own private key. */
    static X509Certificate issue(KeyPair keyPair, String nodeId) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, nodeId).build();
        Instant now = Instant.now();
        Date notBefore = Date.from(now.minus(CLOCK_SKEW_ALLOWANCE));
        Date notAfter = Date.from(now.atOffset(ZoneOffset.UTC).plusYears(VALIDITY_YEARS).toInstant());
        // Positive and non-zero, as RFC 5280 requires of serial numbers.
        BigInteger serialNumber = new BigInteger(SERIAL_NUMBER_BITS, RANDOM).add(BigInteger.ONE);
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject, serialNumber, notBefore, notAfter, subject, keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(keyPair.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (CertIOException | OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("could not issue a self-signed certificate for node " + nodeId, e);
        }
    }

    /**
     * Throws unless {@code certificate} is signed by the key it carries. Without this a peer could
     * present someone else's public key in a certificate it made up; the TLS handshake would still
     * fail later (the peer cannot sign with that key), but with a less clear error.
     */
    static void requireSelfSigned(X509Certificate certificate) throws CertificateException {
        try {
            certificate.verify(certificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new CertificateException("the certificate of node " + NodeIdentity.fingerprint(certificate.getPublicKey())
                    + " is not signed by its own key (" + e.getMessage() + ")", e);
        }
    }
}
