package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.farnode.app.codec.Fp16Codec;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.peer.HopTraffic;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerClient;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.MessageCodec;
import org.farnode.app.protocol.PeerMessage;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link NodeService#connections} with two real gateways doing different work: each entry
 * counts exactly the frames its gateway's sessions counted, plus its handshake and the
 * {@code SessionClosed} replies the gateway leaves out of its own count.
 */
@Timeout(120)
class NodeConnectionStatsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long SESSION_CLOSED_BYTES = MessageCodec.frameSize(new PeerMessage.SessionClosed(0, 0, 0, 0, 0));

    @Test
    void eachGatewaysEntryMatchesItsOwnCountAndGoesWhenItDisconnects() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            PeerAddress address = nodes.start(new LayerRange(0, 5));
            NodeService node = nodes.server(0).service();
            GatewayModel gateway = new GatewayModel(nodes.model().weights(), nodes.ops());
            assertThat(node.connections()).isEmpty();

            Instant beforeFirst = Instant.now();
            PeerClient first = PeerClient.connect(address, nodes.modelId(), TIMEOUT);
            ConnectionStats firstAtStart = only(node.connections());
            String firstAddress = firstAtStart.remoteAddress();
            assertThat(firstAddress).matches("127\\.0\\.0\\.1:\\d+").isNotEqualTo("127.0.0.1:" + address.port());
            assertThat(firstAtStart.connectedAt()).isBetween(beforeFirst, Instant.now());

            try (PeerClient second = PeerClient.connect(address, nodes.modelId(), TIMEOUT)) {
                String secondAddress = node.connections().stream().map(ConnectionStats::remoteAddress)
                        .filter(a -> !a.equals(firstAddress)).findFirst().orElseThrow();

                // The first gateway: one session, two windows, left open.
                RemoteShardStage a = first.openSession(new Fp32Codec());
                a.forward(0, gateway.embed(new int[] {1, 400, 401}));
                a.forward(3, gateway.embed(new int[] {402}));

                // The second: a session with more windows and a truncation, closed; then another, in fp16, left open.
                RemoteShardStage b1 = second.openSession(new Fp32Codec());
                b1.forward(0, gateway.embed(new int[] {1, 10, 11, 12, 13, 14}));
                b1.forward(6, gateway.embed(new int[] {15}));
                b1.truncate(4);
                b1.forward(4, gateway.embed(new int[] {16, 17}));
                b1.close();
                RemoteShardStage b2 = second.openSession(new Fp16Codec());
                b2.forward(0, gateway.embed(new int[] {1, 20}));

                ConnectionStats firstStats = byAddress(node.connections(), firstAddress);
                ConnectionStats secondStats = byAddress(node.connections(), secondAddress);
                long helloBytes = MessageCodec.frameSize(new PeerMessage.Hello(PeerMessage.PROTOCOL_VERSION, nodes.modelId()));
                assertMatches(firstStats, first, helloBytes, List.of(a.traffic()), 0, 1);
                assertMatches(secondStats, second, helloBytes, List.of(b1.traffic(), b2.traffic()), 1, 1);
                assertThat(firstStats.security()).as("every node link is TLS 1.3").startsWith("TLSv1.3 TLS_");
                assertThat(secondStats.security()).startsWith("TLSv1.3 TLS_");
                assertThat(firstStats.windows()).isEqualTo(2);
                assertThat(firstStats.positions()).isEqualTo(4);
                assertThat(secondStats.windows()).isEqualTo(4);
                assertThat(secondStats.positions()).isEqualTo(11);
                assertThat(node.traffic().bytesReceived()).as("the node's count is the two connections'")
                        .isEqualTo(firstStats.bytesReceived() + secondStats.bytesReceived());
                assertThat(node.traffic().bytesSent()).isEqualTo(firstStats.bytesSent() + secondStats.bytesSent());

                first.close();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (node.connections().size() > 1 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(node.connections()).extracting(ConnectionStats::remoteAddress).containsExactly(secondAddress);
                assertThat(only(node.connections()).openSessions()).isEqualTo(1);
            } finally {
                first.close();
            }
        }
    }

    /** The node's entry against the gateway's counts: its sessions' frames, plus the handshake and the unreported SessionClosed replies. */
    private static void assertMatches(ConnectionStats stats, PeerClient client, long helloBytes, List<HopTraffic> sessions,
                                      int closedSessions, int openSessions) {
        long sent = sessions.stream().mapToLong(HopTraffic::bytesSent).sum();
        long received = sessions.stream().mapToLong(HopTraffic::bytesReceived).sum();
        assertThat(sent).as("the gateway sent something").isPositive();
        assertThat(stats.bytesReceived()).as("bytes the node received from " + stats.remoteAddress())
                .isEqualTo(helloBytes + sent);
        assertThat(stats.bytesSent()).as("bytes the node sent to " + stats.remoteAddress())
                .isEqualTo(MessageCodec.frameSize(client.welcome()) + received + SESSION_CLOSED_BYTES * closedSessions);
        assertThat(stats.openSessions()).isEqualTo(openSessions);
    }

    private static ConnectionStats byAddress(List<ConnectionStats> connections, String remoteAddress) {
        return connections.stream().filter(c -> c.remoteAddress().equals(remoteAddress)).findFirst().orElseThrow();
    }

    private static ConnectionStats only(List<ConnectionStats> connections) {
        assertThat(connections).hasSize(1);
        return connections.getFirst();
    }
}
