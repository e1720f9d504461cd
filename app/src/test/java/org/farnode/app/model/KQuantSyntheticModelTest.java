package org.farnode.app.model;

import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.model.gguf.GgufTensorInfo;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.backend.ops.CpuOps;
import org.farnode.backend.ops.Ops;
import org.farnode.backend.ops.ReferenceOps;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Models written by this project in the K-quants (the shape of ../shared/testdata/kquants: dim
 * 256, FFN 768, 2 layers) read back with the types their recipe gives, and run on the CPU backend
 * as on the reference oracle: same weights, so only float rounding apart (measured at most 3e-7;
 * asserted 1e-5).
 */
class KQuantSyntheticModelTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"Q4_K_M", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void writesReadsAndRunsAsTheReference(String type) throws Exception {
        WeightRecipe recipe = WeightRecipe.parse(type);
        SyntheticLlama model = new SyntheticLlama(256, 768, 2, 4, 2, 300, 64, 10000f, 1e-5f, recipe, false, 5);
        Path file = dir.resolve(type + ".gguf");
        model.write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.metadata().integer("general.file_type")).isEqualTo(recipe.fileType());
            for (GgufTensorInfo info : gguf.tensorInfos().values()) {
                if (info.shape().length == 2) {
                    assertThat(info.type()).as(info.name()).isEqualTo(recipe.typeOf(info.name(), 2));
                }
            }
        }
        int[] prompt = {1, 72};
        try (LoadedModel loaded = LoadedModel.open(file, null); Ops cpu = new CpuOps(2); Ops reference = new ReferenceOps()) {
            float[] fast = logits(loaded.weights(), cpu, prompt);
            float[] exact = logits(loaded.weights(), reference, prompt);
            double worst = 0;
            for (int i = 0; i < exact.length; i++) {
                worst = Math.max(worst, Math.abs(fast[i] - exact[i]));
            }
            System.out.printf("%s: max |cpu - reference| = %.2e%n", type, worst);
            assertThat(worst).as("%s: max |cpu − reference| over %d logits", type, exact.length).isLessThanOrEqualTo(1e-5);
        }
    }

    private static float[] logits(LlamaWeights weights, Ops ops, int[] prompt) {
        GatewayModel gateway = new GatewayModel(weights, ops);
        return gateway.logits(new ShardRunner(weights, LayerRange.all(weights.config().blockCount()), ops).openSession()
                .forward(0, gateway.embed(prompt)));
    }
}
