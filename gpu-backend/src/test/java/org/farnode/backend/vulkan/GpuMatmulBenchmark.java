package org.farnode.backend.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
import static org.lwjgl.vulkan.VK10.vkGetPhysicalDeviceProperties;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.farnode.backend.ops.ReferenceOps;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkCommandBuffer;
import org.lwjgl.vulkan.VkPhysicalDevice;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties;

/**
 * Manual benchmark (not a test): the Vulkan matrix products of one decode step of a
 * TinyLlama-shaped model as a GPU shard runs them (per layer the stacked Q/K/V product, the
 * output product, the stacked gate/up product and the down product reading SwiGLU of gate and up;
 * then the 32000-row output), in model order with a barrier between products; for each
 * single-vector kernel shape given, and the device's read bandwidth for scale. Unless
 * {@code decode-only}, also the same products for a batch of 64 vectors (prefill).
 *
 * <pre>java -cp ... org.farnode.backend.vulkan.GpuMatmulBenchmark [device index|auto] [decode-only] [THREADSxROWS,...]</pre>
 */
public final class GpuMatmulBenchmark {
    private static final int DIM = 2048;
    private static final int FFN = 5632;
    private static final int KV = 256;
    private static final int LAYERS = 22;
    private static final int VOCAB = 32000;

