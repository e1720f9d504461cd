package org.farnode.backend.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.farnode.backend.ops.RandomTensors.randomFloats;

import java.util.Arrays;
import java.util.List;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The promise of {@link CpuOps}'s class comment: the same bits for any thread count, and for a
 * vector alone or inside a batch. Sharded models compare logits bit for bit, so "close" is not
 * enough here.
 */
class CpuOpsDeterminismTest {
    private static final List<GgmlType> TYPES = CpuOpsConformanceTest.TYPES;

    /** A row length that is not a multiple of the vector steps for plain types, and whole blocks for the others. */
    private static int columns(GgmlType type) {
        return switch (type.blockSize()) {
            case 1 -> 2085;
            case 32 -> 2080;
            default -> 2304;
        };
    }

    @ParameterizedTest(name = "vectors={0}")
    @ValueSource(booleans = {true, false})
    void matmulGivesTheSameBitsForAnyThreadCount(boolean vectors) {
        for (GgmlType type : TYPES) {
            int columns = columns(type);
            Tensor w = CpuOpsConformanceTest.weights(type, columns, 301, 11);
            for (int batch : new int[] {1, 9}) {
                float[] x = randomFloats(batch * columns, 3);
                float[] single = multiply(w, x, batch, 1, vectors);
                for (int threads : new int[] {2, 3}) {
                    assertThat(multiply(w, x, batch, threads, vectors))
                            .as("%s batch %d, %d threads vs 1", w, batch, threads)
                            .containsExactly(single);
                }
            }
        }
    }

    @ParameterizedTest(name = "vectors={0}")
    @ValueSource(booleans = {true, false})
    void aVectorGivesTheSameBitsAloneAndInsideABatch(boolean vectors) {
        int batch = 11;
        for (GgmlType type : TYPES) {
            int columns = columns(type);
            int rows = 67;
            Tensor w = CpuOpsConformanceTest.weights(type, columns, rows, 13);
            float[] x = randomFloats(batch * columns, 5);
            float[] batched = multiply(w, x, batch, 2, vectors);
            for (int b = 0; b < batch; b++) {
                float[] alone = multiply(w, Arrays.copyOfRange(x, b * columns, (b + 1) * columns), 1, 2, vectors);
                assertThat(Arrays.copyOfRange(batched, b * rows, (b + 1) * rows))
                        .as("%s vector %d of %d", w, b, batch)
                        .containsExactly(alone);
            }
        }
    }

    @ParameterizedTest(name = "vectors={0}")
    @ValueSource(booleans = {true, false})
    void attentionGivesTheSameBitsForAnyThreadCount(boolean vectors) {
        int heads = 32;
        int kvHeads = 4;
        int headSize = 64;
        int positions = 257;
        float[] q = randomFloats(heads * headSize, 1);
        float[] keys = randomFloats(positions * kvHeads * headSize, 2);
        float[] values = randomFloats(positions * kvHeads * headSize, 3);
        float[] single = new float[heads * headSize];
        try (CpuOps ops = new CpuOps(1, vectors)) {
            ops.attention(q, 0, keys, values, positions, heads, kvHeads, headSize, single, 0);
        }
        for (int threads : new int[] {2, 3}) {
            float[] out = new float[heads * headSize];
            try (CpuOps ops = new CpuOps(threads, vectors)) {
                ops.attention(q, 0, keys, values, positions, heads, kvHeads, headSize, out, 0);
            }
            assertThat(out).as("%d threads vs 1", threads).containsExactly(single);
        }
    }

    private static float[] multiply(Tensor w, float[] x, int batch, int threads, boolean vectors) {
        float[] out = new float[batch * w.rows()];
        try (CpuOps ops = new CpuOps(threads, vectors)) {
            ops.matmul(w, x, out, batch);
        }
        return out;
    }
}
