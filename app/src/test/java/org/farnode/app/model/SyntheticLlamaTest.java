package org.farnode.app.model;

import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.model.gguf.GgufMetadata;
import org.farnode.app.model.gguf.GgufTensorInfo;
import org.farnode.backend.tensor.Dequantize;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SyntheticLlamaTest {
    @TempDir
    Path dir;

    @Test
    void sameSeedSameBytesOtherSeedOtherWeights() throws IOException {
        SyntheticLlama model = SyntheticLlama.small(GgmlType.Q8_0).withSeed(42);
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        Path c = dir.resolve("c.gguf");
        model.write(a);
        model.writer().threads(1).write(b);
        model.withSeed(43).write(c);
        assertThat(Files.mismatch(a, b)).isEqualTo(-1);
        assertThat(Files.size(c)).isEqualTo(Files.size(a));
        try (GgufFile fa = GgufFile.open(a); GgufFile fc = GgufFile.open(c)) {
            assertThat(fa.tensor("blk.1.ffn_up.weight").data().mismatch(fc.tensor("blk.1.ffn_up.weight").data()))
                    .isNotEqualTo(-1);
        }
    }

    @Test
    void readsBackAsALlamaModel() throws IOException {
        SyntheticLlama model = SyntheticLlama.small(GgmlType.Q8_0).withSeed(3);
        Path file = dir.resolve("small.gguf");
        model.write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            GgufMetadata m = gguf.metadata();
            assertThat(m.string("general.architecture")).isEqualTo("llama");
            assertThat(m.integer("llama.embedding_length")).isEqualTo(64);
            assertThat(m.integer("llama.feed_forward_length")).isEqualTo(192);
            assertThat(m.integer("llama.block_count")).isEqualTo(2);
            assertThat(m.integer("llama.attention.head_count")).isEqualTo(4);
            assertThat(m.integer("llama.attention.head_count_kv")).isEqualTo(2);
            assertThat(m.integer("llama.context_length")).isEqualTo(128);
            assertThat(m.integer("llama.rope.dimension_count")).isEqualTo(16);
            assertThat(m.optionalFloat("llama.rope.freq_base")).contains(10000f);
            assertThat(m.optionalFloat("llama.attention.layer_norm_rms_epsilon")).contains(1e-5f);
            assertThat(m.integer("general.file_type")).isEqualTo(7);
            assertThat(m.integer("general.quantization_version")).isEqualTo(2);

            assertThat(m.string("tokenizer.ggml.model")).isEqualTo("llama");
            String[] tokens = m.stringArray("tokenizer.ggml.tokens");
            int[] types = m.intArray("tokenizer.ggml.token_type");
            float[] scores = m.floatArray("tokenizer.ggml.scores");
            assertThat(tokens).hasSize(300).doesNotHaveDuplicates();
            assertThat(types).hasSize(300);
            assertThat(scores).hasSize(300);
            assertThat(List.of(tokens).subList(0, 3)).containsExactly("<unk>", "<s>", "</s>");
            assertThat(types[0]).isEqualTo(2);
            assertThat(types[1]).isEqualTo(3);
            assertThat(tokens[3]).isEqualTo("<0x00>");
            assertThat(tokens[3 + 0x41]).isEqualTo("<0x41>");
            assertThat(tokens[258]).isEqualTo("<0xFF>");
            for (int id = 3; id < 259; id++) {
                assertThat(types[id]).as("byte token " + id).isEqualTo(6);
            }
            assertThat(List.of(tokens).subList(259, 263)).containsExactly("\u2581a", "a", "\u2581b", "b");
            assertThat(types[299]).isEqualTo(1);
            assertThat(scores[259]).isZero();
            assertThat(scores[299]).isEqualTo(-40f);
            assertThat(m.integer("tokenizer.ggml.bos_token_id")).isEqualTo(1);
            assertThat(m.integer("tokenizer.ggml.eos_token_id")).isEqualTo(2);

            assertThat(gguf.tensorInfos().keySet()).hasSize(2 + 2 * 9 + 1).contains("output.weight");
            Map<String, Object> shapes = new LinkedHashMap<>();
            gguf.tensorInfos().values().forEach(i -> shapes.put(i.name(), List.of(i.type(), toList(i.shape()))));
            assertThat(shapes).containsEntry("token_embd.weight", List.of(GgmlType.Q8_0, List.of(64L, 300L)))
                    .containsEntry("output.weight", List.of(GgmlType.Q8_0, List.of(64L, 300L)))
                    .containsEntry("output_norm.weight", List.of(GgmlType.F32, List.of(64L)))
                    .containsEntry("blk.1.attn_norm.weight", List.of(GgmlType.F32, List.of(64L)))
                    .containsEntry("blk.1.ffn_norm.weight", List.of(GgmlType.F32, List.of(64L)))
                    .containsEntry("blk.0.attn_q.weight", List.of(GgmlType.Q8_0, List.of(64L, 64L)))
                    .containsEntry("blk.0.attn_k.weight", List.of(GgmlType.Q8_0, List.of(64L, 32L)))
                    .containsEntry("blk.0.attn_v.weight", List.of(GgmlType.Q8_0, List.of(64L, 32L)))
                    .containsEntry("blk.1.attn_output.weight", List.of(GgmlType.Q8_0, List.of(64L, 64L)))
                    .containsEntry("blk.1.ffn_gate.weight", List.of(GgmlType.Q8_0, List.of(64L, 192L)))
                    .containsEntry("blk.1.ffn_up.weight", List.of(GgmlType.Q8_0, List.of(64L, 192L)))
                    .containsEntry("blk.1.ffn_down.weight", List.of(GgmlType.Q8_0, List.of(192L, 64L)));

            float[] norm = values(gguf.tensor("blk.0.ffn_norm.weight"));
            assertThat(norm).containsOnly(1f);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0"})
    void weightsHaveTheIntendedSpread(GgmlType type) throws IOException {
        Path file = dir.resolve("spread.gguf");
        SyntheticLlama.small(type).withSeed(11).write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            for (GgufTensorInfo info : gguf.tensorInfos().values()) {
                Tensor tensor = gguf.tensor(info.name());
                if (info.shape().length == 1) {
                    assertThat(tensor.type()).as(info.name()).isEqualTo(GgmlType.F32);
                    continue;
                }
                assertThat(tensor.type()).as(info.name()).isEqualTo(type);
                float[] v = values(tensor);
                double mean = 0;
                double square = 0;
                float max = 0;
                for (float x : v) {
                    mean += x;
                    square += (double) x * x;
                    max = Math.max(max, Math.abs(x));
                }
                mean /= v.length;
                double std = Math.sqrt(square / v.length - mean * mean);
                // Q4_0 has 16 levels per block, which inflates the spread a little.
                double tolerance = type == GgmlType.Q4_0 ? 0.003 : 0.0015;
                assertThat(std).as(info.name() + " std").isCloseTo(0.02, within(tolerance));
                assertThat(mean).as(info.name() + " mean").isCloseTo(0, within(0.002));
                assertThat(max).as(info.name() + " max").isLessThan(0.075f).isGreaterThan(0.04f);
            }
        }
    }

    @Test
    void generatorMatchesTheTargetDistribution() {
        float[] row = new float[1 << 20];
        SyntheticWeights.normalRows(SyntheticWeights.key(1, "x"), 0.02f).fill(0, row);
        double sum = 0;
        double square = 0;
        int beyondTwoSigma = 0;
        for (float x : row) {
            sum += x;
            square += (double) x * x;
            if (Math.abs(x) > 0.04) {
                beyondTwoSigma++;
            }
        }
        assertThat(sum / row.length).isCloseTo(0, within(1e-4));
        assertThat(Math.sqrt(square / row.length)).isCloseTo(0.02, within(1e-4));
        // A normal has 4.55% beyond 2 sigma; Irwin-Hall(4) has 3.7%.
        assertThat(beyondTwoSigma / (double) row.length).isBetween(0.03, 0.05);
    }

    @Test
    void tiedOutputHasNoOutputMatrix() throws IOException {
        Path file = dir.resolve("tied.gguf");
        SyntheticLlama.small(GgmlType.F16).withTiedOutput(true).write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.hasTensor("output.weight")).isFalse();
            assertThat(gguf.hasTensor("token_embd.weight")).isTrue();
            assertThat(gguf.metadata().integer("general.file_type")).isEqualTo(1);
            assertThat(gguf.metadata().contains("general.quantization_version")).isFalse();
        }
    }

    @Test
    void tinyLlamaShape() {
        SyntheticLlama tiny = SyntheticLlama.tinyLlamaShape(GgmlType.Q4_0);
        assertThat(tiny.headDimension()).isEqualTo(64);
        long parameters = 0;
        for (GgufTensorInfo info : tiny.writer().layout().tensors()) {
            parameters += info.elementCount();
        }
        assertThat(parameters).isEqualTo(1_100_048_384L);
    }

    @Test
    void rejectsImpossibleShapes() {
        assertThatThrownBy(() -> new SyntheticLlama(64, 192, 2, 5, 1, 300, 128, 1e4f, 1e-5f, GgmlType.F32, false, 0))
                .hasMessageContaining("heads");
        assertThatThrownBy(() -> new SyntheticLlama(64, 192, 2, 4, 3, 300, 128, 1e4f, 1e-5f, GgmlType.F32, false, 0))
                .hasMessageContaining("headCountKv");
        assertThatThrownBy(() -> new SyntheticLlama(64, 200, 2, 4, 2, 300, 128, 1e4f, 1e-5f, GgmlType.Q8_0, false, 0))
                .hasMessageContaining("block size");
        assertThatThrownBy(() -> SyntheticLlama.small(GgmlType.Q4_K)).hasMessageContaining("block size 256");
        assertThatThrownBy(() -> SyntheticLlama.small(GgmlType.IQ4_XS)).hasMessageContaining("IQ4_XS");
        assertThatThrownBy(() -> new SyntheticLlama(64, 192, 2, 4, 2, 100, 128, 1e4f, 1e-5f, GgmlType.F32, false, 0))
                .hasMessageContaining("vocabSize");
    }

    private static float[] values(Tensor tensor) {
        float[] all = new float[Math.toIntExact(tensor.elementCount())];
        for (int r = 0; r < tensor.rows(); r++) {
            Dequantize.row(tensor, r, all, r * tensor.columns());
        }
        return all;
    }

    private static List<Long> toList(long[] shape) {
        List<Long> list = new ArrayList<>();
        for (long d : shape) {
            list.add(d);
        }
        return list;
    }
}
