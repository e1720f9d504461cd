package org.farnode.app.model.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.farnode.backend.ops.CpuOps;
import org.farnode.backend.ops.ReferenceOps;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU kernels on tensors as a model file holds them: random weights quantized and written by
 * {@link GgufWriter}, mapped back by {@link GgufFile}, multiplied by one vector and by batches,
 * on the vector and the scalar path, against {@link ReferenceOps}.
 *
 * <p>Tolerance per output: {@code 1e-5 · Σ|w·x|}, the rounding a float sum of those products may
 * make (the kernels sum in float, the reference in double); see {@code CpuOpsConformanceTest}.
 */
class WrittenTensorKernelTest {
    private static final double RELATIVE_TOLERANCE = 1e-5;
    private static final int[] BATCHES = {1, 4, 5};

    @TempDir
    Path dir;

    @Test
    void everyTypeAndOddShapeMatchesTheReference() throws Exception {
        Object[][] tensors = {
                {GgmlType.F32, 7, 3}, {GgmlType.F16, 37, 5}, {GgmlType.BF16, 101, 3},
                {GgmlType.F16, 2085, 9}, {GgmlType.Q8_0, 96, 7}, {GgmlType.Q8_0, 2080, 67},
                {GgmlType.Q4_0, 32, 1}, {GgmlType.Q4_0, 2080, 67}, {GgmlType.BF16, 2048, 33}};
        GgufWriter writer = new GgufWriter().put("general.architecture", GgufValue.string("test"));
        for (Object[] t : tensors) {
            GgmlType type = (GgmlType) t[0];
            int columns = (int) t[1];
            int rows = (int) t[2];
            long seed = columns * 1000L + rows;
            writer.tensor(name(type, columns, rows), type, new long[]{columns, rows}, TensorSource.rows((row, out) -> {
                SplittableRandom random = new SplittableRandom(seed * 7919 + row);
                for (int c = 0; c < out.length; c++) {
                    out[c] = (float) random.nextGaussian();
                }
            }));
        }
        Path file = dir.resolve("random.gguf");
        writer.write(file);

        ReferenceOps reference = new ReferenceOps();
        try (GgufFile gguf = GgufFile.open(file);
             CpuOps vectors = new CpuOps(2, true);
             CpuOps scalar = new CpuOps(3, false)) {
            for (Object[] t : tensors) {
                Tensor w = gguf.tensor(name((GgmlType) t[0], (int) t[1], (int) t[2]));
                for (int batch : BATCHES) {
                    float[] x = gaussian(batch * w.columns(), batch);
                    float[] expected = new float[batch * w.rows()];
                    reference.matmul(w, x, expected, batch);
                    double[] scale = absoluteProducts(reference, w, x, batch);
                    for (CpuOps ops : new CpuOps[]{vectors, scalar}) {
                        float[] actual = new float[batch * w.rows()];
                        ops.matmul(w, x, actual, batch);
                        for (int i = 0; i < actual.length; i++) {
                            assertThat((double) actual[i]).as("%s on %s, batch %d, output %d", ops.name(), w, batch, i)
                                    .isCloseTo(expected[i], within(RELATIVE_TOLERANCE * scale[i] + 1e-30));
                        }
                    }
                }
            }
        }
    }

    private static String name(GgmlType type, int columns, int rows) {
        return "random." + type + "." + columns + "x" + rows;
    }

    private static float[] gaussian(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** {@code Σ_c |W[r,c]·x[b,c]|} per output. */
    private static double[] absoluteProducts(ReferenceOps reference, Tensor w, float[] x, int batch) {
        float[] row = new float[w.columns()];
        double[] sums = new double[batch * w.rows()];
        for (int r = 0; r < w.rows(); r++) {
            reference.readRow(w, r, row, 0);
            for (int b = 0; b < batch; b++) {
                double sum = 0;
                for (int c = 0; c < row.length; c++) {
                    sum += Math.abs((double) row[c] * x[b * row.length + c]);
                }
                sums[b * w.rows() + r] = sum;
            }
        }
        return sums;
    }
}
