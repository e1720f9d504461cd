package org.farnode.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.farnode.app.codec.Fp32Codec;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.testing.LocalNodes;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;

/** A node of the route is lost mid-generation: its hop moves to a spare node and the tokens stay the same. */
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
}
