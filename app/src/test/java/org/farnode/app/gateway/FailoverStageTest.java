package org.farnode.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.node.NodeSettings;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.PeerClient;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;

/**
 * A node of the route is lost mid-generation, or wipes the hop's session: the hop moves to a spare
 * node, or to a new session on the same node, and the tokens stay the same.
 */
class FailoverStageTest {
    private static final SamplingSettings GREEDY = new SamplingSettings(0, 0, 1, 1);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aSpareNodeTakesOverALostHopAndTheGreedyTextIsUnchanged() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            List<PeerAddress> peers = List.of(nodes.start(new LayerRange(0, 2)), nodes.start(new LayerRange(2, 4)),
                    nodes.start(new LayerRange(2, 4)), nodes.start(new LayerRange(4, 5)));
            try (PeerRoute route = PeerRoute.open(peers, nodes.modelId(), 5, new Fp32Codec(), TIMEOUT)) {
                assertThat(route.stages()).extracting(RemoteShardStage::layers)
                        .containsExactly(new LayerRange(0, 2), new LayerRange(2, 4), new LayerRange(4, 5));
                RemoteShardStage picked = route.stages().get(1);
                int pickedIndex = peers.indexOf(picked.peer().address());
                int spareIndex = pickedIndex == 1 ? 2 : 1;
                Generator generator = new Generator(new GatewayModel(nodes.model().weights(), nodes.ops()),
                        nodes.model().tokenizer(), List.copyOf(route.hops()));
                StringBuilder text = new StringBuilder();
                int[] tokens = {0};
                GenerationResult result = generator.generate("", 256, GREEDY, (id, piece) -> {
                    text.append(piece);
                    if (++tokens[0] == 60) {
                        nodes.server(pickedIndex).close();
                    }
                });

                assertThat(tokens[0]).isGreaterThan(60);
                assertThat(text.toString().strip()).isEqualTo(Stories260K.greedyText256().strip());
                assertThat(route.hops().get(1).lost()).containsExactly(picked);
                RemoteShardStage spare = route.stages().get(1);
                assertThat(spare.peer().address()).isEqualTo(peers.get(spareIndex));
                assertThat(spare.traffic().windows()).as("windows the spare served").isGreaterThan(60);
                assertThat(result.generatedTokens()).hasSize(tokens[0]);
                route.closeSessions();
                assertThat(spare.nodeReport().windows()).isEqualTo(spare.traffic().windows());
            }
        }
    }

    @Test
    void aSessionEvictedForAnotherIsReopenedOnTheSameNodeAndTheGreedyTextIsUnchanged() throws Exception {
        try (LocalNodes nodes = LocalNodes.stories260K()) {
            long perPosition = 2L * Float.BYTES * nodes.model().config().kvDimension() * 5;
            Duration evictableAfter = Duration.ofMillis(100);
            PeerAddress node = nodes.start(new LayerRange(0, 5), NodeSettings.defaults().withKvBudgetBytes(perPosition * 300)
                    .withEvictableAfter(evictableAfter), null);
            try (PeerRoute route = PeerRoute.open(List.of(node), nodes.modelId(), 5, new Fp32Codec(), TIMEOUT);
                 PeerClient other = PeerClient.connect(node, nodes.modelId(), TIMEOUT)) {
                RemoteShardStage first = route.stages().getFirst();
                Generator generator = new Generator(new GatewayModel(nodes.model().weights(), nodes.ops()),
                        nodes.model().tokenizer(), List.copyOf(route.hops()));
                StringBuilder text = new StringBuilder();
                int[] tokens = {0};
                generator.generate("", 256, GREEDY, (id, piece) -> {
                    text.append(piece);
                    if (++tokens[0] == 60) {
                        evictByALongWindowOfAnotherSession(other, nodes, evictableAfter);
                    }
                });

                assertThat(text.toString().strip()).isEqualTo(Stories260K.greedyText256().strip());
                assertThat(route.hops().getFirst().lost()).containsExactly(first);
                assertThat(route.stages().getFirst().peer()).as("the same node, in a new session").isSameAs(first.peer());
                assertThat(route.stages().getFirst().sessionId()).isNotEqualTo(first.sessionId());
            }
        }
    }

    /** Once the route's session has been idle long enough, a window of 260 positions needs more than the 300-position budget leaves. */
    private static void evictByALongWindowOfAnotherSession(PeerClient other, LocalNodes nodes, Duration evictableAfter) {
        try {
            Thread.sleep(evictableAfter.toMillis() * 3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (RemoteShardStage session = other.openSession(new Fp32Codec())) {
            session.forward(0, nodes.window(260));
        } // closing it gives the room back, for the route's session to come back into
    }
}
