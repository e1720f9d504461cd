package org.farnode.backend.ops;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.farnode.backend.tensor.GgmlType;
import org.farnode.backend.tensor.Quantize;
import org.farnode.backend.tensor.Tensor;

/** Seeded random weights and activations for kernel tests; tensors live in automatic arenas, freed when unreachable. */
public final class RandomTensors {
    private RandomTensors() {
    }

    /** A {@code [columns, rows]} tensor of {@code type} holding {@link Quantize}d Gaussian values. */
    public static Tensor randomTensor(GgmlType type, int columns, int rows, long seed) {
        float[] values = randomFloats(columns * rows, seed);
        MemorySegment data = Arena.ofAuto().allocate(type.bytesFor((long) columns * rows));
        Quantize.values(type, values, 0, values.length, data, 0);
        return new Tensor("test." + type + "." + columns + "x" + rows, type, new long[] {columns, rows}, data);
    }

    public static float[] randomFloats(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 7919 + n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** {@code values} as an F32 vector tensor (a norm weight, say). */
    public static Tensor f32Vector(String name, float[] values) {
        MemorySegment data = Arena.ofAuto().allocate(4L * values.length);
        Quantize.values(GgmlType.F32, values, 0, values.length, data, 0);
        return new Tensor(name, GgmlType.F32, new long[] {values.length}, data);
    }
}
