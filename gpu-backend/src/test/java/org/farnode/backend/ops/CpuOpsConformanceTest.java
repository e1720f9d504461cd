package org.farnode.backend.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.farnode.backend.ops.RandomTensors.randomBlocks;
import static org.farnode.backend.ops.RandomTensors.randomFloats;
import static org.farnode.backend.ops.RandomTensors.randomTensor;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;
import org.farnode.backend.tensor.UnsupportedTensorTypeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operation of {@link CpuOps}, on the vector and the scalar path with 1, 2 and 3 threads,
 * against {@link ReferenceOps} on seeded random data.
 *
 * <p>Tolerance: the kernels accumulate in float, the reference in double, and both see the same
 * dequantized weights, so the only difference is float rounding in the sums. A float sum of
 * {@code n} products, split over {@code k} chains, is off by at most about
 * {@code (n/k + log n)·2^-24·Σ|w·x|}; our longest chains (2080 columns over 32 vector lanes or 4
 * scalar accumulators) give a bound near {@code 3·10^-5}, and random signs make the typical error
 * far smaller. We allow {@code 1e-5·Σ|w·x| + 1e-30} per output: tight enough to catch a wrong
 * scale, a swapped nibble or a dropped block (each off by a large fraction of the sum), and never
 * reached by rounding alone in practice.
 */
class CpuOpsConformanceTest {
    private static final double RELATIVE_TOLERANCE = 1e-5;
    private static final int[] THREADS = {1, 2, 3};
    private static final int[] ROWS = {1, 3, 67};
    private static final int[] BATCHES = {1, 2, 5, 9};

    private static final ReferenceOps REFERENCE = new ReferenceOps();

    static Stream<Arguments> backends() {
        List<Arguments> all = new ArrayList<>();
        for (boolean vectors : new boolean[] {true, false}) {
            for (int threads : THREADS) {
                all.add(Arguments.of(vectors, threads));
            }
        }
        return all.stream();
    }

