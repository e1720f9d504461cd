package org.farnode.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.model.gguf.GgufTensorInfo;
import org.farnode.app.model.gguf.GgufValue;
import org.farnode.app.model.gguf.GgufWriter;
import org.farnode.app.model.gguf.TensorSource;
import org.farnode.app.model.tokenizer.TokenizerLoader;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.testing.Stories260K;
import org.farnode.backend.ops.CpuOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation stops at the end-of-text token, at an end-of-turn token, or at the token limit, whichever comes first. */
class GeneratorStopTest {
    @TempDir
    Path dir;

    @Test
    void stopsAtTheTokenLimit() throws Exception {
        GenerationResult result = generateGreedy(Stories260K.gguf(), 7);
        assertThat(result.generatedTokens()).containsExactly(Arrays.copyOf(Stories260K.firstGreedyIds(), 7));
        assertThat(result.stopReason()).isEqualTo(GenerationResult.StopReason.MAX_TOKENS);
    }

    @Test
    void stopsAtEndOfTextWithoutEmittingIt() throws Exception {
        // The same model, but its end-of-text id is the fifth token greedy decoding produces
        // (which does not occur before it), so generation must stop after four tokens.
        int[] greedy = Stories260K.firstGreedyIds();
        int eos = greedy[4];
        assertThat(Arrays.stream(greedy, 0, 4)).doesNotContain(eos);
        Path model = withEndOfText(Stories260K.gguf(), eos);

        GenerationResult result = generateGreedy(model, 50);
        assertThat(result.generatedTokens()).containsExactly(Arrays.copyOf(greedy, 4));
        assertThat(result.stopReason()).isEqualTo(GenerationResult.StopReason.END_OF_TEXT);
    }

    @Test
    void stopsAtAnEndOfTurnTokenWithOrWithoutSpeculation() throws Exception {
        int[] greedy = Stories260K.firstGreedyIds();
        int endOfTurn = greedy[4];
        for (boolean speculate : new boolean[]{false, true}) {
            GenerationResult result = generateGreedy(Stories260K.gguf(), 50, speculate, endOfTurn);
            assertThat(result.generatedTokens()).as("speculation " + speculate).containsExactly(Arrays.copyOf(greedy, 4));
            assertThat(result.stopReason()).isEqualTo(GenerationResult.StopReason.END_OF_TEXT);
        }
    }

    private static GenerationResult generateGreedy(Path model, int maxTokens) throws Exception {
        return generateGreedy(model, maxTokens, false);
    }

    private static GenerationResult generateGreedy(Path model, int maxTokens, boolean speculate, int... endOfTurn)
            throws Exception {
        try (LoadedModel loaded = LoadedModel.open(model, null); CpuOps ops = new CpuOps(2)) {
            var stage = new ShardRunner(loaded.weights(), LayerRange.all(loaded.config().blockCount()), ops).openSession();
            Generator generator = new Generator(new GatewayModel(loaded.weights(), ops), loaded.tokenizer(), List.of(stage))
                    .stoppingAlsoAt(endOfTurn);
            List<Integer> streamed = new ArrayList<>();
            GenerationResult result = generator.generate(generator.promptTokens(""), maxTokens, SamplingSettings.greedy(),
                    (id, text) -> {
                        if (id >= 0) {
                            streamed.add(id);
                        }
                    }, speculate ? org.farnode.app.speculative.Speculation.promptLookup(4) : null);
            assertThat(streamed).containsExactlyElementsOf(Arrays.stream(result.generatedTokens()).boxed().toList());
            stage.close();
            return result;
        }
    }

    /** A copy of {@code source} with {@code tokenizer.ggml.eos_token_id} set to {@code eos}. */
    private Path withEndOfText(Path source, int eos) throws Exception {
        Path copy = dir.resolve("eos-" + eos + ".gguf");
        try (GgufFile file = GgufFile.open(source)) {
            GgufWriter writer = new GgufWriter();
            for (Map.Entry<String, GgufValue> e : file.metadata().entries().entrySet()) {
                writer.put(e.getKey(), e.getValue());
            }
            writer.put(TokenizerLoader.EOS_KEY, GgufValue.uint32(eos));
            for (GgufTensorInfo info : file.tensorInfos().values()) {
                writer.tensor(info.name(), info.type(), info.shape(), TensorSource.bytes(file.tensor(info.name()).data()));
            }
            writer.write(copy);
        }
        assertThat(Files.size(copy)).isPositive();
        return copy;
    }
}
