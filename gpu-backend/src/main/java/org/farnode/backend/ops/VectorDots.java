package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.FLOATS;
import static org.farnode.backend.ops.CpuVectors.LANES;
import static org.farnode.backend.ops.CpuVectors.sumLanes;

import jdk.incubator.vector.FloatVector;

/**
 * Dot products of dequantized weight rows with one or several input vectors, all in one fixed
 * summation order so that a row gives the same bits alone or inside any batch tile.
 *
 * <p>The order, shared by every vector kernel: a row of {@code n} values is cut into
 * {@code n / LANES} steps of {@link CpuVectors#LANES} values; step {@code k} is multiplied lane by
 * lane and added with one fused multiply-add into accumulator {@code k mod 2}; the two accumulators
 * are added and their lanes summed by {@link CpuVectors#sumLanes}; if {@code n} is not a whole
 * number of steps, the last {@code n mod LANES} products are summed one by one in float and that
 * tail is added last:
 * <pre>  dot = sumLanes(acc0 + acc1) [+ ((0 + w[t]·x[t]) + w[t+1]·x[t+1] ...)]</pre>
 * The quantized kernels dequantize a step to exactly the floats {@code Dequantize} would produce,
 * so they follow the same order without materialising the row.
 */
final class VectorDots {
    private VectorDots() {
    }

    /** {@code Σ w[wOffset + i] · x[xOffset + i]} for {@code i < n}. */
    static float dot(float[] w, int wOffset, float[] x, int xOffset, int n) {
        int vectorEnd = n - n % LANES;
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int i = 0;
        for (; i + 2 * LANES <= vectorEnd; i += 2 * LANES) {
            acc0 = FloatVector.fromArray(FLOATS, w, wOffset + i).fma(FloatVector.fromArray(FLOATS, x, xOffset + i), acc0);
            acc1 = FloatVector.fromArray(FLOATS, w, wOffset + i + LANES)
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + i + LANES), acc1);
        }
        if (i < vectorEnd) {
            acc0 = FloatVector.fromArray(FLOATS, w, wOffset + i).fma(FloatVector.fromArray(FLOATS, x, xOffset + i), acc0);
        }
        return withTail(sumLanes(acc0.add(acc1)), w, wOffset, x, xOffset, vectorEnd, n);
    }

    /**
     * Four dot products of one row with four vectors {@code stride} apart:
     * {@code out[outOffset + j·outStride] = Σ w[wOffset + i] · x[xOffset + j·stride + i]} for {@code j < 4}.
     */
    static void dot4(float[] w, int wOffset, float[] x, int xOffset, int stride, int n,
                     float[] out, int outOffset, int outStride) {
        int vectorEnd = n - n % LANES;
        int x0 = xOffset;
        int x1 = xOffset + stride;
        int x2 = xOffset + 2 * stride;
        int x3 = xOffset + 3 * stride;
        FloatVector a00 = FloatVector.zero(FLOATS);
        FloatVector a01 = FloatVector.zero(FLOATS);
        FloatVector a10 = FloatVector.zero(FLOATS);
        FloatVector a11 = FloatVector.zero(FLOATS);
        FloatVector a20 = FloatVector.zero(FLOATS);
        FloatVector a21 = FloatVector.zero(FLOATS);
        FloatVector a30 = FloatVector.zero(FLOATS);
        FloatVector a31 = FloatVector.zero(FLOATS);
        int i = 0;
        for (; i + 2 * LANES <= vectorEnd; i += 2 * LANES) {
            FloatVector w0 = FloatVector.fromArray(FLOATS, w, wOffset + i);
            FloatVector w1 = FloatVector.fromArray(FLOATS, w, wOffset + i + LANES);
            a00 = w0.fma(FloatVector.fromArray(FLOATS, x, x0 + i), a00);
            a01 = w1.fma(FloatVector.fromArray(FLOATS, x, x0 + i + LANES), a01);
            a10 = w0.fma(FloatVector.fromArray(FLOATS, x, x1 + i), a10);
            a11 = w1.fma(FloatVector.fromArray(FLOATS, x, x1 + i + LANES), a11);
            a20 = w0.fma(FloatVector.fromArray(FLOATS, x, x2 + i), a20);
            a21 = w1.fma(FloatVector.fromArray(FLOATS, x, x2 + i + LANES), a21);
            a30 = w0.fma(FloatVector.fromArray(FLOATS, x, x3 + i), a30);
            a31 = w1.fma(FloatVector.fromArray(FLOATS, x, x3 + i + LANES), a31);
        }
        if (i < vectorEnd) {
            FloatVector w0 = FloatVector.fromArray(FLOATS, w, wOffset + i);
            a00 = w0.fma(FloatVector.fromArray(FLOATS, x, x0 + i), a00);
            a10 = w0.fma(FloatVector.fromArray(FLOATS, x, x1 + i), a10);
            a20 = w0.fma(FloatVector.fromArray(FLOATS, x, x2 + i), a20);
            a30 = w0.fma(FloatVector.fromArray(FLOATS, x, x3 + i), a30);
        }
        out[outOffset] = withTail(sumLanes(a00.add(a01)), w, wOffset, x, x0, vectorEnd, n);
        out[outOffset + outStride] = withTail(sumLanes(a10.add(a11)), w, wOffset, x, x1, vectorEnd, n);
        out[outOffset + 2 * outStride] = withTail(sumLanes(a20.add(a21)), w, wOffset, x, x2, vectorEnd, n);
        out[outOffset + 3 * outStride] = withTail(sumLanes(a30.add(a31)), w, wOffset, x, x3, vectorEnd, n);
    }

    /** {@code vectorSum} plus the products past the last whole step, summed in order (if any). */
    static float withTail(float vectorSum, float[] w, int wOffset, float[] x, int xOffset, int from, int n) {
        if (from == n) {
            return vectorSum;
        }
        float tail = 0;
        for (int i = from; i < n; i++) {
            tail += w[wOffset + i] * x[xOffset + i];
        }
        return vectorSum + tail;
    }

    /** {@code acc[accOffset + i] += a · x[xOffset + i]} for {@code i < n}, one fused multiply-add per value. */
    static void axpy(float a, float[] x, int xOffset, float[] acc, int accOffset, int n) {
        FloatVector scale = FloatVector.broadcast(FLOATS, a);
        int vectorEnd = n - n % LANES;
        int i = 0;
        for (; i < vectorEnd; i += LANES) {
            FloatVector.fromArray(FLOATS, x, xOffset + i)
                    .fma(scale, FloatVector.fromArray(FLOATS, acc, accOffset + i))
                    .intoArray(acc, accOffset + i);
        }
        for (; i < n; i++) {
            acc[accOffset + i] = Math.fma(a, x[xOffset + i], acc[accOffset + i]);
        }
    }

    /** {@code Σ x[offset + i]²} for {@code i < n}, in the order of {@link #dot}. */
    static float sumOfSquares(float[] x, int offset, int n) {
        return dot(x, offset, x, offset, n);
    }
}
