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
import java.util.function.BiConsumer;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkCommandBuffer;
import org.lwjgl.vulkan.VkPhysicalDevice;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties;

/**
 * Manual check and benchmark (not a test) of {@link GpuCoopMatmul}, for a GPU machine: the
 * device's cooperative-matrix offers and the shape chosen; {@link CoopMatmulCheck#CASES} (the
 * cases of {@code GpuCoopMatmulTest}) with their errors; then the prefill sweep, the products of
 * 22 TinyLlama-shaped layers (q, k, v, o, gate, up, down) in model order with a barrier between
 * them, at batches of 16 to 256, for Q8_0 and Q4_0, through GpuMatmul's portable batched
 * kernel and through GpuCoopMatmul in several tiles, in ms and TFLOP/s. A wrong result or a
 * failing part is printed (WRONG / FAILED) and the rest still runs.
 *
 * <pre>java -cp ... org.farnode.backend.vulkan.GpuCoopMatmulBenchmark [device index|auto] [default-only]</pre>
 *
 * {@code default-only} times the default tile alone (a shorter run).
 */
public final class GpuCoopMatmulBenchmark {
    private static final int DIM = 2048;
    private static final int FFN = 5632;
    private static final int KV = 256;
    private static final int LAYERS = 22;
    private static final int[] BATCHES = {16, 32, 64, 128, 256};
    /**
     * The default (32 rows × 64 vectors, eight subgroups), then for comparison: 64 × 64 of four
     * subgroups of 2 × 2 accumulators (the first default), fewer vectors a tile (less waste on small
     * batches: 32 × 32, 64 × 32, 128 × 16), and a shorter step.
     */
    private static final List<GpuCoopMatmul.Tile> TILES = List.of(GpuCoopMatmul.Tile.DEFAULT,
            new GpuCoopMatmul.Tile(2, 2, 2, 2, 2), new GpuCoopMatmul.Tile(2, 2, 1, 1, 2),
            new GpuCoopMatmul.Tile(4, 2, 1, 1, 2), new GpuCoopMatmul.Tile(8, 1, 1, 1, 2),
            new GpuCoopMatmul.Tile(2, 4, 1, 1, 1));
    private static List<GpuCoopMatmul.Tile> tiles = TILES;

