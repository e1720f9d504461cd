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
 * Q3_K weights: super-blocks of 110 bytes holding 256 values in 16 sub-blocks of 16, each with a
 * signed 6-bit scale (layout in {@code KQuantDequantize.q3_K}). Value {@code 128n + 32j + l} has
 * the bit pair {@code 2j} of {@code qs[32n + l]} and, as its third bit, bit {@code 4n + j} of
 * {@code hmask[l]}: {@code q = pair − (bit ? 0 : 4)}, worth {@code (d·scale)·q}.
 *
 * <p>Here {@code q = (pair | bit << 2) − 4}. The product {@code (d·scale)·q} is ggml's, in its
 * order; the steps enter the accumulators in the order of {@link VectorDots}.
 */
final class Q3_KVectorKernel extends VectorMatmulKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_BYTES = 110;
    private static final int QUANTS = 32;
    private static final int SCALES = 96;

    @Override
    float dotRow(MemorySegment data, long rowOffset, float[] x, int xOffset, int columns) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        for (int block = 0; block < columns / 256; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(F16, at + 108));
            for (int group = 0; group < 8; group++) {
                long quants = at + QUANTS + 32 * (group >> 2);
                int i = 32 * group;
                int xAt = xOffset + block * 256 + i;
                for (int l = 0; l < 32; l += 2 * LANES) {
                    acc0 = values(data, at, quants, group, l, scale(data, at, d, i + l))
                            .fma(FloatVector.fromArray(FLOATS, x, xAt + l), acc0);
                    acc1 = values(data, at, quants, group, l + LANES, scale(data, at, d, i + l + LANES))
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
            float d = Float.float16ToFloat(data.get(F16, at + 108));
            for (int i = 0; i < 256; i += LANES) {
                long quants = at + QUANTS + 32 * (i >> 7);
                values(data, at, quants, i >> 5, i & 31, scale(data, at, d, i)).intoArray(dst, dstOffset + block * 256 + i);
            }
        }
    }

    /** {@code d·scale} of the sub-block holding value {@code i} of the super-block, broadcast. */
    private static FloatVector scale(MemorySegment data, long at, float d, int i) {
        return FloatVector.broadcast(FLOATS, d * KQuantScales.signedScale(data, at + SCALES, i >> 4));
    }

    /** Values {@code l .. l + LANES} of 32-value group {@code group}, whose bit pairs sit at {@code quants}. */
    private static FloatVector values(MemorySegment data, long at, long quants, int group, int l, FloatVector scale) {
        IntVector pairs = unsignedBytes(data, quants + l).lanewise(VectorOperators.LSHR, 2 * (group & 3)).and(3);
        IntVector third = unsignedBytes(data, at + l).lanewise(VectorOperators.LSHR, group).and(1).lanewise(VectorOperators.LSHL, 2);
        return toFloats(pairs.or(third).sub(4)).mul(scale);
    }
}
