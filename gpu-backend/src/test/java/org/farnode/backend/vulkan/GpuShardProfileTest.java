package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.farnode.backend.ops.RandomTensors.randomFloats;
import static org.farnode.backend.ops.RandomTensors.randomTensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.farnode.backend.ops.RopeTable;
import org.farnode.backend.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A profiled window (GPU timestamps between the ops) computes exactly what an ordinary one does,
 * and accounts for its time by op. On this machine's real device (lavapipe in CI), validated.
 */
class GpuShardProfileTest {
    @TempDir
    Path shaderCache;

    @Test
    void aProfiledWindowGivesTheSameHiddenStatesAndNamesEveryOp() {
        GpuShardShape shape = new GpuShardShape(64, 96, 4, 2, 32, 1e-5f, 8);
        List<GpuLayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            long seed = 100L * l;
            layers.add(new GpuLayerWeights(randomTensor(GgmlType.F32, 64, 1, seed), randomTensor(GgmlType.Q8_0, 64, 64, seed + 1),
                    randomTensor(GgmlType.Q8_0, 64, 32, seed + 2), randomTensor(GgmlType.Q8_0, 64, 32, seed + 3),
                    randomTensor(GgmlType.Q8_0, 64, 64, seed + 4), randomTensor(GgmlType.F32, 64, 1, seed + 5),
                    randomTensor(GgmlType.Q4_0, 64, 96, seed + 6), randomTensor(GgmlType.Q4_0, 64, 96, seed + 7),
                    randomTensor(GgmlType.Q8_0, 96, 64, seed + 8)));
        }
        float[] prompt = randomFloats(5 * 64, 1);
        float[] next = randomFloats(64, 2);
        float[] plainPrompt = prompt.clone();
        float[] plainNext = next.clone();
        Map<String, Double> prefill;
        Map<String, Double> decode;
        try (VulkanInstance vulkan = VulkanTestSupport.openValidated();
             VulkanDevice device = VulkanDevice.open(vulkan.physicalDevices().getFirst());
             GpuShard shard = new GpuShard(device, new ShaderCompiler(shaderCache), shape, layers, new RopeTable(16, 32, 10000.0), 1L << 30);
             GpuShardSession plain = shard.openSession();
             GpuShardSession profiled = shard.openSession()) {
            plain.forward(0, plainPrompt, 5);
            plain.forward(5, plainNext, 1);
            prefill = profiled.forwardProfiled(0, prompt, 5);
            decode = profiled.forwardProfiled(5, next, 1);
            assertThat(profiled.length()).isEqualTo(6);
            device.waitIdle();
            assertThat(vulkan.validationMessages()).as("validation layer messages").isEmpty();
        }
        assertThat(prompt).containsExactly(plainPrompt);
        assertThat(next).containsExactly(plainNext);
        // a decode step folds RMSNorm, SwiGLU, RoPE and the cache append into its neighbours; a batch runs them on their own
        assertThat(decode).containsOnlyKeys("copy in", "q/k/v product", "attention", "output product", "gate/up product", "down product",
                "copy out", "total");
        assertThat(prefill).containsKeys("rmsnorm", "rope + cache append", "swiglu");
        for (Map<String, Double> byOp : List.of(prefill, decode)) {
            double parts = byOp.entrySet().stream().filter(e -> !e.getKey().equals("total")).mapToDouble(Map.Entry::getValue).sum();
            assertThat(byOp.get("total")).isPositive().isCloseTo(parts, org.assertj.core.data.Offset.offset(1e-6 * parts + 1e-9));
        }
    }
}
