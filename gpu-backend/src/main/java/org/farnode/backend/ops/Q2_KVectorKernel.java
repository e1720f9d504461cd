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

/**
 * Q2_K weights: super-blocks of 84 bytes holding 256 values in 16 sub-blocks of 16, each with a
 * 4-bit scale and a 4-bit min in one byte (layout in {@code KQuantDequantize.q2_K}). Value
 * {@code 128n + 32j + l} is bits {@code 2j, 2j+1} of {@code qs[32n + l]}, worth
 * {@code (d·scale)·q − dmin·min}.
 *
 * <p>Decoded in registers as {@code fma(q, d·scale, −dmin·min)}: {@code (d·scale)·q} needs at
 * most 11 + 4 + 2 bits, so it is exact and the fused form rounds exactly where ggml's subtraction
 * does. The steps enter the accumulators in the order of {@link VectorDots}.
 */
final class Q2_KVectorKernel extends VectorMatmulKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_BYTES = 84;
    private static final int QUANTS = 16;

    @Override
    float dotRow(MemorySegment data, long rowOffset, float[] x, int xOffset, int columns) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        for (int block = 0; block < columns / 256; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(F16, at + 80));
            float dmin = Float.float16ToFloat(data.get(F16, at + 82));
            for (int group = 0; group < 8; group++) {
                long quants = at + QUANTS + 32 * (group >> 2);
                int shift = 2 * (group & 3);
                int i = 32 * group;
                int xAt = xOffset + block * 256 + i;
                for (int l = 0; l < 32; l += 2 * LANES) {
                    acc0 = values(data, at, quants + l, shift, d, dmin, i + l)
                            .fma(FloatVector.fromArray(FLOATS, x, xAt + l), acc0);
                    acc1 = values(data, at, quants + l + LANES, shift, d, dmin, i + l + LANES)
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
            float d = Float.float16ToFloat(data.get(F16, at + 80));
            float dmin = Float.float16ToFloat(data.get(F16, at + 82));
            for (int i = 0; i < 256; i += LANES) {
                long quants = at + QUANTS + 32 * (i >> 7) + (i & 31);
                values(data, at, quants, 2 * (i >> 5 & 3), d, dmin, i).intoArray(dst, dstOffset + block * 256 + i);
            }
        }
    }

    /** Values {@code [i, i + LANES)} of the super-block at {@code at}, whose bit pairs sit at {@code quants} >> {@code shift}. */
    private static FloatVector values(MemorySegment data, long at, long quants, int shift, float d, float dmin, int i) {
        int packed = data.get(ValueLayout.JAVA_BYTE, at + (i >> 4)) & 0xFF;
        FloatVector scale = FloatVector.broadcast(FLOATS, d * (packed & 15));
        FloatVector offset = FloatVector.broadcast(FLOATS, -(dmin * (packed >>> 4)));
        return toFloats(unsignedBytes(data, quants).lanewise(VectorOperators.LSHR, shift).and(3)).fma(scale, offset);
    }
}
