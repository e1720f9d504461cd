package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.FLOATS;
import static org.farnode.backend.ops.CpuVectors.LANES;
import static org.farnode.backend.ops.CpuVectors.sumLanes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import org.farnode.backend.tensor.Dequantize;

/** BF16 weights: each value is the upper 16 bits of a float32. */
final class BF16VectorKernel extends VectorMatmulKernel {
    private static final ValueLayout.OfShort ELEMENT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int ELEMENT_BYTES = 2;

    @Override
    float dotRow(MemorySegment data, long rowOffset, float[] x, int xOffset, int columns) {
        int vectorEnd = columns - columns % LANES;
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int i = 0;
        for (; i + 2 * LANES <= vectorEnd; i += 2 * LANES) {
            acc0 = load(data, rowOffset + (long) i * ELEMENT_BYTES)
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + i), acc0);
            acc1 = load(data, rowOffset + (long) (i + LANES) * ELEMENT_BYTES)
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + i + LANES), acc1);
        }
        if (i < vectorEnd) {
            acc0 = load(data, rowOffset + (long) i * ELEMENT_BYTES)
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + i), acc0);
        }
        float sum = sumLanes(acc0.add(acc1));
        if (vectorEnd == columns) {
            return sum;
        }
        float tail = 0;
        for (int c = vectorEnd; c < columns; c++) {
            tail += value(data, rowOffset + (long) c * ELEMENT_BYTES) * x[xOffset + c];
        }
        return sum + tail;
    }

    @Override
    void dequantizeRow(MemorySegment data, long rowOffset, float[] dst, int dstOffset, int columns) {
        int vectorEnd = columns - columns % LANES;
        for (int i = 0; i < vectorEnd; i += LANES) {
            load(data, rowOffset + (long) i * ELEMENT_BYTES).intoArray(dst, dstOffset + i);
        }
        for (int c = vectorEnd; c < columns; c++) {
            dst[dstOffset + c] = value(data, rowOffset + (long) c * ELEMENT_BYTES);
        }
    }

    private static FloatVector load(MemorySegment data, long offset) {
        return CpuVectors.bf16ToFloats(data, offset);
    }

    private static float value(MemorySegment data, long offset) {
        return Dequantize.bf16ToFloat(data.get(ELEMENT, offset));
    }
}
