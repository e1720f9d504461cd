package org.farnode.backend.vulkan;

import static org.farnode.backend.ops.RandomTensors.randomFloats;
import static org.farnode.backend.ops.RandomTensors.randomTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.farnode.backend.ops.ReferenceOps;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;

/**
 * One {@link GpuCoopMatmul} product of random weights and inputs, measured against the reference:
 * shared by {@code GpuCoopMatmulTest} and {@code GpuCoopMatmulBenchmark}, so the GPU machine runs
 * the same check as the tests. The strides are wider than the matrix (x by 4 floats of zeros, y by
 * 3 floats of a marker) so a write outside the outputs shows.
 */
final class CoopMatmulCheck {
    /**
     * Allowed difference from the f32 reference, over {@code Σ|W[r,c]·x[c]|}: rounding both factors to
     * f16 moves each product by at most {@code 2·2^-10} of itself (whatever the rounding mode), about
     * 2e-3 of the sum; f32 summation adds ~1e-7 per term.
     */
    static final double FROM_REFERENCE = 2.5e-3;
    /**
     * Allowed difference from the reference computed with the f16-rounded factors, over the same sum:
     * only summation order and the device's conversion rounding differ. It catches what the first
     * bound hides in a long row, such as one wrong product.
     */
    static final double FROM_ROUNDED_REFERENCE = 1e-4;
    /** What the marker between the outputs must still read afterwards. */
    private static final float MARKER = 12345.5f;
    private static final ReferenceOps REFERENCE = new ReferenceOps();

    private CoopMatmulCheck() {
    }

    /**
     * One product to check: {@code setsFromMatmul} says whether GpuMatmul makes the descriptor set
     * (its sets must serve this kernel too) or GpuCoopMatmul does.
     */
    record Case(GgmlType type, int columns, int rows, int batch, boolean accumulate, boolean setsFromMatmul) {
        @Override
        public String toString() {
            return type + ": " + columns + " columns x " + rows + " rows, batch " + batch + (accumulate ? ", y += W x" : ", y = W x")
                    + ", set from " + (setsFromMatmul ? "GpuMatmul" : "GpuCoopMatmul");
        }
    }

    /** Every type; odd row counts and partial tiles of rows (70, 129) and of vectors (17, 100); both bindings. */
    static final java.util.List<Case> CASES = java.util.List.of(
            new Case(GgmlType.F32, 67, 5, 16, false, false), new Case(GgmlType.F32, 256, 70, 17, true, true),
            new Case(GgmlType.F32, 2085, 3, 64, false, false),
            new Case(GgmlType.F16, 67, 5, 17, false, true), new Case(GgmlType.F16, 264, 65, 64, true, false),
            new Case(GgmlType.F16, 2085, 3, 100, false, true),
            new Case(GgmlType.Q8_0, 96, 7, 16, false, false), new Case(GgmlType.Q8_0, 2048, 9, 17, true, true),
            new Case(GgmlType.Q8_0, 160, 129, 100, false, false), new Case(GgmlType.Q8_0, 5632, 33, 64, true, true),
            new Case(GgmlType.Q4_0, 96, 7, 16, true, true), new Case(GgmlType.Q4_0, 2048, 9, 17, false, false),
            new Case(GgmlType.Q4_0, 160, 129, 100, true, true), new Case(GgmlType.Q4_0, 5632, 33, 64, false, false));

    /** Runs {@code check} with the set from {@code portable} or {@code coop} as it says. */
    static Result run(VulkanDevice device, GpuCoopMatmul coop, GpuMatmul portable, Case check) {
        return run(device, coop, check.setsFromMatmul() ? portable : null, check.type(), check.columns(), check.rows(),
                check.batch(), check.accumulate());
    }

    /**
     * The largest differences over all outputs, each relative to {@code Σ_c |W[r,c]·x[c]| + |y before|}.
     *
     * @param fromReference        from the f32 reference: f16 rounding of both factors, at most about 2e-3
     * @param fromRoundedReference from the reference computed with weights and inputs rounded to f16
     *                             as the kernel rounds them: f32 summation only (and the device's
     *                             rounding mode), far below 1e-4 for correct code
     * @param strayWrites          values outside the outputs that changed (must be 0)
     */
    record Result(double fromReference, double fromRoundedReference, int strayWrites) {
        /** Within both tolerances, nothing written outside the outputs. */
        boolean passes() {
            return strayWrites == 0 && fromReference < FROM_REFERENCE && fromRoundedReference < FROM_ROUNDED_REFERENCE;
        }

