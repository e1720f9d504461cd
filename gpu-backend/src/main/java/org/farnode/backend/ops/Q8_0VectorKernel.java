package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.LANES;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** Q8_0 weights: blocks of 34 bytes, an f16 scale {@code d} then 32 signed bytes {@code q}, each worth {@code d·q}. */
final class Q8_0VectorKernel extends BlockVectorKernel {
    @Override
    int blockBytes() {
        return 34;
    }

    @Override
    FloatVector quants(MemorySegment data, long blockOffset, int step) {
        return CpuVectors.bytesToFloats(data, blockOffset + 2 + (long) step * LANES);
    }
}