    /** Every type with kernels; K-quants as random super-blocks, the others as quantized Gaussians. */
    static final List<GgmlType> TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);

    static Tensor weights(GgmlType type, int columns, int rows, long seed) {
        return type.blockSize() == 256 ? randomBlocks(type, columns, rows, seed) : randomTensor(type, columns, rows, seed);
    }

    static Stream<Arguments> matmulCases() {
        List<Arguments> all = new ArrayList<>();
        for (GgmlType type : TYPES) {
            int[] columns = switch (type.blockSize()) {
                case 1 -> new int[] {1, 7, 37, 96, 2080};
                case 32 -> new int[] {32, 96, 2080};
                default -> new int[] {256, 768, 2304};
            };
            for (int c : columns) {
                for (int r : ROWS) {
                    all.add(Arguments.of(type, c, r));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} [{1} -> {2}]")
    @MethodSource("matmulCases")
    void matmulMatchesReferenceOnEveryPathAndBatch(GgmlType type, int columns, int rows) {
        Tensor w = weights(type, columns, rows, columns * 31 + rows);
        for (int batch : BATCHES) {
            float[] x = randomFloats(batch * columns, batch);
            float[] expected = new float[batch * rows];
            REFERENCE.matmul(w, x, expected, batch);
            float[] magnitudes = absoluteProducts(w, x, batch);
            for (Arguments backend : backends().toList()) {
                boolean vectors = (boolean) backend.get()[0];
                int threads = (int) backend.get()[1];
                try (CpuOps ops = new CpuOps(threads, vectors)) {
                    float[] out = new float[batch * rows];
                    ops.matmul(w, x, out, batch);
                    for (int i = 0; i < out.length; i++) {
                        double allowed = RELATIVE_TOLERANCE * magnitudes[i] + 1e-30;
                        assertThat((double) out[i])
                                .as("%s %s batch %d output %d", ops.name(), w, batch, i)
                                .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(allowed));
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "vectors={0}, threads={1}")
    @MethodSource("backends")
    void readRowDecodesExactly(boolean vectors, int threads) {
        try (CpuOps ops = new CpuOps(threads, vectors)) {
            for (GgmlType type : TYPES) {
                Tensor t = weights(type, 256, 3, 5);
                float[] expected = new float[260];
                float[] actual = new float[260];
                REFERENCE.readRow(t, 2, expected, 4);
                ops.readRow(t, 2, actual, 4);
                assertThat(actual).as("%s", t).containsExactly(expected);
            }
        }
    }

    @ParameterizedTest(name = "vectors={0}, threads={1}")
    @MethodSource("backends")
    void rmsnormMatchesReference(boolean vectors, int threads) {
        for (int size : new int[] {1, 37, 2048}) {
            int batch = 3;
            float[] x = randomFloats(size * batch, size);
            Tensor weight = randomTensor(GgmlType.F32, size, 1, size + 1);
            float[] expected = new float[size * batch];
            float[] actual = new float[size * batch];
            REFERENCE.rmsnorm(expected, x, weight, size, batch, 1e-5f);
            try (CpuOps ops = new CpuOps(threads, vectors)) {
                ops.rmsnorm(actual, x, weight, size, batch, 1e-5f);
            }
            assertRelativelyClose(actual, expected, 1e-5, "rmsnorm size " + size);
        }
    }

    @ParameterizedTest(name = "vectors={0}, threads={1}")
    @MethodSource("backends")
    void ropeMatchesReferenceIncludingPartialRotation(boolean vectors, int threads) {
        int heads = 3;
        int headSize = 16;
        for (RopeTable table : new RopeTable[] {new RopeTable(headSize, 64, 10000), new RopeTable(8, 64, 10000),
                new RopeTable(headSize, 64, 10000, RopeStyle.NEOX, null, 1), new RopeTable(8, 64, 1e6, RopeStyle.NEOX, null, 1),
                new RopeTable(headSize, 64, 500000, RopeStyle.INTERLEAVED, new float[] {1, 1, 1.5f, 2, 4, 8, 8, 8}, 2)}) {
            int ropeDimension = table.ropeDimension();
            float[] expected = randomFloats(5 + heads * headSize, ropeDimension);
            float[] actual = expected.clone();
            float[] original = expected.clone();
            REFERENCE.rope(expected, 5, heads, headSize, table, 37);
            try (CpuOps ops = new CpuOps(threads, vectors)) {
                ops.rope(actual, 5, heads, headSize, table, 37);
            }
            assertRelativelyClose(actual, expected, 1e-6, table.style() + " rope over " + ropeDimension);
            for (int h = 0; h < heads; h++) {
                for (int i = ropeDimension; i < headSize; i++) {
                    int at = 5 + h * headSize + i;
                    assertThat(actual[at]).as("value %d of head %d is past the rope dimension", i, h).isEqualTo(original[at]);
                }
            }
        }
    }

    @ParameterizedTest(name = "vectors={0}, threads={1}")
    @MethodSource("backends")
    void attentionMatchesReferenceWithGroupedHeads(boolean vectors, int threads) {
        int heads = 8;
        int kvHeads = 2;
        int headSize = 20;
        for (int positions : new int[] {1, 7, 300}) {
            float[] q = randomFloats(3 + heads * headSize, positions);
            float[] keys = randomFloats(positions * kvHeads * headSize, positions + 1);
            float[] values = randomFloats(positions * kvHeads * headSize, positions + 2);
            float[] expected = new float[2 + heads * headSize];
            float[] actual = new float[2 + heads * headSize];
            REFERENCE.attention(q, 3, keys, values, positions, heads, kvHeads, headSize, expected, 2);
            try (CpuOps ops = new CpuOps(threads, vectors)) {
                ops.attention(q, 3, keys, values, positions, heads, kvHeads, headSize, actual, 2);
            }
            assertRelativelyClose(actual, expected, 1e-5, "attention over " + positions + " positions");
        }
    }

    @ParameterizedTest(name = "vectors={0}, threads={1}")
    @MethodSource("backends")
    void swigluAndAddMatchReference(boolean vectors, int threads) {
        int n = 5000;
        float[] gate = randomFloats(n, 1);
        float[] up = randomFloats(n, 2);
        float[] expected = gate.clone();
        float[] actual = gate.clone();
        REFERENCE.swiglu(expected, up, n);
        float[] sumExpected = gate.clone();
        float[] sumActual = gate.clone();
        REFERENCE.add(sumExpected, up, n);
        try (CpuOps ops = new CpuOps(threads, vectors)) {
            ops.swiglu(actual, up, n);
            ops.add(sumActual, up, n);
        }
        assertRelativelyClose(actual, expected, 1e-6, "swiglu");
        assertThat(sumActual).containsExactly(sumExpected);
    }

    @ParameterizedTest(name = "vectors={0}, threads={1}")
    @MethodSource("backends")
    void biasAddMatchesReferenceOnEveryRow(boolean vectors, int threads) {
        int size = 48;
        int batch = 3;
        Tensor bias = randomTensor(GgmlType.F32, size, 1, 77);
        float[] expected = randomFloats(size * batch, 9);
        float[] actual = expected.clone();
        float[] original = expected.clone();
        REFERENCE.addBias(expected, bias, size, batch);
        try (CpuOps ops = new CpuOps(threads, vectors)) {
            ops.addBias(actual, bias, size, batch);
        }
        assertThat(actual).containsExactly(expected);
        float[] row = new float[size];
        REFERENCE.readRow(bias, 0, row, 0);
        assertThat(expected[2 * size + 5]).isEqualTo(original[2 * size + 5] + row[5]);
    }

    @Test
    void unsupportedTypeNamesTensorAndType() {
        Tensor w = new Tensor("blk.0.ffn_down.weight", GgmlType.IQ4_XS, new long[] {256, 2},
                Arena.ofAuto().allocate(GgmlType.IQ4_XS.bytesFor(512)));
        for (boolean vectors : new boolean[] {true, false}) {
            try (CpuOps ops = new CpuOps(2, vectors)) {
                assertThatThrownBy(() -> ops.matmul(w, new float[256], new float[2], 1))
                        .isInstanceOf(UnsupportedTensorTypeException.class)
                        .hasMessageContaining("blk.0.ffn_down.weight")
                        .hasMessageContaining("IQ4_XS");
            }
        }
    }

    @Test
    void vectorPathIsAvailableOnThisMachine() {
        assumeThat(System.getProperty(CpuOps.VECTORS_PROPERTY)).isNotEqualTo("false");
        try (CpuOps ops = new CpuOps(1, true)) {
            assumeThat(CpuOps.vectorsAvailable()).as("CPU without 256/512-bit vectors").isTrue();
            assertThat(ops.usesVectors()).isTrue();
        }
        try (CpuOps ops = new CpuOps(1, false)) {
            assertThat(ops.usesVectors()).isFalse();
        }
    }

    /** Per output, {@code Σ_c |W[r,c]·x[b,c]|}: the scale of the rounding error a float sum may make. */
    static float[] absoluteProducts(Tensor w, float[] x, int batch) {
        int rows = w.rows();
        int columns = w.columns();
        float[] row = new float[columns];
        float[] magnitudes = new float[batch * rows];
        for (int r = 0; r < rows; r++) {
            REFERENCE.readRow(w, r, row, 0);
            for (int b = 0; b < batch; b++) {
                double sum = 0;
                for (int c = 0; c < columns; c++) {
                    sum += Math.abs((double) row[c] * x[b * columns + c]);
                }
                magnitudes[b * rows + r] = (float) sum;
            }
        }
        return magnitudes;
    }

    private static void assertRelativelyClose(float[] actual, float[] expected, double tolerance, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            double allowed = tolerance * Math.max(1, Math.abs(expected[i]));
            assertThat((double) actual[i]).as("%s, value %d", what, i)
                    .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(allowed));
        }
    }
}