    public static void main(String[] args) throws Exception {
        try (VulkanInstance vulkan = VulkanInstance.open(false)) {
            List<VkPhysicalDevice> devices = vulkan.physicalDevices();
            int chosen = args.length > 0 && !args[0].equals("auto") ? Integer.parseInt(args[0]) : preferDiscrete(devices);
            if (args.length > 1 && args[1].equals("default-only")) {
                tiles = List.of(GpuCoopMatmul.Tile.DEFAULT);
            }
            System.out.println("cooperative matrix offers of device " + chosen + ":");
            CooperativeMatrices.offers(devices.get(chosen)).forEach(offer -> System.out.println("  " + offer));
            try (VulkanDevice device = VulkanDevice.open(devices.get(chosen))) {
                System.out.println("device " + chosen + ": " + device.name() + "; cooperative matrix for the kernels: "
                        + device.cooperativeMatrix().map(Object::toString).orElse("NONE"));
                if (device.cooperativeMatrix().isEmpty()) {
                    System.out.println("NO COOPERATIVE MATRICES: " + device.name() + " offers none GpuCoopMatmul can use "
                            + "(f16 x f16 + f32 at subgroup scope, shaderFloat16, vulkanMemoryModel, one subgroup size); nothing to measure");
                    return;
                }
                ShaderCompiler compiler = new ShaderCompiler(Files.createTempDirectory("spirv"));
                try (GpuMatmul portable = new GpuMatmul(device, compiler)) {
                    int wrong = check(device, compiler, portable);
                    System.out.println(wrong == 0 ? "check: all " + CoopMatmulCheck.CASES.size() + " cases ok"
                            : "check: " + wrong + " OF " + CoopMatmulCheck.CASES.size() + " CASES WRONG OR FAILED");
                    for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
                        guarded(type + " prefill sweep", () -> sweep(device, compiler, portable, type));
                    }
                }
            }
        }
    }

    /** Runs every check case with the default tile; returns how many were wrong or failed. */
    private static int check(VulkanDevice device, ShaderCompiler compiler, GpuMatmul portable) {
        int wrong = 0;
        try (GpuCoopMatmul coop = new GpuCoopMatmul(device, compiler)) {
            System.out.println("checking " + coop);
            for (CoopMatmulCheck.Case check : CoopMatmulCheck.CASES) {
                try {
                    CoopMatmulCheck.Result result = CoopMatmulCheck.run(device, coop, portable, check);
                    System.out.println("check " + check + ": " + result);
                    wrong += result.passes() ? 0 : 1;
                } catch (RuntimeException e) {
                    System.out.println("check " + check + ": FAILED " + e);
                    wrong++;
                }
            }
        } catch (RuntimeException e) {
            System.out.println("check: FAILED to build GpuCoopMatmul: " + e);
            e.printStackTrace(System.out);
            return CoopMatmulCheck.CASES.size();
        }
        return wrong;
    }

    private static void guarded(String what, Runnable part) {
        try {
            part.run();
        } catch (RuntimeException | Error e) { // also an Error such as running out of LWJGL's stack: report, go on
            System.out.println(what + ": FAILED " + e);
            e.printStackTrace(System.out);
        }
    }

    private static void sweep(VulkanDevice device, ShaderCompiler compiler, GpuMatmul portable, GgmlType type) {
        List<GpuMatrix> matrices = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(42);
        int maxBatch = Arrays.stream(BATCHES).max().orElseThrow();
        try (GpuBuffer x = GpuBuffer.deviceLocal(device, 4L * FFN * maxBatch);
             GpuBuffer y = GpuBuffer.deviceLocal(device, 4L * FFN * maxBatch)) {
            x.zero();
            y.zero();
            for (int layer = 0; layer < LAYERS; layer++) {
                for (int[] shape : new int[][] {{DIM, DIM}, {DIM, KV}, {DIM, KV}, {DIM, DIM}, {DIM, FFN}, {DIM, FFN}, {FFN, DIM}}) {
                    matrices.add(GpuMatrix.upload(device, randomBlocks(type, shape[0], shape[1], random)));
                }
            }
            List<Long> sets = new ArrayList<>();
            for (GpuMatrix m : matrices) {
                sets.add(portable.bind(m, x, y)); // one set per matrix serves both kernels
            }
            try {
                double[] flops = new double[BATCHES.length];
                double[] portableMs = new double[BATCHES.length];
                for (int n = 0; n < BATCHES.length; n++) {
                    int batch = BATCHES[n];
                    for (GpuMatrix m : matrices) {
                        flops[n] += 2.0 * m.rows() * m.columns() * batch;
                    }
                    portableMs[n] = time(device, matrices, (c, i) ->
                            portable.record(c, matrices.get(i), sets.get(i), batch, matrices.get(i).xStride(), matrices.get(i).rows(), false));
                    report(type, batch, "portable GpuMatmul", portableMs[n], flops[n], portableMs[n]);
                }
                double[] bestMs = new double[BATCHES.length];
                String[] bestTile = new String[BATCHES.length];
                Arrays.fill(bestMs, Double.POSITIVE_INFINITY);
                for (GpuCoopMatmul.Tile tile : tiles) {
                    guarded(type + " " + tile, () -> {
                        try (GpuCoopMatmul coop = new GpuCoopMatmul(device, compiler, tile)) {
                            for (CoopMatmulCheck.Case check : List.of(CoopMatmulCheck.CASES.get(9), CoopMatmulCheck.CASES.get(12))) {
                                CoopMatmulCheck.Result result = CoopMatmulCheck.run(device, coop, portable, check);
                                System.out.println("check " + check + " with " + tile + ": " + result);
                                if (!result.passes()) {
                                    System.out.println(type + " " + tile + ": not timed, its results are WRONG");
                                    return;
                                }
                            }
                            for (int n = 0; n < BATCHES.length; n++) {
                                int batch = BATCHES[n];
                                double ms = time(device, matrices, (c, i) ->
                                        coop.record(c, matrices.get(i), sets.get(i), batch, matrices.get(i).xStride(), matrices.get(i).rows(), false));
                                report(type, batch, "coop " + tile, ms, flops[n], portableMs[n]);
                                if (ms < bestMs[n]) {
                                    bestMs[n] = ms;
                                    bestTile[n] = tile.toString();
                                }
                            }
                        }
                    });
                }
                for (int n = 0; n < BATCHES.length; n++) {
                    System.out.printf("SUMMARY %s batch %d: portable %.3f ms, best coop %.3f ms (%.2fx) with %s%n", type, BATCHES[n],
                            portableMs[n], bestMs[n], portableMs[n] / bestMs[n], bestTile[n]);
                }
            } finally {
                for (int i = 0; i < matrices.size(); i++) {
                    portable.release(matrices.get(i), sets.get(i));
                }
            }
        } finally {
            matrices.forEach(GpuMatrix::close);
        }
    }

    private static void report(GgmlType type, int batch, String kernel, double ms, double flops, double portableMs) {
        System.out.printf("%s prefill sweep, batch %d, %s: median %.3f ms = %.2f TFLOP/s, %.0f tokens/s through the matrices (%.2fx portable)%n",
                type, batch, kernel, ms, flops / (ms / 1e3) / 1e12, batch * 1e3 / ms, portableMs / ms);
    }

    /** Median ms of one pass over {@code matrices}, recorded once by {@code record(commands, index)}, after warm-up. */
    private static double time(VulkanDevice device, List<GpuMatrix> matrices, BiConsumer<VkCommandBuffer, Integer> record) {
        VkCommandBuffer commands = device.recordReusable(c -> {
            for (int i = 0; i < matrices.size(); i++) {
                record.accept(c, i);
                VulkanDevice.computeBarrier(c);
            }
        });
        try {
            // a GPU that idled (while weights were made or results checked on the CPU) runs at low
            // clocks until it has been busy a while
            long warmUntil = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < warmUntil) {
                device.submitAndWait(commands);
            }
            double[] ms = new double[10];
            for (int run = 0; run < ms.length; run++) {
                long start = System.nanoTime();
                device.submitAndWait(commands);
                ms[run] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(ms);
            return ms[ms.length / 2];
        } finally {
            device.free(commands);
        }
    }

    private static int preferDiscrete(List<VkPhysicalDevice> devices) {
        try (MemoryStack stack = stackPush()) {
            for (int i = 0; i < devices.size(); i++) {
                VkPhysicalDeviceProperties properties = VkPhysicalDeviceProperties.malloc(stack);
                vkGetPhysicalDeviceProperties(devices.get(i), properties);
                System.out.println("found device " + i + ": " + properties.deviceNameString());
                if (properties.deviceType() == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU) {
                    return i;
                }
            }
        }
        return 0;
    }

    /** Random quants with small valid f16 scales: what the kernels read, not what they mean. */
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
