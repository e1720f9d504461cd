package org.farnode.app.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.model.SyntheticLlama.RopeScalingSpec;
import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.model.gguf.GgufValue;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.backend.ops.CpuOps;
import org.farnode.backend.ops.Ops;
import org.farnode.backend.ops.ReferenceOps;
import org.farnode.backend.ops.RopeStyle;
import org.farnode.backend.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qwen2 (Q/K/V biases, NeoX RoPE), Llama 3 RoPE scaling (rope_freqs.weight or llama3 keys),
 * linear scaling and mistral-named files, on tiny synthetic models: the CPU forward pass against
 * an independent float64 one, and split shards against the whole model.
 */
class ArchitecturesTest {
    private static final int[] TOKENS = {1, 203, 107, 261, 78, 232, 83, 286, 5, 299};
    private static final SyntheticLlama TINY = SyntheticLlama.small(GgmlType.F32).withSeed(11);
    private static final RopeScalingSpec LLAMA3_TENSOR = new RopeScalingSpec("llama3", 8, 32, true);
    private static final RopeScalingSpec LLAMA3_KEYS = new RopeScalingSpec("llama3", 8, 32, false);

    @TempDir
    Path dir;

    @Test
    void llama3FactorsFollowTheRuleWorkedOutByHand() {
        // d = 16, base 10000: pair i has wavelength 2π·10000^(i/8) = 6.28, 19.87, 62.83, 198.69, 628.3, ...
        // original context 256, low 1, high 4: wavelengths under 256/4 = 64 keep factor 1, over 256/1 are divided by 8;
        // pair 3 blends: s = (256/198.69 − 1)/(4 − 1) = 0.09614, factor = 1/((1 − s)/8 + s) = 4.78183
        float[] factors = RopeScaling.llama3Factors(16, 10000, 8, 256, 1, 4);
        assertThat(factors).containsExactly(new float[] {1, 1, 1, 4.781834f, 8, 8, 8, 8}, within(1e-5f));
    }

    @Test
    void llama31ShapeKeepsTheFastestPairsAndStretchesTheSlowest() {
        float[] factors = RopeScaling.llama3Factors(128, 500000, 8, 8192, 1, 4);
        assertThat(factors[0]).isEqualTo(1f);
        assertThat(factors[63]).isEqualTo(8f);
        for (int i = 1; i < factors.length; i++) {
            assertThat(factors[i]).as("pair %d", i).isGreaterThanOrEqualTo(factors[i - 1]);
        }
    }

    @Test
    void qwen2MatchesTheFloat64ForwardPass() throws Exception {
        try (GgufFile file = write(TINY.withArchitecture("qwen2"))) {
            LlamaWeights weights = GgufLlamaWeights.weights(file);
            assertThat(weights.config().architecture()).isEqualTo(Architecture.QWEN2);
            assertThat(weights.layers().getFirst().hasBiases()).isTrue();
            assertMatchesFloat64(weights, new Float64Llama(file, true, true, null, 1, TOKENS.length));
        }
    }

    @Test
    void llama3ScaledRopeFromRopeFreqsMatchesTheFloat64ForwardPass() throws Exception {
        try (GgufFile file = write(TINY.withRopeScaling(LLAMA3_TENSOR))) {
            LlamaWeights weights = GgufLlamaWeights.weights(file);
            double[] factors = Float64Llama.ropeFreqs(file);
            assertThat(factors).contains(1.0).contains(8.0); // the tiny shape has pairs on both sides of the blend
            assertMatchesFloat64(weights, new Float64Llama(file, false, false, factors, 1, TOKENS.length));
        }
    }

    @Test
    void llama3KeysWithoutRopeFreqsGiveTheSameModelAsTheTensor() throws Exception {
        try (GgufFile fromTensor = write(TINY.withRopeScaling(LLAMA3_TENSOR), "tensor.gguf");
             GgufFile fromKeys = write(TINY.withRopeScaling(LLAMA3_KEYS), "keys.gguf");
             Ops ops = new CpuOps(2, true)) {
            LlamaWeights a = GgufLlamaWeights.weights(fromTensor);
            LlamaWeights b = GgufLlamaWeights.weights(fromKeys);
            assertThat(b.config().ropeScaling().frequencyFactors()).containsExactly(a.config().ropeScaling().frequencyFactors());
            assertThat(logits(b, ops, new LayerRange(0, 2))).containsExactly(logits(a, ops, new LayerRange(0, 2)));
        }
    }

    @Test
    void linearScalingMatchesTheFloat64ForwardPass() throws Exception {
        try (GgufFile file = write(TINY.withRopeScaling(new RopeScalingSpec("linear", 4, 32, false)))) {
            LlamaWeights weights = GgufLlamaWeights.weights(file);
            assertThat(weights.config().ropeScaling().positionScale()).isEqualTo(4f);
            assertMatchesFloat64(weights, new Float64Llama(file, false, false, null, 4, TOKENS.length));
        }
    }

    @Test
    void plainLlamaStillMatchesTheFloat64ForwardPass() throws Exception {
        try (GgufFile file = write(TINY)) {
            assertMatchesFloat64(GgufLlamaWeights.weights(file), new Float64Llama(file, false, false, null, 1, TOKENS.length));
        }
    }