        @Override
        public String toString() {
            return String.format("%s: from the reference %.2e (allowed %.1e), from the f16-rounded reference %.2e (allowed %.1e), "
                            + "%d stray writes", passes() ? "ok" : "WRONG", fromReference, FROM_REFERENCE, fromRoundedReference,
                    FROM_ROUNDED_REFERENCE, strayWrites);
        }
    }

    /**
     * Runs {@code y = W·x} ({@code y += W·x} with {@code accumulate}) for a {@code rows × columns}
     * matrix of {@code type} and {@code batch} vectors; the descriptor set comes from {@code setsFrom}
     * when given (checking that {@link GpuMatmul}'s sets serve the cooperative kernel), else from {@code coop}.
     */
    static Result run(VulkanDevice device, GpuCoopMatmul coop, GpuMatmul setsFrom, GgmlType type, int columns, int rows,
                      int batch, boolean accumulate) {
        long seed = 31L * columns + 7L * rows + batch;
        Tensor w = randomTensor(type, columns, rows, seed);
        float[] x = randomFloats(columns * batch, seed + 1);
        float[] held = accumulate ? randomFloats(rows * batch, seed + 2) : new float[rows * batch];
        try (GpuMatrix gpu = GpuMatrix.upload(device, w)) {
            int xStride = gpu.xStride() + 4;
            int yStride = rows + 3;
            try (GpuBuffer input = GpuBuffer.hostVisible(device, 4L * xStride * batch);
                 GpuBuffer output = GpuBuffer.hostVisible(device, 4L * yStride * batch)) {
                MemorySegment in = input.mapped();
                MemorySegment out = output.mapped();
                in.fill((byte) 0);
                for (int b = 0; b < batch; b++) {
                    MemorySegment.copy(x, b * columns, in, ValueLayout.JAVA_FLOAT, 4L * b * xStride, columns);
                    for (int i = 0; i < yStride; i++) {
                        out.setAtIndex(ValueLayout.JAVA_FLOAT, (long) b * yStride + i, i < rows ? held[b * rows + i] : MARKER);
                    }
                }
                long set = setsFrom != null ? setsFrom.bind(gpu, input, output) : coop.bind(gpu, input, output);
                try {
                    device.submitAndWait(commands -> coop.record(commands, gpu, set, batch, xStride, yStride, accumulate));
                } finally {
                    if (setsFrom != null) {
                        setsFrom.release(gpu, set);
                    } else {
                        coop.release(gpu, set);
                    }
                }
                float[] actual = new float[yStride * batch];
                MemorySegment.copy(out, ValueLayout.JAVA_FLOAT, 0, actual, 0, actual.length);
                return compare(w, x, held, actual, yStride, batch);
            }
        }
    }

    private static Result compare(Tensor w, float[] x, float[] held, float[] actual, int yStride, int batch) {
        int rows = w.rows();
        int columns = w.columns();
        float[] row = new float[columns];
        double fromReference = 0;
        double fromRounded = 0;
        int stray = 0;
        for (int r = 0; r < rows; r++) {
            REFERENCE.readRow(w, r, row, 0);
            for (int b = 0; b < batch; b++) {
                double exact = held[b * rows + r];
                double rounded = held[b * rows + r];
                double magnitude = Math.abs(held[b * rows + r]);
                for (int c = 0; c < columns; c++) {
                    float xc = x[b * columns + c];
                    exact += (double) row[c] * xc;
                    rounded += (double) toHalf(row[c]) * toHalf(xc);
                    magnitude += Math.abs((double) row[c] * xc);
                }
                double got = actual[b * yStride + r];
                fromReference = Math.max(fromReference, differenceOver(got, exact, magnitude));
                fromRounded = Math.max(fromRounded, differenceOver(got, rounded, magnitude));
            }
        }
        for (int b = 0; b < batch; b++) {
            for (int i = rows; i < yStride; i++) {
                if (actual[b * yStride + i] != MARKER) {
                    stray++;
                }
            }
        }
        return new Result(fromReference, fromRounded, stray);
    }

    /** |got − expected| / magnitude; infinite when got is not a number. */
    private static double differenceOver(double got, double expected, double magnitude) {
        if (!Double.isFinite(got)) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.abs(got - expected) / (magnitude + 1e-30);
    }

    /** {@code value} rounded to f16 (to nearest, ties to even) and back, as the kernel stages it. */
    private static float toHalf(float value) {
        return Float.float16ToFloat(Float.floatToFloat16(value));
    }
}
