package org.farnode.backend.vulkan;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.farnode.backend.ops.RopeTable;
import org.farnode.backend.tensor.GgmlType;
import org.lwjgl.vulkan.VkPhysicalDevice;

/**
 * Manual benchmark (not a test): a TinyLlama-shaped GPU shard (22 layers of random Q8_0 or Q4_0
 * weights) on its own, without the gateway: a 64-position prompt, then decode steps, each timed
 * from submission to completion; then one step of each kind with a GPU timestamp after every op,
 * to show where the time goes.
 *
 * <pre>java -cp ... org.farnode.backend.vulkan.GpuShardBenchmark [device index|auto] [THREADSxROWS]</pre>
 */
public final class GpuShardBenchmark {
    private static final GpuShardShape TINYLLAMA = new GpuShardShape(2048, 5632, 32, 4, 2048, 1e-5f, 64);
    private static final int LAYERS = 22;
    private static final int PROMPT = 64;
    private static final int STEPS = 64;

    public static void main(String[] args) throws Exception {
        if (args.length > 1) {
            System.setProperty(MatvecShape.PROPERTY, args[1]);
        }
        try (VulkanInstance vulkan = VulkanInstance.open(false)) {
            List<VkPhysicalDevice> devices = vulkan.physicalDevices();
            int chosen = args.length > 0 && !args[0].equals("auto") ? Integer.parseInt(args[0]) : GpuMatmulBenchmark.preferDiscrete(devices);
            try (VulkanDevice device = VulkanDevice.open(devices.get(chosen))) {
                ShaderCompiler compiler = new ShaderCompiler(Files.createTempDirectory("spirv"));
                GpuBandwidth bandwidth = GpuBandwidth.measure(device, compiler, 1L << 30, 30);
                System.out.println("device " + device.name() + ", memory: " + bandwidth + ", vector kernel " + MatvecShape.configured());
                for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
                    run(device, compiler, type, bandwidth);
                }
            }
        }
    }

    private static void run(VulkanDevice device, ShaderCompiler compiler, GgmlType type, GpuBandwidth bandwidth) {
        SplittableRandom random = new SplittableRandom(7);
        int dim = TINYLLAMA.dim();
        int kv = TINYLLAMA.kvDim();
        int ffn = TINYLLAMA.ffn();
        List<GpuLayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            layers.add(new GpuLayerWeights(RandomBlocks.ones("norm", dim), RandomBlocks.matrix("q", type, dim, dim, random),
                    RandomBlocks.matrix("k", type, dim, kv, random), RandomBlocks.matrix("v", type, dim, kv, random),
                    RandomBlocks.matrix("o", type, dim, dim, random), RandomBlocks.ones("ffn norm", dim),
                    RandomBlocks.matrix("gate", type, dim, ffn, random), RandomBlocks.matrix("up", type, dim, ffn, random),
                    RandomBlocks.matrix("down", type, ffn, dim, random)));
        }
        RopeTable rope = new RopeTable(TINYLLAMA.headSize(), TINYLLAMA.contextLength(), 10000.0);
        try (GpuShard shard = new GpuShard(device, compiler, TINYLLAMA, layers, rope, Long.MAX_VALUE);
             GpuShardSession session = shard.openSession()) {
            float[] prompt = new float[PROMPT * dim];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = (float) random.nextGaussian();
            }
            Map<String, Double> prefill = session.forwardProfiled(0, prompt, PROMPT);
            float[] x = Arrays.copyOf(prompt, dim);
            long warmUntil = System.nanoTime() + 1_000_000_000L; // a GPU idle until now runs at low clocks for a while
            while (System.nanoTime() < warmUntil && session.length() < TINYLLAMA.contextLength() - STEPS - 1) {
                session.forward(session.length(), x, 1);
            }
            session.truncate(PROMPT);
            double[] us = new double[STEPS];
            for (int s = 0; s < STEPS; s++) {
                long start = System.nanoTime();
                session.forward(session.length(), x, 1);
                us[s] = (System.nanoTime() - start) / 1e3;
            }
            Map<String, Double> decode = session.forwardProfiled(session.length(), x, 1);
            Arrays.sort(us);
            double median = us[STEPS / 2];
            double gbps = shard.weightBytes() / (median / 1e6) / 1e9;
            System.out.printf("%s shard, %d layers, %.3f GB of weights: decode step median %.1f us (fastest %.1f) at positions %d-%d"
                            + " = %.0f steps/s, %.1f GB/s = %.0f%% of %.1f GB/s%n", type, LAYERS, shard.weightBytes() / 1e9, median, us[0],
                    PROMPT, PROMPT + STEPS, 1e6 / median, gbps, 100 * gbps / bandwidth.gigabytesPerSecond(), bandwidth.gigabytesPerSecond());
            System.out.println("  one decode step by op (GPU timestamps, us): " + format(decode));
            System.out.println("  the 64-position prompt by op (GPU timestamps, us): " + format(prefill));
        }
    }

    private static String format(Map<String, Double> byOp) {
        StringBuilder text = new StringBuilder();
        byOp.forEach((op, us) -> text.append(text.isEmpty() ? "" : ", ").append(op).append(' ').append(String.format("%.1f", us)));
        return text.toString();
    }
}