    public static void main(String[] args) throws Exception {
        try (VulkanInstance vulkan = VulkanInstance.open(false)) {
            List<VkPhysicalDevice> devices = vulkan.physicalDevices();
            int chosen = args.length > 0 && !args[0].equals("auto") ? Integer.parseInt(args[0]) : preferDiscrete(devices);
            boolean decodeOnly = args.length > 1 && args[1].equals("decode-only");
            List<MatvecShape> shapes = args.length > 2 ? Arrays.stream(args[2].split(",")).map(MatvecShape::parse).toList()
                    : List.of(MatvecShape.DEFAULT);
            try (VulkanDevice device = VulkanDevice.open(devices.get(chosen))) {
                ShaderCompiler compiler = new ShaderCompiler(Files.createTempDirectory("spirv"));
                System.out.println("device " + chosen + ": " + device.name());
                GpuBandwidth bandwidth = GpuBandwidth.measure(device, compiler, 1L << 30, 30);
                System.out.println("memory: " + bandwidth);
                for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
                    List<GpuMatrix> matrices = decodeStepMatrices(device, type);
                    try {
                        for (MatvecShape shape : shapes) {
                            try (GpuMatmul matmul = new GpuMatmul(device, compiler, 32, shape)) {
                                if (type == GgmlType.Q8_0) {
                                    spotCheck(device, matmul, shape);
                                }
                                sweep(device, matmul, type, matrices, 1, "vector kernel " + shape, bandwidth);
                            }
                        }
                        if (!decodeOnly) {
                            try (GpuMatmul matmul = new GpuMatmul(device, compiler)) {
                                sweep(device, matmul, type, matrices, 64, "batch kernel", bandwidth);
                            }
                        }
                    } finally {
                        matrices.forEach(GpuMatrix::close);
                    }
                }
            }
        }
    }

    static int preferDiscrete(List<VkPhysicalDevice> devices) {
        try (MemoryStack stack = stackPush()) {
            for (int i = 0; i < devices.size(); i++) {
                VkPhysicalDeviceProperties properties = VkPhysicalDeviceProperties.malloc(stack);
                vkGetPhysicalDeviceProperties(devices.get(i), properties);
                System.out.println("found device " + i + ": " + properties.deviceNameString() + " (type " + properties.deviceType() + ")");
                if (properties.deviceType() == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU) {
                    return i;
                }
            }
        }
        return 0;
    }

    /** One product of each type against the reference, so timings are of correct code on this driver. */
    private static void spotCheck(VulkanDevice device, GpuMatmul matmul, MatvecShape shape) {
        ReferenceOps reference = new ReferenceOps();
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0}) {
            for (int batch : new int[] {1, 3}) {
                Tensor w = org.farnode.backend.ops.RandomTensors.randomTensor(type, 2048, 37, 5);
                float[] x = org.farnode.backend.ops.RandomTensors.randomFloats(2048 * batch, 9);
                float[] expected = new float[37 * batch];
                float[] actual = new float[37 * batch];
                reference.matmul(w, x, expected, batch);
                try (GpuMatrix gpu = GpuMatrix.upload(device, w)) {
                    matmul.multiply(gpu, x, actual, batch);
                }
                double worst = 0;
                for (int i = 0; i < actual.length; i++) {
                    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
                }
                System.out.printf("check %s 2048x37 batch %d (vector kernel %s): largest relative difference from the reference %.2e%s%n",
                        type, batch, shape, worst, worst > 1e-4 ? "  <-- WRONG" : "");
            }
        }
    }

    /** Per layer: stacked Q/K/V, output, stacked gate/up, down; then the output matrix. */
    private static List<GpuMatrix> decodeStepMatrices(VulkanDevice device, GgmlType type) {
        List<GpuMatrix> matrices = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(42);
        for (int layer = 0; layer < LAYERS; layer++) {
            for (int[] shape : new int[][] {{DIM, DIM + 2 * KV}, {DIM, DIM}, {DIM, 2 * FFN}, {FFN, DIM}}) {
                matrices.add(GpuMatrix.upload(device, randomBlocks(type, shape[0], shape[1], random)));
            }
        }
        matrices.add(GpuMatrix.upload(device, randomBlocks(type, DIM, VOCAB, random)));
        return matrices;
    }

    private static void sweep(VulkanDevice device, GpuMatmul matmul, GgmlType type, List<GpuMatrix> matrices, int batch, String kernel,
                              GpuBandwidth bandwidth) {
        long bytes = 0;
        for (GpuMatrix m : matrices) {
            bytes += m.bytes();
        }
        try (GpuBuffer x = GpuBuffer.deviceLocal(device, 4L * 2 * FFN * batch);
             GpuBuffer y = GpuBuffer.deviceLocal(device, 4L * VOCAB * batch)) {
            x.zero();
            List<Long> sets = new ArrayList<>();
            for (GpuMatrix m : matrices) {
                sets.add(matmul.bind(m, x, y));
            }
            VkCommandBuffer commands = device.recordReusable(c -> {
                for (int i = 0; i < matrices.size(); i++) {
                    GpuMatrix m = matrices.get(i);
                    boolean down = i % 4 == 3 && i < 4 * LAYERS;
                    if (down && batch == 1) {
                        matmul.recordOfSwiglu(c, m, sets.get(i), FFN, true);
                    } else {
                        matmul.record(c, m, sets.get(i), batch, down ? 2 * FFN : m.xStride(), m.rows(), i % 2 == 1);
                    }
                    VulkanDevice.computeBarrier(c);
                }
            });
            // A second of work first: a GPU that idled while the weights were generated runs
            // at low clocks until it has been busy for a while.
            long warmUntil = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < warmUntil) {
                device.submitAndWait(commands);
            }
            double[] ms = new double[batch == 1 ? 200 : 10];
            for (int run = 0; run < ms.length; run++) {
                long start = System.nanoTime();
                device.submitAndWait(commands);
                ms[run] = (System.nanoTime() - start) / 1e6;
            }
            device.free(commands);
            for (int i = 0; i < matrices.size(); i++) {
                matmul.release(matrices.get(i), sets.get(i));
            }
            Arrays.sort(ms);
            double median = ms[ms.length / 2];
            double gbps = bytes / (median / 1e3) / 1e9;
            if (batch == 1) {
                System.out.printf("%s decode sweep, %s, %d products: %.2f GB of weights, median %.3f ms (fastest %.3f) over %d runs = %.1f GB/s = %.0f%% of %.1f GB/s%n",
                        type, kernel, matrices.size(), bytes / 1e9, median, ms[0], ms.length, gbps,
                        100 * gbps / bandwidth.gigabytesPerSecond(), bandwidth.gigabytesPerSecond());
            } else {
                double flops = 0;
                for (GpuMatrix m : matrices) {
                    flops += 2.0 * m.rows() * m.columns() * batch;
                }
                System.out.printf("%s prefill sweep, %s (batch %d): median %.3f ms = %.1f GFLOP/s; %.1f tokens/s through the matrices%n",
                        type, kernel, batch, median, flops / (median / 1e3) / 1e9, batch * 1e3 / median);
            }
        }
    }

    private static Tensor randomBlocks(GgmlType type, int columns, int rows, SplittableRandom random) {
        return RandomBlocks.matrix("bench", type, columns, rows, random);
    }
}
