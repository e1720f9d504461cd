package org.farnode.backend.ops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import org.farnode.backend.tensor.Dequantize;

/** BF16 weights: each value is the upper 16 bits of a float32. */
final class BF16VectorKernel extends ElementVectorKernel {
    @Override
    int elementBytes() {
        return Short.BYTES;
    }

    @Override
    FloatVector load(MemorySegment data, long offset) {
        return CpuVectors.bf16ToFloats(data, offset);
    }

    @Override
    float value(MemorySegment data, long offset) {
        return Dequantize.bf16ToFloat(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset));
    }
}
