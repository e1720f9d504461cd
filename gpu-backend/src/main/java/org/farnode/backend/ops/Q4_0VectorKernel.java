package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.BYTES;
import static org.farnode.backend.ops.CpuVectors.FLOATS;
import static org.farnode.backend.ops.CpuVectors.INTS;
import static org.farnode.backend.ops.CpuVectors.LANES;
import static org.farnode.backend.ops.CpuVectors.sumLanes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0 weights: blocks of 18 bytes, an f16 scale {@code d} then 16 bytes whose byte {@code j}
 * holds value {@code j} in its low nibble and value {@code j+16} in its high nibble, each worth
 * {@code (nibble − 8)·d}.
 *
 * <p>Values {@code [0,16)} are the low nibbles and {@code [16,32)} the high nibbles of the same
 * 16 bytes, so with 16 lanes a block is two steps over one load: {@code and 0xF}, then
 * {@code >>> 4}. With 8 lanes, step {@code k} reads bytes {@code [8k mod 16, +8)}.
 */
final class Q4_0VectorKernel extends VectorMatmulKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_VALUES = 32;
    private static final int BLOCK_BYTES = 18;
    private static final int STEPS_PER_BLOCK = BLOCK_VALUES / LANES;

    @Override
    float dotRow(MemorySegment data, long rowOffset, float[] x, int xOffset, int columns) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int blocks = columns / BLOCK_VALUES;
        for (int block = 0; block < blocks; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            FloatVector scale = FloatVector.broadcast(FLOATS, Float.float16ToFloat(data.get(F16, at)));
            int xAt = xOffset + block * BLOCK_VALUES;
            for (int step = 0; step < STEPS_PER_BLOCK; step += 2) {
                FloatVector w0 = nibblesToFloats(data, at, step).mul(scale);
                FloatVector w1 = nibblesToFloats(data, at, step + 1).mul(scale);
                acc0 = w0.fma(FloatVector.fromArray(FLOATS, x, xAt + step * LANES), acc0);
                acc1 = w1.fma(FloatVector.fromArray(FLOATS, x, xAt + (step + 1) * LANES), acc1);
            }
        }
        return sumLanes(acc0.add(acc1));
    }

    @Override
    void dequantizeRow(MemorySegment data, long rowOffset, float[] dst, int dstOffset, int columns) {
        int blocks = columns / BLOCK_VALUES;
        for (int block = 0; block < blocks; block++) {
            long at = rowOffset + (long) block * BLOCK_BYTES;
            FloatVector scale = FloatVector.broadcast(FLOATS, Float.float16ToFloat(data.get(F16, at)));
            for (int step = 0; step < STEPS_PER_BLOCK; step++) {
                nibblesToFloats(data, at, step).mul(scale)
                        .intoArray(dst, dstOffset + block * BLOCK_VALUES + step * LANES);
            }
        }
    }

    /**
     * Values {@code [step·LANES, (step+1)·LANES)} of the block at {@code blockOffset}, as {@code nibble − 8}.
     * The bytes are zero-extended to ints first: x86 has no byte-lane shift, and on ints the nibble
     * split is one {@code and} or one shift (about a fifth faster than splitting the bytes).
     */
    private static FloatVector nibblesToFloats(MemorySegment data, long blockOffset, int step) {
        int first = step * LANES;
        IntVector bytes = (IntVector) ByteVector.fromMemorySegment(BYTES, data, blockOffset + 2 + (first & 15),
                ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
        IntVector nibbles = first < 16 ? bytes.and(0x0F) : bytes.lanewise(VectorOperators.LSHR, 4);
        return (FloatVector) nibbles.sub(8).convert(VectorOperators.I2F, 0);
    }
}
