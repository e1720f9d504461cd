package org.farnode.backend.ops;

import static org.farnode.backend.ops.CpuVectors.FLOATS;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/** F32 weights: plain little-endian floats, read straight from the mapping. */
final class F32VectorKernel extends ElementVectorKernel {
    @Override
    int elementBytes() {
        return Float.BYTES;
    }

    @Override
    FloatVector load(MemorySegment data, long offset) {
        return FloatVector.fromMemorySegment(FLOATS, data, offset, ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    float value(MemorySegment data, long offset) {
        return data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, offset);
    }
}