    @Test
    void splitShardsGiveBitIdenticalLogitsForQwen2AndLlama3() throws Exception {
        for (SyntheticLlama model : new SyntheticLlama[] {TINY.withArchitecture("qwen2"), TINY.withRopeScaling(LLAMA3_TENSOR)}) {
            try (GgufFile file = write(model, model.architecture() + model.ropeScaling() + ".gguf")) {
                LlamaWeights weights = GgufLlamaWeights.weights(file);
                for (Ops ops : new Ops[] {new ReferenceOps(), new CpuOps(2, true), new CpuOps(2, false)}) {
                    try (ops) {
                        float[] whole = logits(weights, ops, new LayerRange(0, 2));
                        float[] split = logits(weights, ops, new LayerRange(0, 1), new LayerRange(1, 2));
                        assertThat(split).as("%s on %s", model.architecture(), ops.name()).containsExactly(whole);
                    }
                }
            }
        }
    }

    @Test
    void mistralIsReadAsTheLlamaLayout() throws Exception {
        try (GgufFile file = write(TINY.withArchitecture("mistral"))) {
            ModelConfig config = GgufLlamaWeights.config(file);
            assertThat(config.architecture().ropeStyle()).isEqualTo(RopeStyle.INTERLEAVED);
            assertThat(config.contextLength()).isEqualTo(TINY.contextLength());
        }
    }

    @Test
    void aSlidingWindowShorterThanTheContextClampsTheServedContext() throws Exception {
        Path path = dir.resolve("window.gguf");
        TINY.withArchitecture("mistral").writer().put("mistral.attention.sliding_window", GgufValue.uint32(48)).write(path);
        try (GgufFile file = GgufFile.open(path)) {
            assertThat(GgufLlamaWeights.config(file).contextLength()).isEqualTo(48);
        }
    }

    @Test
    void anUnknownScalingTypeIsNamed() throws Exception {
        try (GgufFile file = write(TINY.withRopeScaling(new RopeScalingSpec("yarn", 4, 32, false)))) {
            assertThatThrownBy(() -> GgufLlamaWeights.config(file)).isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("rope scaling type 'yarn'").hasMessageContaining("supported: none, linear, llama3");
        }
    }

    @Test
    void anUnknownArchitectureListsTheSupportedOnes() throws Exception {
        Path path = dir.resolve("gpt2.gguf");
        TINY.writer().put("general.architecture", GgufValue.string("gpt2")).write(path);
        try (GgufFile file = GgufFile.open(path)) {
            assertThatThrownBy(() -> GgufLlamaWeights.config(file)).hasMessageContaining("architecture 'gpt2'")
                    .hasMessageContaining("supported: llama, mistral, qwen2");
        }
    }

    @Test
    void aQwen2FileWithoutBiasesNamesTheMissingTensor() throws Exception {
        Path path = dir.resolve("nobias.gguf");
        // a llama file relabelled qwen2: the qwen2 keys are there, the biases are not
        var writer = TINY.writer().put("general.architecture", GgufValue.string("qwen2"));
        try (GgufFile llama = write(TINY, "llama.gguf")) {
            llama.metadata().entries().forEach((key, value) -> {
                if (key.startsWith("llama.")) {
                    writer.put("qwen2." + key.substring("llama.".length()), value);
                }
            });
        }
        writer.write(path);
        try (GgufFile file = GgufFile.open(path)) {
            assertThatThrownBy(() -> GgufLlamaWeights.weights(file)).isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("lacks tensor blk.0.attn_q.bias, which a qwen2 model needs");
        }
    }

    private GgufFile write(SyntheticLlama model) throws Exception {
        return write(model, "model.gguf");
    }

    private GgufFile write(SyntheticLlama model, String name) throws Exception {
        Path path = dir.resolve(name);
        model.write(path);
        return GgufFile.open(path);
    }

    /** CPU logits of every position, token by token, within 1e-4 of the float64 pass. */
    private static void assertMatchesFloat64(LlamaWeights weights, Float64Llama reference) {
        int vocab = weights.config().vocabularySize();
        try (Ops ops = new CpuOps(2, true)) {
            float[] actual = logits(weights, ops, new LayerRange(0, weights.config().blockCount()));
            for (int pos = 0; pos < TOKENS.length; pos++) {
                double[] expected = reference.next(TOKENS[pos]);
                for (int v = 0; v < vocab; v++) {
                    assertThat((double) actual[pos * vocab + v]).as("position %d, logit %d", pos, v).isCloseTo(expected[v], within(1e-4));
                }
            }
        }
    }

    /** Token by token through the given shards in order; every position's logits. */
    static float[] logits(LlamaWeights weights, Ops ops, LayerRange... ranges) {
        GatewayModel gateway = new GatewayModel(weights, ops);
        ShardSession[] shards = new ShardSession[ranges.length];
        for (int i = 0; i < ranges.length; i++) {
            shards[i] = new ShardRunner(weights, ranges[i], ops).openSession();
        }
        int vocab = weights.config().vocabularySize();
        float[] all = new float[TOKENS.length * vocab];
        for (int pos = 0; pos < TOKENS.length; pos++) {
            HiddenStates x = gateway.embed(new int[] {TOKENS[pos]});
            for (ShardSession shard : shards) {
                x = shard.forward(pos, x);
            }
            System.arraycopy(gateway.logits(x), 0, all, pos * vocab, vocab);
        }
        return all;
    }
}
