package org.farnode.app.shard;

import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.model.GgufLlamaWeights;
import org.farnode.app.model.Llama2cCheckpoint;
import org.farnode.app.model.LlamaWeights;
import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.testing.Stories260K;
import org.farnode.backend.ops.Ops;
import org.farnode.backend.ops.ReferenceOps;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.farnode.backend.ops.CpuOps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Logits of stories260K at positions 0–2 against the reference values recorded in its SOURCE.md. */
class ReferenceLogitsTest {
    private static final float TOLERANCE = 1e-3f;

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("reference", (Supplier<Ops>) ReferenceOps::new),
                Arguments.of("cpu vectors", (Supplier<Ops>) () -> new CpuOps(2, true)),
                Arguments.of("cpu scalar", (Supplier<Ops>) () -> new CpuOps(2, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void ggufLogitsMatchReference(String name, Supplier<Ops> backend) throws Exception {
        try (GgufFile file = GgufFile.open(Stories260K.gguf()); Ops ops = backend.get()) {
            checkAgainstReference(GgufLlamaWeights.weights(file), ops);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void llama2cCheckpointLogitsMatchReference(String name, Supplier<Ops> backend) throws Exception {
        try (Llama2cCheckpoint checkpoint = Llama2cCheckpoint.open(Stories260K.checkpoint()); Ops ops = backend.get()) {
            checkAgainstReference(checkpoint.weights(), ops);
        }
    }

    static void checkAgainstReference(LlamaWeights weights, Ops ops) {
        GatewayModel gateway = new GatewayModel(weights, ops);
        ShardSession shard = new ShardRunner(weights, LayerRange.all(weights.config().blockCount()), ops).openSession();
        int vocab = weights.config().vocabularySize();
        List<Stories260K.ReferenceLogits> references = Stories260K.referenceLogits();
        for (Stories260K.ReferenceLogits ref : references) {
            HiddenStates out = shard.forward(ref.position(), gateway.embed(new int[]{ref.input()}));
            float[] logits = gateway.logits(out);
            assertThat(logits).hasSize(vocab);
            for (Map.Entry<Integer, Float> e : ref.top5().entrySet()) {
                assertThat(logits[e.getKey()]).as("logit of token %d at position %d", e.getKey(), ref.position())
                        .isCloseTo(e.getValue(), within(TOLERANCE));
            }
            if (ref.first4() != null) {
                for (int i = 0; i < ref.first4().length; i++) {
                    assertThat(logits[i]).as("logit %d at position %d", i, ref.position())
                            .isCloseTo(ref.first4()[i], within(TOLERANCE));
                }
            }
            int top = ref.top5().keySet().iterator().next();
            for (float logit : logits) {
                assertThat(logit).isLessThanOrEqualTo(logits[top]);
            }
        }
    }
}
