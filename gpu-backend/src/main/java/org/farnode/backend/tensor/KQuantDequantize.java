package org.farnode.backend.tensor;

import static org.farnode.backend.tensor.KQuantScales.u8;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reference decoding of one K-quant super-block of 256 values, in plain scalar code. Value
 * {@code i} of the block is written to {@code out[o + i]}.
 *
 * <p>The arithmetic is ggml's, in float32 and in its order: the f16 super-block scale times the
 * small integer sub-block scale first, then times the quant, then (Q2_K, Q4_K, Q5_K) minus the
 * f16 {@code dmin} times the sub-block min. Java float arithmetic is IEEE single precision with
 * no contraction into fused multiply-adds, so the results are bit-identical to llama.cpp's.
 * The byte layouts, offsets from the start of the block (f16 values little-endian):
 */
final class KQuantDequantize {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private KQuantDequantize() {
    }

    /**
     * Q2_K, 84 bytes:
     * <pre>
     * +0   scales[16]  byte s: low nibble = scale, high nibble = min of values [16s, 16s+16)
     * +16  qs[64]      value 128n + 32j + l (n &lt; 2, j &lt; 4, l &lt; 32): bits 2j, 2j+1 of qs[32n + l]
     * +80  d, +82 dmin (f16)
     * value i = (d·scale)·q − dmin·min   with the scale and min of sub-block i/16
     * </pre>
     */
    static void q2_K(MemorySegment data, long at, float[] out, int o) {
        float d = half(data, at + 80);
        float dmin = half(data, at + 82);
        for (int i = 0; i < 256; i++) {
            int packed = u8(data, at + i / 16);
            float scale = d * (packed & 15);
            float min = dmin * (packed >>> 4);
            int q = u8(data, at + 16 + 32 * (i / 128) + i % 32) >>> (2 * (i / 32 % 4)) & 3;
            out[o + i] = scale * q - min;
        }
    }

    /**
     * Q3_K, 110 bytes:
     * <pre>
     * +0   hmask[32]   value 128n + 32j + l: bit 4n + j of hmask[l]; when clear, q is lowered by 4
     * +32  qs[64]      the low two bits, placed as in Q2_K
     * +96  scales[12]  16 signed 6-bit scales, one per 16 values ({@link KQuantScales#signedScale})
     * +108 d (f16)
     * value i = (d·scale)·q   with q in -4..3
     * </pre>
     */
    static void q3_K(MemorySegment data, long at, float[] out, int o) {
        float d = half(data, at + 108);
        for (int i = 0; i < 256; i++) {
            float scale = d * KQuantScales.signedScale(data, at + 96, i / 16);
            int l = i % 32;
            int high = u8(data, at + l) >>> (i / 32) & 1;
            int q = (u8(data, at + 32 + 32 * (i / 128) + l) >>> (2 * (i / 32 % 4)) & 3) - (high == 0 ? 4 : 0);
            out[o + i] = scale * q;
        }
    }

    /**
     * Q4_K, 144 bytes:
     * <pre>
     * +0   d, +2 dmin (f16)
     * +4   scales[12]  8 scales and 8 mins of 6 bits, one per 32 values ({@link KQuantScales})
     * +16  qs[128]     value 64g + 32h + l (h &lt; 2, l &lt; 32): nibble h (0 = low) of qs[32g + l]
     * value i = (d·scale)·q − dmin·min   with the scale and min of sub-block i/32, q in 0..15
     * </pre>
     */
    static void q4_K(MemorySegment data, long at, float[] out, int o) {
        float d = half(data, at);
        float dmin = half(data, at + 2);
        for (int i = 0; i < 256; i++) {
            int s = i / 32;
            float scale = d * KQuantScales.scale(data, at + 4, s);
            float min = dmin * KQuantScales.min(data, at + 4, s);
            int q = u8(data, at + 16 + 32 * (s / 2) + i % 32) >>> (4 * (s % 2)) & 15;
            out[o + i] = scale * q - min;
        }
    }

    /**
     * Q5_K, 176 bytes:
     * <pre>
     * +0   d, +2 dmin (f16)
     * +4   scales[12]  as Q4_K
     * +16  qh[32]      value 32s + l: bit s of qh[l] is its fifth bit (worth 16)
     * +48  qs[128]     the low four bits, placed as in Q4_K
     * value i = (d·scale)·q − dmin·min   with q in 0..31
     * </pre>
     */
    static void q5_K(MemorySegment data, long at, float[] out, int o) {
        float d = half(data, at);
        float dmin = half(data, at + 2);
        for (int i = 0; i < 256; i++) {
            int s = i / 32;
            int l = i % 32;
            float scale = d * KQuantScales.scale(data, at + 4, s);
            float min = dmin * KQuantScales.min(data, at + 4, s);
            int q = (u8(data, at + 48 + 32 * (s / 2) + l) >>> (4 * (s % 2)) & 15) | (u8(data, at + 16 + l) >>> s & 1) << 4;
            out[o + i] = scale * q - min;
        }
    }

    /**
     * Q6_K, 210 bytes:
     * <pre>
     * +0   ql[128]     value 128n + 32k + l (k &lt; 4, l &lt; 32): low four bits = nibble k/2 of ql[64n + 32(k%2) + l]
     * +128 qh[64]      its high two bits = bits 2k, 2k+1 of qh[32n + l]
     * +192 scales[16]  signed bytes, one per 16 values
     * +208 d (f16)
     * value i = (d·scale)·(q − 32)
     * </pre>
     * The order matters here: {@code d·scale·q} can need 25 significant bits.
     */
    static void q6_K(MemorySegment data, long at, float[] out, int o) {
        float d = half(data, at + 208);
        for (int i = 0; i < 256; i++) {
            int n = i / 128;
            int k = i / 32 % 4;
            int l = i % 32;
            float scale = d * data.get(ValueLayout.JAVA_BYTE, at + 192 + i / 16);
            int low = u8(data, at + 64 * n + 32 * (k % 2) + l) >>> (4 * (k / 2)) & 15;
            int high = u8(data, at + 128 + 32 * n + l) >>> (2 * k) & 3;
            out[o + i] = scale * ((low | high << 4) - 32);
        }
    }

    private static float half(MemorySegment data, long at) {
        return Float.float16ToFloat(data.get(F16, at));
    }
}
