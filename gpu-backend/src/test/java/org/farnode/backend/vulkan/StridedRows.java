package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Host-side activations laid out as the GPU shard keeps them: {@code rows} rows of {@code size}
 * values, {@code stride} floats apart. Padding and unused space hold NaN, so a kernel that reads
 * outside its rows poisons its result, and one that writes there changes a value that must stay.
 */
final class StridedRows {
    private StridedRows() {
    }

    /** The row stride GpuShard uses: {@code size} rounded up to a multiple of 8. */
    static int paddedStride(int size) {
        return (size + 7) / 8 * 8;
    }

    static float[] gaussian(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    static float[] poison(int n) {
        float[] values = new float[n];
        Arrays.fill(values, Float.NaN);
        return values;
    }

    /** Gaussian rows with NaN padding. */
    static float[] random(int rows, int stride, int size, long seed) {
        return unpack(gaussian(rows * size, seed), poison(rows * stride), rows, stride, size);
    }

    /** The rows' values, contiguous ({@code rows × size}), as the reference takes them. */
    static float[] pack(float[] strided, int rows, int stride, int size) {
        float[] packed = new float[rows * size];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(strided, i * stride, packed, i * size, size);
        }
        return packed;
    }

    /** {@code into} with its rows' values replaced by {@code packed}'s. */
    static float[] unpack(float[] packed, float[] into, int rows, int stride, int size) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(packed, i * size, into, i * stride, size);
        }
        return into;
    }

    /**
     * Fails unless every {@code actual[j]} is within {@code allowed[j]} of {@code expected[j]} (NaN
     * matches only NaN); the message names the first value off, by row and column, and counts the rest.
     */
    static void assertClose(String what, float[] actual, float[] expected, float[] allowed, int stride) {
        int off = 0;
        int first = -1;
        for (int j = 0; j < expected.length; j++) {
            boolean same = Float.compare(actual[j], expected[j]) == 0 || Math.abs((double) actual[j] - expected[j]) <= allowed[j];
            if (!same) {
                off++;
                first = first < 0 ? j : first;
            }
        }
        if (off > 0) {
            fail("%s: %d of %d values off; first at row %d, column %d: expected %s, got %s (allowed ±%s)", what, off,
                    expected.length, first / stride, first % stride, expected[first], actual[first], allowed[first]);
        }
    }
}
