package org.farnode.app.identity;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** The certificate checks a client makes, without a handshake around them. */
class PinnedNodeTrustManagerTest {
    private final NodeIdentity node = NodeIdentity.ephemeral();
    private final PinnedNodeTrustManager trustManager = new PinnedNodeTrustManager(node.nodeId());

    @Test
    void acceptsTheExpectedNodesCertificate() {
        assertThatCode(() -> trustManager.checkServerTrusted(new X509Certificate[] {node.certificate()}, "ECDHE_ECDSA"))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesACertificateWithTheExpectedKeyThatAnotherKeySigned() throws Exception {
        NodeIdentity forger = NodeIdentity.ephemeral();
        X500Name name = new X500Name("CN=" + node.nodeId());
        X509Certificate forged = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.ONE, new Date(), new Date(System.currentTimeMillis() + 86_400_000L), name,
                node.certificate().getPublicKey())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(forger.privateKey())));

        assertThatThrownBy(() -> trustManager.checkServerTrusted(new X509Certificate[] {forged}, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class)
                .hasMessageStartingWith("the certificate of node " + node.nodeId() + " is not signed by its own key");
    }

    @Test
    void refusesAnEmptyChain() {
        assertThatThrownBy(() -> trustManager.checkServerTrusted(new X509Certificate[0], "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class)
                .hasMessage("expected node " + node.nodeId() + " but the peer presented no certificate");
    }

    @Test
    void doesNotVerifyClients() {
        assertThatThrownBy(() -> trustManager.checkClientTrusted(new X509Certificate[] {node.certificate()}, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("not clients");
    }
}
