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
 * Manual benchmark (not a test): the Vulkan matrix products over the seven matrices of each of
 * 22 TinyLlama-shaped layers plus the 32000-row output, in model order with a barrier between
 * products, as one decode step's weight traffic; and the device's read bandwidth for scale.
 *
 * <pre>java -cp ... org.farnode.backend.vulkan.GpuMatmulBenchmark [device index] [decode-only]</pre>
 */
public final class GpuMatmulBenchmark {
    private static final int DIM = 2048;
    private static final int FFN = 5632;
    private static final int KV = 256;
    private static final int LAYERS = 22;
    private static final int VOCAB = 32000;
    private static boolean decodeOnly;

    public static void main(String[] args) throws Exception {
        try (VulkanInstance vulkan = VulkanInstance.open(false)) {
            List<VkPhysicalDevice> devices = vulkan.physicalDevices();
            int chosen = args.length > 0 && !args[0].equals("auto") ? Integer.parseInt(args[0]) : preferDiscrete(devices);
            decodeOnly = args.length > 1 && args[1].equals("decode-only");
            try (VulkanDevice device = VulkanDevice.open(devices.get(chosen))) {
                ShaderCompiler compiler = new ShaderCompiler(Files.createTempDirectory("spirv"));
                System.out.println("device " + chosen + ": " + device.name());
                GpuBandwidth bandwidth = GpuBandwidth.measure(device, compiler, 1L << 30, 30);
                System.out.println("memory: " + bandwidth);
                for (int threads : new int[] {32, 64, 128}) {
                    try (GpuMatmul matmul = new GpuMatmul(device, compiler, threads)) {
                        System.out.println("-- " + threads + " threads per row");
                        spotCheck(device, matmul);
                        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
                            sweep(device, matmul, type, bandwidth);
                        }
                    }
                    if (decodeOnly) {
                        break;
                    }
                }
            }
        }
    }

    private static int preferDiscrete(List<VkPhysicalDevice> devices) {
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
    private static void spotCheck(VulkanDevice device, GpuMatmul matmul) {
        ReferenceOps reference = new ReferenceOps();
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0}) {
            Tensor w = org.farnode.backend.ops.RandomTensors.randomTensor(type, 2048, 37, 5);
            float[] x = org.farnode.backend.ops.RandomTensors.randomFloats(2048 * 3, 9);
            float[] expected = new float[37 * 3];
            float[] actual = new float[37 * 3];
            reference.matmul(w, x, expected, 3);
            try (GpuMatrix gpu = GpuMatrix.upload(device, w)) {
                matmul.multiply(gpu, x, actual, 3);
            }
            double worst = 0;
            for (int i = 0; i < actual.length; i++) {
                worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
            }
            System.out.printf("check %s 2048x37 batch 3: largest relative difference from the reference %.2e%n", type, worst);
        }
    }

    private static void sweep(VulkanDevice device, GpuMatmul matmul, GgmlType type, GpuBandwidth bandwidth) {
        List<GpuMatrix> matrices = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(42);
        long bytes = 0;
        try (GpuBuffer x = GpuBuffer.deviceLocal(device, 4L * FFN * 64);
             GpuBuffer y = GpuBuffer.deviceLocal(device, 4L * VOCAB * 64)) {
            for (int layer = 0; layer < LAYERS; layer++) {
                for (int[] shape : new int[][] {{DIM, DIM}, {DIM, KV}, {DIM, KV}, {DIM, DIM}, {DIM, FFN}, {DIM, FFN}, {FFN, DIM}}) {
                    matrices.add(GpuMatrix.upload(device, randomBlocks(type, shape[0], shape[1], random)));
                }
            }
            matrices.add(GpuMatrix.upload(device, randomBlocks(type, DIM, VOCAB, random)));
            for (GpuMatrix m : matrices) {
                bytes += m.bytes();
            }
            for (int batch : decodeOnly ? new int[] {1} : new int[] {1, 64}) {
                List<Long> sets = new ArrayList<>();
                for (GpuMatrix m : matrices) {
                    sets.add(matmul.bind(m, x, y));
                }
                int b = batch;
                VkCommandBuffer commands = device.recordReusable(c -> {
                    for (int i = 0; i < matrices.size(); i++) {
                        matmul.record(c, matrices.get(i), sets.get(i), b);
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
                    System.out.printf("%s decode sweep (batch 1): %.2f GB of weights, median %.3f ms (fastest %.3f) over %d runs = %.1f GB/s = %.0f%% of %.1f GB/s; %.1f sweeps/s%n",
                            type, bytes / 1e9, median, ms[0], ms.length, gbps, 100 * gbps / bandwidth.gigabytesPerSecond(),
                            bandwidth.gigabytesPerSecond(), 1e3 / median);
                } else {
                    double flops = 0;
                    for (GpuMatrix m : matrices) {
                        flops += 2.0 * m.rows() * m.columns() * batch;
                    }
                    System.out.printf("%s prefill sweep (batch %d): median %.3f ms = %.1f GFLOP/s; %.1f tokens/s through the matrices%n",
                            type, batch, median, flops / (median / 1e3) / 1e9, batch * 1e3 / median);
                }
            }
        } finally {
            matrices.forEach(GpuMatrix::close);
        }
    }

    /** A matrix of random quantized blocks with small valid f16 scales: what the kernels read, not what they mean. */
    private static Tensor randomBlocks(GgmlType type, int columns, int rows, SplittableRandom random) {
        long blocks = (long) rows * columns / 32;
        int blockBytes = type == GgmlType.Q8_0 ? 34 : 18;
        MemorySegment data = Arena.ofAuto().allocate(blocks * blockBytes, 8);
        for (long i = 0; i + 8 <= data.byteSize(); i += 8) {
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong());
        }
        for (long k = 0; k < blocks; k++) {
            data.set(ValueLayout.JAVA_SHORT_UNALIGNED, k * blockBytes, Float.floatToFloat16(0.001f + random.nextFloat() * 0.01f));
        }
        return new Tensor("bench", type, new long[] {columns, rows}, data);
    }
}
