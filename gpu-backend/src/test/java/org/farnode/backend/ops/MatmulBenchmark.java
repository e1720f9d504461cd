package org.farnode.backend.ops;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;

/**
 * Matmul speed on TinyLlama-1.1B-shaped weights (dim 2048, ffn 5632, 4 KV heads of 64), the
 * figures behind the CPU backend's speed claims. Not a unit test: run it by hand.
 *
 * <p>Decode: every layer's seven matrices times one vector, in model order, over enough distinct
 * layers that the weights exceed 1 GB and come from DRAM; reported as weight bytes streamed per
 * second and as a share of {@link MemoryBandwidth} measured in the same run with the same threads.
 * Prefill: the same matrices times a batch of 64 vectors, reported in GFLOP/s (2 per weight per
 * vector).
 *
 * <pre>
 * mvn -q -B -pl gpu-backend test-compile
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx2g \
 *      -cp gpu-backend/target/classes:gpu-backend/target/test-classes \
 *      org.farnode.backend.ops.MatmulBenchmark [threads] [types...]
 * </pre>
 */
public final class MatmulBenchmark {
    private static final int DIM = 2048;
    private static final int KV_DIM = 256;
    private static final int FFN = 5632;
    private static final long MIN_WORKING_SET = 1_100_000_000L;
    private static final int PREFILL_BATCH = 64;
    private static final int PREFILL_LAYERS = 2;

    /** One layer's matrices as [columns, rows]: q, k, v, o, gate, up, down. */
    private static final int[][] LAYER = {
            {DIM, DIM}, {DIM, KV_DIM}, {DIM, KV_DIM}, {DIM, DIM}, {DIM, FFN}, {DIM, FFN}, {FFN, DIM}};

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        List<GgmlType> types = args.length > 1
                ? Arrays.stream(args).skip(1).map(GgmlType::valueOf).toList()
                : List.of(GgmlType.Q8_0, GgmlType.Q4_0);
        MemoryBandwidth bandwidth = MemoryBandwidth.measure(threads);
        System.out.println("memory: " + bandwidth);
        try (CpuOps ops = new CpuOps(threads)) {
            System.out.println("ops: " + ops.name());
            for (GgmlType type : types) {
                run(ops, type, bandwidth);
            }
        }
    }

    private static void run(CpuOps ops, GgmlType type, MemoryBandwidth bandwidth) {
        long layerBytes = Arrays.stream(LAYER).mapToLong(s -> type.bytesFor((long) s[0] * s[1])).sum();
        int layers = (int) Math.max(22, (MIN_WORKING_SET + layerBytes - 1) / layerBytes);
        try (Arena arena = Arena.ofShared()) {
            List<Tensor[]> model = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(7);
            for (int l = 0; l < layers; l++) {
                Tensor[] matrices = new Tensor[LAYER.length];
                for (int m = 0; m < LAYER.length; m++) {
                    matrices[m] = randomMatrix(arena, "blk." + l + "." + m, type, LAYER[m][0], LAYER[m][1], random);
                }
                model.add(matrices);
            }
            long totalBytes = layerBytes * layers;
            System.out.printf("%n%s: %d layers, %.2f GB of weights%n", type, layers, totalBytes / 1e9);
            decode(ops, model, totalBytes, bandwidth);
            prefill(ops, model.subList(0, PREFILL_LAYERS));
        }
    }

    private static void decode(CpuOps ops, List<Tensor[]> model, long totalBytes, MemoryBandwidth bandwidth) {
        float[] x = randomVector(FFN, 1);
        float[] out = new float[FFN];
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < 8; pass++) {
            long start = System.nanoTime();
            for (Tensor[] layer : model) {
                for (Tensor w : layer) {
                    ops.matmul(w, x, out, 1);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (pass >= 2) {
                best = Math.min(best, seconds);
            }
        }
        double rate = totalBytes / best / 1e9;
        System.out.printf("  decode  (batch 1): %.1f GB/s = %.0f%% of %.1f GB/s; %.2f ms per %d-layer sweep%n",
                rate, 100 * rate / bandwidth.gigabytesPerSecond(), bandwidth.gigabytesPerSecond(), best * 1e3, model.size());
        for (int m = 0; m < LAYER.length; m++) {
            if (m == 2 || m == 3 || m == 5) {
                continue; // same shape as the one before
            }
            double shapeBest = Double.MAX_VALUE;
            long bytes = 0;
            for (int pass = 0; pass < 6; pass++) {
                long start = System.nanoTime();
                bytes = 0;
                for (Tensor[] layer : model) {
                    ops.matmul(layer[m], x, out, 1);
                    bytes += layer[m].data().byteSize();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (pass >= 1) {
                    shapeBest = Math.min(shapeBest, seconds);
                }
            }
            double shapeRate = bytes / shapeBest / 1e9;
            System.out.printf("    [%d -> %d]: %.1f GB/s (%.0f%%), %.0f us each%n", LAYER[m][0], LAYER[m][1], shapeRate,
                    100 * shapeRate / bandwidth.gigabytesPerSecond(), shapeBest / model.size() * 1e6);
        }
    }

    private static void prefill(CpuOps ops, List<Tensor[]> layers) {
        float[] x = randomVector(FFN * PREFILL_BATCH, 2);
        float[] out = new float[FFN * PREFILL_BATCH];
        double flops = 0;
        for (int[] shape : LAYER) {
            flops += 2.0 * shape[0] * shape[1] * PREFILL_BATCH * layers.size();
        }
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < 6; pass++) {
            long start = System.nanoTime();
            for (Tensor[] layer : layers) {
                for (Tensor w : layer) {
                    ops.matmul(w, x, out, PREFILL_BATCH);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (pass >= 2) {
                best = Math.min(best, seconds);
            }
        }
        System.out.printf("  prefill (batch %d): %.1f GFLOP/s; %.1f ms per layer for %d tokens%n", PREFILL_BATCH,
                flops / best / 1e9, best / layers.size() * 1e3, PREFILL_BATCH);
    }

    /**
     * Random weights of {@code type}, written as bytes directly (quantizing a gigabyte of floats
     * would take minutes): random quants and a small positive f16 scale (and min) per block.
     */
    static Tensor randomMatrix(Arena arena, String name, GgmlType type, int columns, int rows, SplittableRandom random) {
        long bytes = type.bytesFor((long) columns * rows);
        MemorySegment data = arena.allocate(bytes, 64);
        for (long i = 0; i + 8 <= bytes; i += 8) {
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong());
        }
        if (type == GgmlType.Q8_0 || type == GgmlType.Q4_0) {
            for (long block = 0; block < bytes; block += type.bytesPerBlock()) {
                float scale = (float) (0.001 + 0.01 * random.nextDouble());
                data.set(ValueLayout.JAVA_SHORT_UNALIGNED, block, Float.floatToFloat16(scale));
            }
        } else if (type.blockSize() == 256) {
            for (long block = 0; block < bytes; block += type.bytesPerBlock()) {
                for (int at : RandomTensors.halfScaleOffsets(type)) {
                    float scale = (float) (0.0001 + 0.001 * random.nextDouble());
                    data.set(ValueLayout.JAVA_SHORT_UNALIGNED, block + at, Float.floatToFloat16(scale));
                }
            }
        } else if (type == GgmlType.F32) {
            for (long i = 0; i < bytes; i += 4) {
                data.set(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) random.nextGaussian());
            }
        } else {
            throw new IllegalArgumentException("benchmark supports Q8_0, Q4_0, the K-quants and F32, not " + type);
        }
        return new Tensor(name, type, new long[] {columns, rows}, data);
    }

    private static float[] randomVector(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
