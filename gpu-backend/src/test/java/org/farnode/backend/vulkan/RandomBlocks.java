package org.farnode.backend.vulkan;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Tensor;

/** Large quantized matrices for benchmarks, fast to make: random quants with small valid f16 scales (what the kernels read, not what they mean). */
final class RandomBlocks {
    private RandomBlocks() {
    }

    static Tensor matrix(String name, GgmlType type, int columns, int rows, SplittableRandom random) {
        long blocks = (long) rows * columns / 32;
        int blockBytes = switch (type) {
            case Q8_0 -> 34;
            case Q4_0 -> 18;
            default -> throw new IllegalArgumentException("random blocks are Q8_0 or Q4_0, not " + type);
        };
        MemorySegment data = Arena.ofAuto().allocate(blocks * blockBytes, 8);
        for (long i = 0; i + 8 <= data.byteSize(); i += 8) {
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong());
        }
        for (long k = 0; k < blocks; k++) {
            data.set(ValueLayout.JAVA_SHORT_UNALIGNED, k * blockBytes, Float.floatToFloat16(0.001f + random.nextFloat() * 0.01f));
        }
        return new Tensor(name, type, new long[] {columns, rows}, data);
    }

    /** An F32 vector of ones (a norm weight). */
    static Tensor ones(String name, int size) {
        MemorySegment data = Arena.ofAuto().allocate(4L * size, 4);
        for (int i = 0; i < size; i++) {
            data.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1f);
        }
        return new Tensor(name, GgmlType.F32, new long[] {size}, data);
    }
}
