package org.farnode.app.model;

import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.model.gguf.GgufTensorInfo;
import org.farnode.app.testing.SharedData;
import org.farnode.backend.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WeightRecipeTest {

    /** The llama.cpp-made Q4_K_M file of ../shared/testdata/kquants: our recipe picks the same type for each of its tensors. */
    @Test
    void q4KMMatchesLlamaQuantizeOnTheReferenceFile() throws Exception {
        Path path = SharedData.require("testdata/kquants/tiny-llama-Q4_K_M-mix.gguf");
        try (GgufFile gguf = GgufFile.open(path)) {
            int blocks = (int) gguf.metadata().integer("llama.block_count");
            assertThat(gguf.metadata().integer("general.file_type")).isEqualTo(WeightRecipe.Q4_K_M.fileType());
            for (GgufTensorInfo info : gguf.tensorInfos().values()) {
                if (info.shape().length == 2) {
                    assertThat(WeightRecipe.Q4_K_M.typeOf(info.name(), blocks)).as(info.name()).isEqualTo(info.type());
                }
            }
        }
    }

    @Test
    void q4KMGivesTinyLlamaTenQ6KLayers() {
        List<Integer> moreBits = IntStream.range(0, 22).filter(layer -> WeightRecipe.moreBits(layer, 22)).boxed().toList();
        assertThat(moreBits).containsExactly(0, 1, 4, 7, 10, 13, 16, 19, 20, 21);
        assertThat(WeightRecipe.Q4_K_M.typeOf("blk.4.ffn_down.weight", 22)).isEqualTo(GgmlType.Q6_K);
        assertThat(WeightRecipe.Q4_K_M.typeOf("blk.4.attn_v.weight", 22)).isEqualTo(GgmlType.Q6_K);
        assertThat(WeightRecipe.Q4_K_M.typeOf("blk.4.attn_k.weight", 22)).isEqualTo(GgmlType.Q4_K);
        assertThat(WeightRecipe.Q4_K_M.typeOf("blk.5.ffn_down.weight", 22)).isEqualTo(GgmlType.Q4_K);
        assertThat(WeightRecipe.Q4_K_M.typeOf("output.weight", 22)).isEqualTo(GgmlType.Q6_K);
        assertThat(WeightRecipe.Q4_K_M.typeOf("token_embd.weight", 22)).isEqualTo(GgmlType.Q4_K);
    }

    @Test
    void parsesTypesAndTheMixtureAndNamesTheChoicesOtherwise() {
        assertThat(WeightRecipe.parse("q4_k_m")).isEqualTo(WeightRecipe.Q4_K_M);
        assertThat(WeightRecipe.parse("Q6_K").typeOf("output.weight", 2)).isEqualTo(GgmlType.Q6_K);
        assertThat(WeightRecipe.parse("q8_0").fileType()).isEqualTo(7);
        assertThatThrownBy(() -> WeightRecipe.parse("IQ4_XS")).hasMessageContaining("IQ4_XS").hasMessageContaining("Q4_K_M");
    }
}
