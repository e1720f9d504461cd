package org.farnode.app.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/** Real TLS connections between nodes over loopback sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerTlsTest {
    private final NodeIdentity server = NodeIdentity.ephemeral();

    @Test
    void aClientThatExpectsTheServersNodeConnectsWithTls13() throws Exception {
        try (TlsLoopback loopback = new TlsLoopback()) {
            int port = loopback.startEchoServer(PeerTls.serverContext(server));
            TlsLoopback.Client client = loopback.connect(PeerTls.clientContext(server.nodeId()), port);

            assertThat(client.awaitHandshake()).as("handshake finished in time").isTrue();
            assertThat(client.tls().handshakeFuture().cause()).as("handshake failure").isNull();
            SSLSession session = client.tls().engine().getSession();
            assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
            assertThat(session.getPeerCertificates()[0]).isEqualTo(server.certificate());

            byte[] message = "hello, node".getBytes(StandardCharsets.UTF_8);
            assertThat(client.echo(message)).isEqualTo(message);
        }
    }

    @Test
    void aClientThatExpectsAnotherNodeRefusesTheServer() throws Exception {
        String otherNodeId = NodeIdentity.ephemeral().nodeId();
        try (TlsLoopback loopback = new TlsLoopback()) {
            int port = loopback.startEchoServer(PeerTls.serverContext(server));
            TlsLoopback.Client client = loopback.connect(PeerTls.clientContext(otherNodeId), port);

            assertThat(client.awaitHandshake()).as("handshake finished in time").isTrue();
            assertThat(client.tls().handshakeFuture().cause())
                    .as("handshake failure")
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("expected node " + otherNodeId + " but the peer presented node " + server.nodeId())
                    .hasRootCauseInstanceOf(CertificateException.class)
                    .rootCause()
                    .hasMessage("expected node " + otherNodeId + " but the peer presented node " + server.nodeId());
            assertThat(client.channel().closeFuture().await(TlsLoopback.TIMEOUT.toMillis())).as("channel closed").isTrue();
        }
    }

    @Test
    void theServerRefusesTls12() throws Exception {
        var tls12Client = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.2")
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();
        try (TlsLoopback loopback = new TlsLoopback()) {
            int port = loopback.startEchoServer(PeerTls.serverContext(server));
            TlsLoopback.Client client = loopback.connect(tls12Client, port);

            assertThat(client.awaitHandshake()).as("handshake finished in time").isTrue();
            assertThat(client.tls().handshakeFuture().cause())
                    .as("handshake failure")
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("protocol_version");
        }
    }

    @Test
    void theExpectedNodeIdMustBeLowercaseHexOfTheRightLength() {
        String valid = server.nodeId();
        for (String invalid : new String[] {valid.toUpperCase(), valid.substring(1), valid + "0", "g" + valid.substring(1), ""}) {
            assertThatThrownBy(() -> PeerTls.clientContext(invalid))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expectedNodeId must be a node id: 64 lowercase hex characters")
                    .hasMessageContaining("\"" + invalid + "\"");
        }
        assertThatThrownBy(() -> PeerTls.clientContext(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("but was null");
    }
}
