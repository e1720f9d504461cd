package org.farnode.app.shard;

import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.model.GgufLlamaWeights;
import org.farnode.app.model.LlamaWeights;
import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.testing.Stories260K;
import org.farnode.backend.ops.Ops;
import org.farnode.backend.ops.ReferenceOps;
import java.util.stream.Stream;
import org.farnode.backend.ops.CpuOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Splitting the layers over several shards must not change a single bit of the logits. */
class ShardSplitTest {
    private static final int[] TOKENS = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298};

    static Stream<Ops> backends() {
        return Stream.of(new ReferenceOps(), new CpuOps(2, true), new CpuOps(2, false), new CpuOps(3, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shardsGiveBitIdenticalLogitsToOneShard(Ops ops) throws Exception {
        try (ops) {
            try (GgufFile file = GgufFile.open(Stories260K.gguf())) {
                LlamaWeights weights = GgufLlamaWeights.weights(file);
                float[] whole = logitsThrough(weights, ops, new LayerRange(0, 5));
                float[] split = logitsThrough(weights, ops, new LayerRange(0, 2), new LayerRange(2, 5));
                float[] fine = logitsThrough(weights, ops, new LayerRange(0, 1), new LayerRange(1, 2),
                        new LayerRange(2, 4), new LayerRange(4, 5));
                assertThat(split).as(ops.name()).containsExactly(whole);
                assertThat(fine).as(ops.name()).containsExactly(whole);
            }
        }
    }

    @Test
    void aWindowStartingAtTheWrongPositionIsRefused() throws Exception {
        try (GgufFile file = GgufFile.open(Stories260K.gguf())) {
            LlamaWeights weights = GgufLlamaWeights.weights(file);
            ShardSession session = new ShardRunner(weights, new LayerRange(0, 5), new ReferenceOps()).openSession();
            HiddenStates one = new GatewayModel(weights, new ReferenceOps()).embed(new int[]{1});
            assertThatThrownBy(() -> session.forward(3, one)).hasMessageContaining("starts at position 3");
        }
    }

    /** Token by token through the given shards in order; returns every position's logits. */
    private static float[] logitsThrough(LlamaWeights weights, Ops ops, LayerRange... ranges) {
        GatewayModel gateway = new GatewayModel(weights, ops);
        ShardSession[] shards = new ShardSession[ranges.length];
        for (int i = 0; i < ranges.length; i++) {
            shards[i] = new ShardRunner(weights, ranges[i], ops).openSession();
        }
        int vocab = weights.config().vocabularySize();
        float[] all = new float[TOKENS.length * vocab];
        for (int pos = 0; pos < TOKENS.length; pos++) {
            HiddenStates x = gateway.embed(new int[]{TOKENS[pos]});
            for (ShardSession shard : shards) {
                x = shard.forward(pos, x);
            }
            System.arraycopy(gateway.logits(x), 0, all, pos * vocab, vocab);
        }
        return all;
    }
}
