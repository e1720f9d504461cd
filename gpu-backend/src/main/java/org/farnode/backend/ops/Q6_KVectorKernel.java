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

/**
 * Q6_K weights: super-blocks of 210 bytes holding 256 values in 16 sub-blocks of 16, each with a
 * signed byte scale (layout in {@code KQuantDequantize.q6_K}). Value {@code 128n + 32k + l} takes
 * its low four bits from nibble {@code k/2} of {@code ql[64n + 32(k%2) + l]} and its high two
 * from bits {@code 2k, 2k+1} of {@code qh[32n + l]}, and is worth {@code (d·scale)·(q − 32)}.
 *
 * <p>Unlike the other K-quants, {@code (d·scale)·q} can need 25 significant bits, so the kernel
 * keeps ggml's order exactly: the scalar product {@code d·scale}, broadcast, times the quant; then
 * the steps enter the accumulators in the order of {@link VectorDots}.
 */
final class Q6_KVectorKernel extends VectorMatmulKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_BYTES = 210;
    private static final int HIGH_BITS = 128;
    private static final int SCALES = 192;

    @Override
    float dotRow(MemorySegment data, long rowOffset, float[] x, int xOffset, int columns) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        for (int block = 0; block < columns / 256; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(F16, at + 208));
            for (int group = 0; group < 8; group++) {
                int n = group >> 2;
                int k = group & 3;
                long low = at + 64 * n + 32 * (k & 1);
                long high = at + HIGH_BITS + 32 * n;
                int xAt = xOffset + block * 256 + 32 * group;
                for (int l = 0; l < 32; l += 2 * LANES) {
                    acc0 = values(data, low + l, high + l, k, scale(data, at, d, 32 * group + l))
                            .fma(FloatVector.fromArray(FLOATS, x, xAt + l), acc0);
                    acc1 = values(data, low + l + LANES, high + l + LANES, k, scale(data, at, d, 32 * group + l + LANES))
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
            float d = Float.float16ToFloat(data.get(F16, at + 208));
            for (int group = 0; group < 8; group++) {
                int n = group >> 2;
                int k = group & 3;
                for (int l = 0; l < 32; l += LANES) {
                    values(data, at + 64 * n + 32 * (k & 1) + l, at + HIGH_BITS + 32 * n + l, k, scale(data, at, d, 32 * group + l))
                            .intoArray(dst, dstOffset + block * 256 + 32 * group + l);
                }
            }
        }
    }

    /** {@code d·scale} of the sub-block holding value {@code i} of the super-block, broadcast. */
    private static FloatVector scale(MemorySegment data, long at, float d, int i) {
        return FloatVector.broadcast(FLOATS, d * data.get(ValueLayout.JAVA_BYTE, at + SCALES + (i >> 4)));
    }

    /** {@link CpuVectors#LANES} values of 32-value group {@code k} (mod 4): low bits at {@code low}, high bits at {@code high}. */
    private static FloatVector values(MemorySegment data, long low, long high, int k, FloatVector scale) {
        IntVector nibbles = unsignedBytes(data, low).lanewise(VectorOperators.LSHR, 4 * (k >> 1)).and(15);
        IntVector pairs = unsignedBytes(data, high).lanewise(VectorOperators.LSHR, 2 * k).and(3).lanewise(VectorOperators.LSHL, 4);
        return toFloats(nibbles.or(pairs).sub(32)).mul(scale);
    }
}
