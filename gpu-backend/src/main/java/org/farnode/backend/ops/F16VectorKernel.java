package org.farnode.backend.ops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;

/** F16 weights: IEEE half floats, widened exactly as {@link Float#float16ToFloat} does. */
final class F16VectorKernel extends ElementVectorKernel {
    @Override
    int elementBytes() {
        return Short.BYTES;
    }

    @Override
    FloatVector load(MemorySegment data, long offset) {
        return CpuVectors.f16ToFloats(data, offset);
    }

    @Override
    float value(MemorySegment data, long offset) {
        return Float.float16ToFloat(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset));
    }
}
