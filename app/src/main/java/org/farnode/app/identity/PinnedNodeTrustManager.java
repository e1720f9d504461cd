package org.farnode.app.identity;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a TLS server only if its certificate carries the public key of one expected node.
 *
 * <p>Names, dates and issuers in the certificate are ignored: a node is its key, and the node id
 * the caller expects is the fingerprint of that key. The handshake itself then proves that the
 * server holds the matching private key. Extending {@link X509ExtendedTrustManager} (not just
 * {@code X509TrustManager}) keeps the JDK from wrapping this class with its own hostname and
 * algorithm checks.
 */
final class PinnedNodeTrustManager extends X509ExtendedTrustManager {
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private final String expectedNodeId;

    PinnedNodeTrustManager(String expectedNodeId) {
        this.expectedNodeId = NodeIds.requireValid(expectedNodeId, "expectedNodeId");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        requireExpectedNode(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        requireExpectedNode(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        requireExpectedNode(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw clientsNotVerified();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw clientsNotVerified();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw clientsNotVerified();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }

    /** Only the first (leaf) certificate matters; anything after it in the chain is ignored. */
    private void requireExpectedNode(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("expected node " + expectedNodeId + " but the peer presented no certificate");
        }
        X509Certificate leaf = chain[0];
        String presentedNodeId = NodeIdentity.fingerprint(leaf.getPublicKey());
        if (!presentedNodeId.equals(expectedNodeId)) {
            throw new CertificateException("expected node " + expectedNodeId + " but the peer presented node " + presentedNodeId);
        }
        NodeCertificates.requireSelfSigned(leaf);
    }

    private static CertificateException clientsNotVerified() {
        return new CertificateException("this trust manager verifies the server a node client connects to, not clients");
    }
}
