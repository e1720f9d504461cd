package org.farnode.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerException;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.ErrorCode;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.app.testing.LocalNodes;
import org.junit.jupiter.api.Test;

/**
 * Pausing a node from its operator's side, over real sockets: windows are refused with
 * {@code NODE_PAUSED} as soon as it is paused, the session and its cache survive, and after
 * resuming the next window computes exactly what it would have without the pause.
 */
class NodePauseTest {

    @Test
    void aPausedNodeRefusesWindowsAtOnceAndCarriesOnExactlyAfterResuming() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            PeerAddress peer = nodes.start(new LayerRange(0, 5));
            NodeService node = nodes.server(0).service();
            GatewayModel gateway = new GatewayModel(nodes.model().weights(), nodes.ops());
            try (PeerRoute route = PeerRoute.open(List.of(peer), nodes.modelId(), 5, new Fp32Codec(), Duration.ofSeconds(30));
                 ShardSession reference = new ShardRunner(nodes.model().weights(), LayerRange.all(5), nodes.ops()).openSession()) {
                RemoteShardStage stage = route.stages().getFirst();
                stage.forward(0, gateway.embed(new int[] {1, 400, 401}));
                reference.forward(0, gateway.embed(new int[] {1, 400, 401}));

                node.pause();
                long start = System.nanoTime();
                assertThatThrownBy(() -> stage.forward(3, gateway.embed(new int[] {402})))
                        .isInstanceOfSatisfying(PeerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NODE_PAUSED))
                        .hasMessageContaining("paused by its operator");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused within a second").isLessThan(Duration.ofSeconds(1));
                assertThat(node.openSessions()).as("the session is kept").isEqualTo(1);

                node.resume();
                float[] resumed = gateway.logits(stage.forward(3, gateway.embed(new int[] {402})));
                float[] unpaused = gateway.logits(reference.forward(3, gateway.embed(new int[] {402})));
                assertThat(resumed).containsExactly(unpaused);
            }
        }
    }
}
