package org.farnode.backend.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Encodes floats into a tensor type's stored bytes, with the rounding rules of ggml's reference
 * quantizers ({@code quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref}), so files written here
 * read the same in llama.cpp. The K-quants (Q2_K to Q6_K) use this project's own fitting
 * ({@link KQuantQuantize}): the same format, other bytes than llama-quantize's.
 */
public final class Quantize {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private Quantize() {
    }

    /**
     * Encodes {@code count} values of {@code src} from {@code srcOffset} into {@code dst} at byte
     * {@code dstOffset}; writes {@code type.bytesFor(count)} bytes.
     */
    public static void values(GgmlType type, float[] src, int srcOffset, int count, MemorySegment dst, long dstOffset) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    dst.set(F32, dstOffset + 4L * i, src[srcOffset + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst.set(I16, dstOffset + 2L * i, Float.floatToFloat16(src[srcOffset + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst.set(I16, dstOffset + 2L * i, floatToBf16(src[srcOffset + i]));
                }
            }
            case Q8_0 -> {
                for (int block = 0; block < count / 32; block++) {
                    q8_0Block(src, srcOffset + block * 32, dst, dstOffset + block * 34L);
                }
            }
            case Q4_0 -> {
                for (int block = 0; block < count / 32; block++) {
                    q4_0Block(src, srcOffset + block * 32, dst, dstOffset + block * 18L);
                }
            }
            case Q2_K -> superBlocks(type, src, srcOffset, count, dst, dstOffset, KQuantQuantize::q2_K);
            case Q3_K -> superBlocks(type, src, srcOffset, count, dst, dstOffset, KQuantQuantize::q3_K);
            case Q4_K -> superBlocks(type, src, srcOffset, count, dst, dstOffset, KQuantQuantize::q4_K);
            case Q5_K -> superBlocks(type, src, srcOffset, count, dst, dstOffset, KQuantQuantize::q5_K);
            case Q6_K -> superBlocks(type, src, srcOffset, count, dst, dstOffset, KQuantQuantize::q6_K);
            default -> throw new UnsupportedTensorTypeException("(quantize)", type);
        }
    }

    /** Encodes the 256 values {@code x[o, o + 256)} as one block at byte {@code at}. */
    private interface SuperBlockEncoder {
        void encode(float[] x, int o, MemorySegment dst, long at);
    }

    private static void superBlocks(GgmlType type, float[] src, int srcOffset, int count, MemorySegment dst, long dstOffset,
                                    SuperBlockEncoder encoder) {
        for (int block = 0; block < count / 256; block++) {
            encoder.encode(src, srcOffset + block * 256, dst, dstOffset + (long) block * type.bytesPerBlock());
        }
    }

    private static void q8_0Block(float[] x, int o, MemorySegment dst, long base) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[o + j]));
        }
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        dst.set(I16, base, Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) {
            dst.set(ValueLayout.JAVA_BYTE, base + 2 + j, (byte) roundHalfAwayFromZero(x[o + j] * id));
        }
    }

    private static void q4_0Block(float[] x, int o, MemorySegment dst, long base) {
        // The scale maps the value of largest magnitude, sign included, to -8.
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[o + j];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8f;
        float id = d != 0 ? 1f / d : 0f;
        dst.set(I16, base, Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) (x[o + j] * id + 8.5f));
            int hi = Math.min(15, (int) (x[o + j + 16] * id + 8.5f));
            dst.set(ValueLayout.JAVA_BYTE, base + 2 + j, (byte) (lo | (hi << 4)));
        }
    }

    /** C's {@code roundf}: halves go away from zero (Java's {@code Math.round} sends -2.5 to -2). */
    static int roundHalfAwayFromZero(float v) {
        // Branch-free: with random data a sign branch mispredicts half the time and dominates quantizing.
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

    /** Round-to-nearest-even truncation of a float32 to its upper 16 bits, keeping NaN a NaN. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
    }
}
