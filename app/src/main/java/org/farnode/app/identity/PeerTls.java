package org.farnode.app.identity;

import java.util.Objects;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * Netty TLS contexts for connections between nodes: TLS 1.3 only, on the JDK's TLS provider.
 *
 * <p>A server presents its {@link NodeIdentity}'s certificate; a client names the node it wants
 * and accepts the server only if the server's key has that fingerprint. There is no certificate
 * authority and no hostname check: addresses change, keys do not.
 */
public final class PeerTls {
    static final String TLS_1_3 = "TLSv1.3";

    private PeerTls() {
    }

    /** The context of a node's server: it presents {@code identity} and does not ask clients for certificates. */
    public static SslContext serverContext(NodeIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        SslContextBuilder builder = SslContextBuilder.forServer(identity.privateKey(), identity.certificate())
                .clientAuth(ClientAuth.NONE);
        return build(builder, "server context of node " + identity.nodeId());
    }

    /**
     * The context of a client that accepts only the node {@code expectedNodeId}. Against any other
     * server the handshake fails with a {@link java.security.cert.CertificateException} saying
     * "expected node &lt;expected&gt; but the peer presented node &lt;actual&gt;".
     *
     * @param expectedNodeId the {@link NodeIdentity#nodeId()} of the server, {@value NodeIds#LENGTH}
     *     lowercase hex characters
     */
    public static SslContext clientContext(String expectedNodeId) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .trustManager(new PinnedNodeTrustManager(expectedNodeId))
                // Netty 4.2 checks hostnames by default; node certificates carry no names to check.
                .endpointIdentificationAlgorithm(null);
        return build(builder, "client context for node " + expectedNodeId);
    }

    private static SslContext build(SslContextBuilder builder, String what) {
        try {
            return builder.sslProvider(SslProvider.JDK).protocols(TLS_1_3).build();
        } catch (SSLException e) {
            throw new IllegalStateException("could not build the TLS 1.3 " + what + ": " + e.getMessage(), e);
        }
    }
}
