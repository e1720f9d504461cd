package org.farnode.app.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.identity.NodeIdentity;
import org.farnode.app.node.ConnectionStats;
import org.farnode.app.node.NodeSettings;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.Test;

/**
 * The gateway's client against a real node server over loopback TLS: it talks TLS 1.3 to the node
 * whose key its node id pins, and refuses one that presents another key before it sends a byte.
 */
class PeerClientPinningTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aNodePresentingAnotherKeyThanThePinnedNodeIdIsRefusedBeforeAnythingIsSent() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            Map<Integer, Integer> bytesPerConnection = new ConcurrentHashMap<>();
            PeerAddress real = nodes.start(new LayerRange(0, 5), NodeSettings.defaults(),
                    (connection, bytes) -> bytesPerConnection.merge(connection, bytes.length, Integer::sum));
            String expected = NodeIdentity.ephemeral().nodeId();
            PeerAddress pinnedToAnother = new PeerAddress(real.host(), real.port(), expected);

            assertThatThrownBy(() -> PeerClient.connect(pinnedToAnother, nodes.modelId(), TIMEOUT))
                    .isInstanceOf(PeerException.class)
                    .hasMessage("TLS with " + pinnedToAnother.describe() + " failed: expected node " + expected
                            + " but the peer presented node " + real.nodeId());
            assertThatThrownBy(() -> PeerRoute.open(List.of(pinnedToAnother), nodes.modelId(), 5, new Fp32Codec(), TIMEOUT))
                    .isInstanceOf(PeerException.class)
                    .hasMessageContaining("but the peer presented node " + real.nodeId());

            try (PeerClient client = PeerClient.connect(real, nodes.modelId(), TIMEOUT)) {
                assertThat(client.welcome().nodeId()).isEqualTo(real.nodeId());
                assertThat(nodes.server(0).service().connections()).extracting(ConnectionStats::security)
                        .anySatisfy(security -> assertThat(security).startsWith("TLSv1.3 TLS_"));
            }
            // Connections 1 and 2 were refused in the handshake: not even the Hello, with its model id, reached the node.
            // Connection 3, to the pinned key, carried the Hello (and came after them, so their bytes would be counted by now).
            assertThat(bytesPerConnection).doesNotContainKeys(1, 2).containsKey(3);
        }
    }
}
