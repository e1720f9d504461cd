package org.farnode.backend.ops;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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

    /**
     * A {@code [columns, rows]} K-quant tensor of random bytes: every quant, sub-block scale and
     * min bit pattern occurs, while the f16 super-block scales ({@code d}, {@code dmin}) are random
     * finite halves of either sign up to 1/16, subnormals included (as in real files).
     */
    public static Tensor randomBlocks(GgmlType type, int columns, int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 104729 + type.id());
        long bytes = type.bytesFor((long) columns * rows);
        MemorySegment data = Arena.ofAuto().allocate(bytes);
        for (long i = 0; i < bytes; i++) {
            data.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
        }
        for (long block = 0; block < bytes / type.bytesPerBlock(); block++) {
            for (int at : halfScaleOffsets(type)) {
                int exponent = random.nextInt(12); // 0: subnormal; 11: 2^-4
                short half = (short) (random.nextInt(2) << 15 | exponent << 10 | random.nextInt(1024));
                data.set(ValueLayout.JAVA_SHORT_UNALIGNED, block * type.bytesPerBlock() + at, half);
            }
        }
        return new Tensor("random." + type + "." + columns + "x" + rows, type, new long[] {columns, rows}, data);
    }

    /** Where a K-quant super-block keeps its f16 scales. */
    static int[] halfScaleOffsets(GgmlType type) {
        return switch (type) {
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q4_K, Q5_K -> new int[] {0, 2};
            case Q6_K -> new int[] {208};
            default -> throw new IllegalArgumentException(type + " is not a K-quant");
        };
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
