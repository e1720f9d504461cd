package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.FLOATS;
import static org.farnode.backend.ops.CpuVectors.LANES;
import static org.farnode.backend.ops.CpuVectors.sumLanes;
import static org.farnode.backend.ops.CpuVectors.toFloats;
import static org.farnode.backend.ops.CpuVectors.unsignedBytes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.farnode.backend.tensor.KQuantScales;

/**
 * Q4_K weights: super-blocks of 144 bytes holding 256 values in 8 sub-blocks of 32 (layout in
 * {@code KQuantDequantize.q4_K}); value {@code l} of sub-block {@code s} is
 * {@code (d·scale_s)·q − dmin·min_s}, its nibble {@code q} being the low ({@code s} even) or high
 * ({@code s} odd) half of byte {@code l} of the 32 bytes that sub-blocks {@code 2g} and
 * {@code 2g+1} share.
 *
 * <p>Each step of {@link CpuVectors#LANES} values is decoded in registers as
 * {@code fma(q, d·scale, −dmin·min)}. That is exactly ggml's two roundings: {@code d·scale} needs at
 * most 11 + 6 bits and {@code (d·scale)·q} at most 21, so the product is exact in float and only
 * the subtraction rounds, once, as in the fused form. The steps then enter the accumulators in the
 * order of {@link VectorDots}.
 */
final class Q4_KVectorKernel extends VectorMatmulKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_BYTES = 144;
    private static final int QUANTS = 16;

    @Override
    float dotRow(MemorySegment data, long rowOffset, float[] x, int xOffset, int columns) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        for (int block = 0; block < columns / 256; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(F16, at));
            float dmin = Float.float16ToFloat(data.get(F16, at + 2));
            for (int pair = 0; pair < 4; pair++) {
                long quants = at + QUANTS + 32 * pair;
                int xAt = xOffset + block * 256 + 64 * pair;
                FloatVector scale = scale(data, at, d, 2 * pair);
                FloatVector offset = offset(data, at, dmin, 2 * pair);
                for (int l = 0; l < 32; l += 2 * LANES) {
                    acc0 = low(data, quants + l, scale, offset).fma(FloatVector.fromArray(FLOATS, x, xAt + l), acc0);
                    acc1 = low(data, quants + l + LANES, scale, offset)
                            .fma(FloatVector.fromArray(FLOATS, x, xAt + l + LANES), acc1);
                }
                scale = scale(data, at, d, 2 * pair + 1);
                offset = offset(data, at, dmin, 2 * pair + 1);
                for (int l = 0; l < 32; l += 2 * LANES) {
                    acc0 = high(data, quants + l, scale, offset).fma(FloatVector.fromArray(FLOATS, x, xAt + 32 + l), acc0);
                    acc1 = high(data, quants + l + LANES, scale, offset)
                            .fma(FloatVector.fromArray(FLOATS, x, xAt + 32 + l + LANES), acc1);
                }
            }
        }
        return sumLanes(acc0.add(acc1));
    }

    @Override
    void dequantizeRow(MemorySegment data, long rowOffset, float[] dst, int dstOffset, int columns) {
        for (int block = 0; block < columns / 256; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(F16, at));
            float dmin = Float.float16ToFloat(data.get(F16, at + 2));
            for (int pair = 0; pair < 4; pair++) {
                long quants = at + QUANTS + 32 * pair;
                int o = dstOffset + block * 256 + 64 * pair;
                FloatVector lowScale = scale(data, at, d, 2 * pair);
                FloatVector lowOffset = offset(data, at, dmin, 2 * pair);
                FloatVector highScale = scale(data, at, d, 2 * pair + 1);
                FloatVector highOffset = offset(data, at, dmin, 2 * pair + 1);
                for (int l = 0; l < 32; l += LANES) {
                    low(data, quants + l, lowScale, lowOffset).intoArray(dst, o + l);
                    high(data, quants + l, highScale, highOffset).intoArray(dst, o + 32 + l);
                }
            }
        }
    }

    /** {@code d·scale_s}, broadcast. */
    private static FloatVector scale(MemorySegment data, long at, float d, int s) {
        return FloatVector.broadcast(FLOATS, d * KQuantScales.scale(data, at + 4, s));
    }

    /** {@code −dmin·min_s}, broadcast. */
    private static FloatVector offset(MemorySegment data, long at, float dmin, int s) {
        return FloatVector.broadcast(FLOATS, -(dmin * KQuantScales.min(data, at + 4, s)));
    }

    /** The values of the low nibbles of the {@link CpuVectors#LANES} bytes at {@code at}. */
    private static FloatVector low(MemorySegment data, long at, FloatVector scale, FloatVector offset) {
        return toFloats(unsignedBytes(data, at).and(15)).fma(scale, offset);
    }

    /** The values of the high nibbles of the {@link CpuVectors#LANES} bytes at {@code at}. */
    private static FloatVector high(MemorySegment data, long at, FloatVector scale, FloatVector offset) {
        return toFloats(unsignedBytes(data, at).lanewise(VectorOperators.LSHR, 4)).fma(scale, offset);
    }
}
