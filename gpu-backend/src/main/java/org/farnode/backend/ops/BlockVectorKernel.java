package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.FLOATS;
import static org.farnode.backend.ops.CpuVectors.LANES;
import static org.farnode.backend.ops.CpuVectors.sumLanes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;

/**
 * Block-quantized weight types whose blocks are an f16 scale {@code d} followed by 32 packed
 * quants (Q8_0, Q4_0): a subclass says only how to unpack one step of {@link CpuVectors#LANES}
 * quants to floats.
 *
 * <p>Each step is multiplied by the broadcast scale, giving exactly {@code Dequantize}'s floats,
 * and then enters the accumulators in the order of {@link VectorDots}; the scale is applied per
 * lane, never through a horizontal sum per block.
 */
abstract class BlockVectorKernel extends VectorMatmulKernel {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int BLOCK_VALUES = 32;
    private static final int STEPS_PER_BLOCK = BLOCK_VALUES / LANES;

    /**
     * Bytes per block, scale included. A method returning a literal rather than a final field: once inlined,
     * the JIT folds it into the address arithmetic (as a field it left the quantized loops about
     * a quarter slower).
     */
    abstract int blockBytes();

    /** Quants {@code [step·LANES, (step+1)·LANES)} of the block at {@code blockOffset}, unscaled, as floats. */
    abstract FloatVector quants(MemorySegment data, long blockOffset, int step);

    @Override
    final float dotRow(MemorySegment data, long rowOffset, float[] x, int xOffset, int columns) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int blocks = columns / BLOCK_VALUES;
        for (int block = 0; block < blocks; block++) {
            long at = rowOffset + (long) block * blockBytes();
            FloatVector scale = scale(data, at);
            int xAt = xOffset + block * BLOCK_VALUES;
            for (int step = 0; step < STEPS_PER_BLOCK; step += 2) {
                FloatVector w0 = quants(data, at, step).mul(scale);
                FloatVector w1 = quants(data, at, step + 1).mul(scale);
                acc0 = w0.fma(FloatVector.fromArray(FLOATS, x, xAt + step * LANES), acc0);
                acc1 = w1.fma(FloatVector.fromArray(FLOATS, x, xAt + (step + 1) * LANES), acc1);
            }
        }
        return sumLanes(acc0.add(acc1));
    }

    @Override
    final void dequantizeRow(MemorySegment data, long rowOffset, float[] dst, int dstOffset, int columns) {
        int blocks = columns / BLOCK_VALUES;
        for (int block = 0; block < blocks; block++) {
            long at = rowOffset + (long) block * blockBytes();
            FloatVector scale = scale(data, at);
            for (int step = 0; step < STEPS_PER_BLOCK; step++) {
                quants(data, at, step).mul(scale).intoArray(dst, dstOffset + block * BLOCK_VALUES + step * LANES);
            }
        }
    }

    private static FloatVector scale(MemorySegment data, long blockOffset) {
        return FloatVector.broadcast(FLOATS, Float.float16ToFloat(data.get(F16, blockOffset)));
    }
}
