package org.farnode.backend.ops;

/**
 * Plain-Java counterparts of {@link VectorDots}, for machines or runs without the Vector API.
 *
 * <p>Order: product {@code i} goes into accumulator {@code i mod 4}; the result is
 * {@code (s0 + s1) + (s2 + s3)}. Four chains instead of one keep the CPU's adders busy and the
 * rounding error of long rows small.
 */
final class ScalarDots {
    private ScalarDots() {
    }

    /** {@code Σ w[wOffset + i] · x[xOffset + i]} for {@code i < n}. */
    static float dot(float[] w, int wOffset, float[] x, int xOffset, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += w[wOffset + i] * x[xOffset + i];
            s1 += w[wOffset + i + 1] * x[xOffset + i + 1];
            s2 += w[wOffset + i + 2] * x[xOffset + i + 2];
            s3 += w[wOffset + i + 3] * x[xOffset + i + 3];
        }
        for (; i < n; i++) {
            s0 += w[wOffset + i] * x[xOffset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code acc[accOffset + i] += a · x[xOffset + i]} for {@code i < n}. */
    static void axpy(float a, float[] x, int xOffset, float[] acc, int accOffset, int n) {
        for (int i = 0; i < n; i++) {
            acc[accOffset + i] += a * x[xOffset + i];
        }
    }
}
