package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.FLOATS;
import static org.farnode.backend.ops.CpuVectors.LANES;
import static org.farnode.backend.ops.CpuVectors.bytesToFloats;
import static org.farnode.backend.ops.CpuVectors.sumLanes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;

/**
 * Q8_0 weights: blocks of 34 bytes, an f16 scale {@code d} then 32 signed bytes {@code q}, each
 * worth {@code d·q}.
 *
 * <p>A step widens {@link CpuVectors#LANES} bytes to floats and multiplies them by the broadcast
 * scale, giving exactly {@code Dequantize}'s floats; the scale is thus applied per lane, never
 * through a horizontal sum per block.
 */
final class Q8_0VectorKernel extends VectorMatmulKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_VALUES = 32;
    private static final int BLOCK_BYTES = 34;
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
                FloatVector w0 = bytesToFloats(data, at + 2 + (long) step * LANES).mul(scale);
                FloatVector w1 = bytesToFloats(data, at + 2 + (long) (step + 1) * LANES).mul(scale);
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
                bytesToFloats(data, at + 2 + (long) step * LANES).mul(scale)
                        .intoArray(dst, dstOffset + block * BLOCK_VALUES + step * LANES);
            }
        }
    }
}
