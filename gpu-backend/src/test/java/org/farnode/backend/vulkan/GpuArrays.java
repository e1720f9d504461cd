package org.farnode.backend.vulkan;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Float arrays into device buffers and back, and the other device-side pieces a kernel test needs. */
final class GpuArrays {
    private GpuArrays() {
    }

    /** A device-local buffer holding {@code values}. */
    static GpuBuffer upload(VulkanDevice device, float[] values) {
        GpuBuffer buffer = GpuBuffer.deviceLocal(device, 4L * values.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(ValueLayout.JAVA_FLOAT, values.length);
            MemorySegment.copy(values, 0, staged, ValueLayout.JAVA_FLOAT, 0, values.length);
            buffer.upload(staged, 0);
        }
        return buffer;
    }

    /** The first {@code count} floats of {@code buffer}. */
    static float[] download(GpuBuffer buffer, int count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment target = arena.allocate(ValueLayout.JAVA_FLOAT, count);
            buffer.download(0, target);
            return target.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /** The small host-visible buffer the position-dependent kernels read their window's start from (an int at offset 0), as GpuShard's. */
    static GpuBuffer startPosition(VulkanDevice device, int start) {
        GpuBuffer step = GpuBuffer.hostVisible(device, 16);
        step.mapped().set(ValueLayout.JAVA_INT, 0, start);
        return step;
    }

    /** A descriptor set of {@code pipeline}, released on close. */
    record BoundSet(ComputePipeline pipeline, long set) implements AutoCloseable {
        static BoundSet bind(ComputePipeline pipeline, GpuBuffer... buffers) {
            return new BoundSet(pipeline, pipeline.bind(buffers));
        }

        @Override
        public void close() {
            pipeline.release(set);
        }
    }
}
