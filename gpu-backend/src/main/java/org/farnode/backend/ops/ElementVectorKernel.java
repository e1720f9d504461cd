package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.FLOATS;
import static org.farnode.backend.ops.CpuVectors.LANES;
import static org.farnode.backend.ops.CpuVectors.sumLanes;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Weight types that store each value on its own, with no block scale (F32, F16, BF16): a
 * subclass says only how to widen {@link CpuVectors#LANES} stored values, and one value, to
 * floats. The loop follows the order of {@link VectorDots}, the tail included.
 */
abstract class ElementVectorKernel extends VectorMatmulKernel {
    /**
     * Bytes per stored value. A method returning a literal rather than a final field: once inlined,
     * the JIT folds it into the address arithmetic (as a field it left the quantized loops about
     * a quarter slower).
     */
    abstract int elementBytes();

    /** {@link CpuVectors#LANES} stored values at {@code offset}, as floats. */
    abstract FloatVector load(MemorySegment data, long offset);

    /** The stored value at {@code offset}, as a float. */
    abstract float value(MemorySegment data, long offset);

    @Override
    final float dotRow(MemorySegment data, long rowOffset, float[] x, int xOffset, int columns) {
        int vectorEnd = columns - columns % LANES;
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int i = 0;
        for (; i + 2 * LANES <= vectorEnd; i += 2 * LANES) {
            acc0 = load(data, rowOffset + (long) i * elementBytes())
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + i), acc0);
            acc1 = load(data, rowOffset + (long) (i + LANES) * elementBytes())
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + i + LANES), acc1);
        }
        if (i < vectorEnd) {
            acc0 = load(data, rowOffset + (long) i * elementBytes())
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + i), acc0);
        }
        float sum = sumLanes(acc0.add(acc1));
        if (vectorEnd == columns) {
            return sum;
        }
        float tail = 0;
        for (int c = vectorEnd; c < columns; c++) {
            tail += value(data, rowOffset + (long) c * elementBytes()) * x[xOffset + c];
        }
        return sum + tail;
    }

    @Override
    final void dequantizeRow(MemorySegment data, long rowOffset, float[] dst, int dstOffset, int columns) {
        int vectorEnd = columns - columns % LANES;
        for (int i = 0; i < vectorEnd; i += LANES) {
            load(data, rowOffset + (long) i * elementBytes()).intoArray(dst, dstOffset + i);
        }
        for (int c = vectorEnd; c < columns; c++) {
            dst[dstOffset + c] = value(data, rowOffset + (long) c * elementBytes());
        }
    }
}
