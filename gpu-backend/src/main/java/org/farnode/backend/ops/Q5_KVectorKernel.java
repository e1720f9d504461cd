package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.FLOATS;
import static org.farnode.backend.ops.CpuVectors.LANES;
import static org.farnode.backend.ops.CpuVectors.sumLanes;
import static org.farnode.backend.ops.CpuVectors.toFloats;
import static org.farnode.backend.ops.CpuVectors.unsignedBytes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.farnode.backend.tensor.KQuantScales;

/**
 * Q5_K weights: super-blocks of 176 bytes, Q4_K's layout plus 32 bytes {@code qh} whose bit
 * {@code s} of byte {@code l} is the fifth bit (worth 16) of value {@code l} of sub-block
 * {@code s} (layout in {@code KQuantDequantize.q5_K}).
 *
 * <p>Decoded in registers as {@code fma(q, d·scale, −dmin·min)}, exactly ggml's value since
 * {@code (d·scale)·q} needs at most 11 + 6 + 5 bits (see {@link Q4_KVectorKernel}), and summed in
 * the order of {@link VectorDots}.
 */
final class Q5_KVectorKernel extends VectorMatmulKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_BYTES = 176;
    private static final int HIGH_BITS = 16;
    private static final int QUANTS = 48;

    @Override
    float dotRow(MemorySegment data, long rowOffset, float[] x, int xOffset, int columns) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        for (int block = 0; block < columns / 256; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(F16, at));
            float dmin = Float.float16ToFloat(data.get(F16, at + 2));
            for (int s = 0; s < 8; s++) {
                long quants = at + QUANTS + 32 * (s >> 1);
                int shift = 4 * (s & 1);
                int xAt = xOffset + block * 256 + 32 * s;
                FloatVector scale = FloatVector.broadcast(FLOATS, d * KQuantScales.scale(data, at + 4, s));
                FloatVector offset = FloatVector.broadcast(FLOATS, -(dmin * KQuantScales.min(data, at + 4, s)));
                for (int l = 0; l < 32; l += 2 * LANES) {
                    acc0 = values(data, quants + l, at + HIGH_BITS + l, shift, s, scale, offset)
                            .fma(FloatVector.fromArray(FLOATS, x, xAt + l), acc0);
                    acc1 = values(data, quants + l + LANES, at + HIGH_BITS + l + LANES, shift, s, scale, offset)
                            .fma(FloatVector.fromArray(FLOATS, x, xAt + l + LANES), acc1);
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
            for (int s = 0; s < 8; s++) {
                long quants = at + QUANTS + 32 * (s >> 1);
                FloatVector scale = FloatVector.broadcast(FLOATS, d * KQuantScales.scale(data, at + 4, s));
                FloatVector offset = FloatVector.broadcast(FLOATS, -(dmin * KQuantScales.min(data, at + 4, s)));
                for (int l = 0; l < 32; l += LANES) {
                    values(data, quants + l, at + HIGH_BITS + l, 4 * (s & 1), s, scale, offset)
                            .intoArray(dst, dstOffset + block * 256 + 32 * s + l);
                }
            }
        }
    }

    /** {@link CpuVectors#LANES} values of sub-block {@code s}: nibbles at {@code quants}, fifth bits at {@code highBits}. */
    private static FloatVector values(MemorySegment data, long quants, long highBits, int nibbleShift, int s,
                                      FloatVector scale, FloatVector offset) {
        IntVector low = unsignedBytes(data, quants).lanewise(VectorOperators.LSHR, nibbleShift).and(15);
        IntVector high = unsignedBytes(data, highBits).lanewise(VectorOperators.LSHR, s).and(1).lanewise(VectorOperators.LSHL, 4);
        return toFloats(low.or(high)).fma(scale, offset);
    }
}
