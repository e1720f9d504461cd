package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.BYTES;
import static org.farnode.backend.ops.CpuVectors.INTS;
import static org.farnode.backend.ops.CpuVectors.LANES;

import java.lang.foreign.MemorySegment;
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
final class Q4_0VectorKernel extends BlockVectorKernel {
    @Override
    int blockBytes() {
        return 18;
    }

    /**
     * Values as {@code nibble − 8}. The bytes are zero-extended to ints first: x86 has no byte-lane shift, and on ints the nibble
     * split is one {@code and} or one shift (about a fifth faster than splitting the bytes).
     */
    @Override
    FloatVector quants(MemorySegment data, long blockOffset, int step) {
        int first = step * LANES;
        IntVector bytes = (IntVector) ByteVector.fromMemorySegment(BYTES, data, blockOffset + 2 + (first & 15),
                ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
        IntVector nibbles = first < 16 ? bytes.and(0x0F) : bytes.lanewise(VectorOperators.LSHR, 4);
        return (FloatVector) nibbles.sub(8).convert(VectorOperators.I2F, 0);
    }
}
