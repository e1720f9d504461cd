package org.farnode.app.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.model.GgufLlamaWeights;
import org.farnode.app.model.LlamaWeights;
import org.farnode.app.model.SyntheticLlama;
import org.farnode.app.model.gguf.GgufFile;
import org.farnode.backend.Backend;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.vulkan.VulkanInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Qwen2 (biases, NeoX RoPE) and Llama 3 scaled RoPE on the GPU (lavapipe in CI) against the CPU
 * shard, with the validation layer on, at the tolerance {@link GpuShardTest} uses: batched
 * windows (rope_kv) and single positions (the decode attention that rotates itself).
 */
class ArchitecturesGpuTest {
    private static Backend gpu;
    private static Backend cpu;

    @BeforeAll
    static void open() {
        System.setProperty(VulkanInstance.VALIDATION_PROPERTY, "true");
        try {
            gpu = Backend.open(Backend.Choice.VULKAN, 2, null, null, notice -> { });
        } catch (IllegalArgumentException | org.farnode.backend.vulkan.VulkanException e) {
            String message = "Vulkan with validation is not usable here: " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message + "; CI=true requires it (see .ci/run)", e);
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        } finally {
            System.clearProperty(VulkanInstance.VALIDATION_PROPERTY);
        }
        cpu = Backend.cpu(2);
    }

    @AfterAll
    static void close() {
        if (gpu != null) {
            List<String> messages = gpu.gpu().orElseThrow().validationMessages();
            gpu.close();
            assertThat(messages).as("validation layer messages").isEmpty();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "llama3"})
    void hiddenStatesMatchTheCpuShard(String variant, @TempDir Path dir) throws Exception {
        SyntheticLlama model = SyntheticLlama.small(GgmlType.F32).withSeed(5);
        model = variant.equals("qwen2") ? model.withArchitecture("qwen2")
                : model.withRopeScaling(new SyntheticLlama.RopeScalingSpec("llama3", 8, 32, true));
        Path path = dir.resolve(variant + ".gguf");
        model.write(path);
        try (GgufFile file = GgufFile.open(path)) {
            LlamaWeights weights = GgufLlamaWeights.weights(file);
            LayerRange layers = new LayerRange(0, 2);
            ShardSession onGpu = ShardRunner.on(gpu, weights, layers).openSession();
            ShardSession onCpu = ShardRunner.on(cpu, weights, layers).openSession();
            GatewayModel gateway = new GatewayModel(weights, cpu.ops());
            int[][] windows = {{1, 203, 107, 261, 78}, {42}, {9, 10}, {299}, {7}};
            int position = 0;
            for (int[] tokens : windows) {
                HiddenStates input = gateway.embed(tokens);
                float[] expected = onCpu.forward(position, input).values();
                float[] actual = onGpu.forward(position, input).values();
                for (int i = 0; i < expected.length; i++) {
                    assertThat((double) actual[i]).as("%s, window at %d, value %d", variant, position, i)
                            .isCloseTo(expected[i], Offset.offset(2e-4 * Math.max(1, Math.abs(expected[i]))));
                }
                position += tokens.length;
            }
            onGpu.close();
            onCpu.close();
        }
    }
}
