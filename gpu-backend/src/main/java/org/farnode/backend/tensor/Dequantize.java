package org.farnode.backend.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reference dequantization: the exact value of every stored element, in plain scalar code.
 *
 * <p>Arithmetic follows ggml's {@code dequantize_row_*} (float32 products of the f16 scale and
 * the small integer), so results are bit-identical to llama.cpp's. The K-quants (super-blocks of
 * 256 values) are drawn byte by byte in {@link KQuantDequantize}.
 */
public final class Dequantize {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private Dequantize() {
    }

    /** Writes row {@code row} of {@code t} as floats into {@code out[outOffset, outOffset + t.columns())}. */
    public static void row(Tensor t, int row, float[] out, int outOffset) {
        values(t.name(), t.type(), t.data(), t.rowOffset(row), t.columns(), out, outOffset);
    }

    /**
     * Decodes {@code count} values of type {@code type} starting at byte {@code offset} of {@code data}.
     * {@code count} must be a whole number of blocks.
     */
    public static void values(String tensorName, GgmlType type, MemorySegment data, long offset, int count,
                              float[] out, int outOffset) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = data.get(F32, offset + 4L * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = Float.float16ToFloat(data.get(I16, offset + 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = bf16ToFloat(data.get(I16, offset + 2L * i));
                }
            }
            case Q8_0 -> {
                for (int block = 0; block < count / 32; block++) {
                    long base = offset + block * 34L;
                    float d = Float.float16ToFloat(data.get(I16, base));
                    for (int j = 0; j < 32; j++) {
                        out[outOffset + block * 32 + j] = data.get(ValueLayout.JAVA_BYTE, base + 2 + j) * d;
                    }
                }
            }
            case Q4_0 -> {
                for (int block = 0; block < count / 32; block++) {
                    long base = offset + block * 18L;
                    float d = Float.float16ToFloat(data.get(I16, base));
                    int o = outOffset + block * 32;
                    for (int j = 0; j < 16; j++) {
                        int packed = data.get(ValueLayout.JAVA_BYTE, base + 2 + j) & 0xFF;
                        out[o + j] = ((packed & 0x0F) - 8) * d;
                        out[o + j + 16] = ((packed >>> 4) - 8) * d;
                    }
                }
            }
            case Q2_K -> superBlocks(type, data, offset, count, out, outOffset, KQuantDequantize::q2_K);
            case Q3_K -> superBlocks(type, data, offset, count, out, outOffset, KQuantDequantize::q3_K);
            case Q4_K -> superBlocks(type, data, offset, count, out, outOffset, KQuantDequantize::q4_K);
            case Q5_K -> superBlocks(type, data, offset, count, out, outOffset, KQuantDequantize::q5_K);
            case Q6_K -> superBlocks(type, data, offset, count, out, outOffset, KQuantDequantize::q6_K);
            default -> throw new UnsupportedTensorTypeException(tensorName, type);
        }
    }

    /** Decodes one block of 256 values starting at byte {@code at} into {@code out[o, o + 256)}. */
    private interface SuperBlockDecoder {
        void decode(MemorySegment data, long at, float[] out, int o);
    }

    private static void superBlocks(GgmlType type, MemorySegment data, long offset, int count, float[] out, int outOffset,
                                    SuperBlockDecoder decoder) {
        for (int block = 0; block < count / 256; block++) {
            decoder.decode(data, offset + (long) block * type.bytesPerBlock(), out, outOffset + block * 256);
        }
    }

    /** bfloat16 is the upper half of a float32. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }
}
