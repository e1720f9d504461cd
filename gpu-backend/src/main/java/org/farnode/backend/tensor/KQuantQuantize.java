package org.farnode.backend.tensor;

import static org.farnode.backend.tensor.SubBlockFit.clamp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Encodes 256 floats {@code x[o, o + 256)} as one K-quant super-block at byte {@code at} of
 * {@code dst}, in the layouts drawn in {@link KQuantDequantize}.
 *
 * <p>Each sub-block is fitted on its own ({@link SubBlockFit}); the super-block scale {@code d}
 * (and {@code dmin}) then maps the largest sub-block step (and offset) to the largest integer scale,
 * every sub-block step is rounded to a multiple of it, and only then are the quants chosen, against
 * the scales exactly as a reader will decode them (the f16-rounded {@code d} times the integer
 * scale). So the rounding of the scales is absorbed by the choice of quants, not added to it.
 * The fitting is this project's own; files differ from llama-quantize's in their bytes, not in
 * their format.
 */
final class KQuantQuantize {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private KQuantQuantize() {
    }

    /** Q2_K: 16 sub-blocks of 16, 2-bit quants, 4-bit scales and mins. */
    static void q2_K(float[] x, int o, MemorySegment dst, long at) {
        Asymmetric fit = Asymmetric.of(x, o, 16, 3, 15);
        byte[] block = new byte[84];
        for (int j = 0; j < 16; j++) {
            block[j] = (byte) (fit.scales[j] | fit.mins[j] << 4);
        }
        for (int i = 0; i < 256; i++) {
            int q = fit.quant(x[o + i], i / 16, 3);
            block[16 + 32 * (i / 128) + i % 32] |= (byte) (q << (2 * (i / 32 % 4)));
        }
        MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, at, 84);
        dst.set(F16, at + 80, fit.d);
        dst.set(F16, at + 82, fit.dmin);
    }

    /** Q3_K: 16 sub-blocks of 16, 3-bit quants in -4..3, signed 6-bit scales. */
    static void q3_K(float[] x, int o, MemorySegment dst, long at) {
        Symmetric fit = Symmetric.of(x, o, 16, 4, 32);
        byte[] block = new byte[110];
        for (int i = 0; i < 256; i++) {
            int stored = fit.quant(x[o + i], i / 16, 4) + 4;
            block[i % 32] |= (byte) ((stored >>> 2) << (i / 32));
            block[32 + 32 * (i / 128) + i % 32] |= (byte) ((stored & 3) << (2 * (i / 32 % 4)));
        }
        MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, at, 110);
        KQuantScales.packSignedScales(fit.scales, dst, at + 96);
        dst.set(F16, at + 108, fit.d);
    }

    /** Q4_K: 8 sub-blocks of 32, 4-bit quants, 6-bit scales and mins. */
    static void q4_K(float[] x, int o, MemorySegment dst, long at) {
        Asymmetric fit = Asymmetric.of(x, o, 32, 15, 63);
        byte[] quants = new byte[128];
        for (int i = 0; i < 256; i++) {
            int s = i / 32;
            quants[32 * (s / 2) + i % 32] |= (byte) (fit.quant(x[o + i], s, 15) << (4 * (s % 2)));
        }
        dst.set(F16, at, fit.d);
        dst.set(F16, at + 2, fit.dmin);
        KQuantScales.packScalesAndMins(fit.scales, fit.mins, dst, at + 4);
        MemorySegment.copy(quants, 0, dst, ValueLayout.JAVA_BYTE, at + 16, 128);
    }

    /** Q5_K: 8 sub-blocks of 32, 5-bit quants, 6-bit scales and mins. */
    static void q5_K(float[] x, int o, MemorySegment dst, long at) {
        Asymmetric fit = Asymmetric.of(x, o, 32, 31, 63);
        byte[] high = new byte[32];
        byte[] low = new byte[128];
        for (int i = 0; i < 256; i++) {
            int s = i / 32;
            int q = fit.quant(x[o + i], s, 31);
            high[i % 32] |= (byte) ((q >>> 4) << s);
            low[32 * (s / 2) + i % 32] |= (byte) ((q & 15) << (4 * (s % 2)));
        }
        dst.set(F16, at, fit.d);
        dst.set(F16, at + 2, fit.dmin);
        KQuantScales.packScalesAndMins(fit.scales, fit.mins, dst, at + 4);
        MemorySegment.copy(high, 0, dst, ValueLayout.JAVA_BYTE, at + 16, 32);
        MemorySegment.copy(low, 0, dst, ValueLayout.JAVA_BYTE, at + 48, 128);
    }

    /** Q6_K: 16 sub-blocks of 16, 6-bit quants in -32..31, signed 8-bit scales. */
    static void q6_K(float[] x, int o, MemorySegment dst, long at) {
        Symmetric fit = Symmetric.of(x, o, 16, 32, 128);
        byte[] block = new byte[210];
        for (int i = 0; i < 256; i++) {
            int stored = fit.quant(x[o + i], i / 16, 32) + 32;
            int n = i / 128;
            int k = i / 32 % 4;
            int l = i % 32;
            block[64 * n + 32 * (k % 2) + l] |= (byte) ((stored & 15) << (4 * (k / 2)));
            block[128 + 32 * n + l] |= (byte) ((stored >>> 4) << (2 * k));
        }
        for (int j = 0; j < 16; j++) {
            block[192 + j] = (byte) fit.scales[j];
        }
        MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, at, 210);
        dst.set(F16, at + 208, fit.d);
    }

    /** Sub-block steps and offsets as unsigned integer multiples of f16 {@code d} and {@code dmin}. */
    private record Asymmetric(short d, short dmin, int[] scales, int[] mins, float[] steps, float[] offsets) {

        static Asymmetric of(float[] x, int o, int size, int levels, int maxScale) {
            int count = 256 / size;
            float[] fitted = new float[2 * count];
            float[] pair = new float[2];
            float maxStep = 0;
            float maxOffset = 0;
            for (int j = 0; j < count; j++) {
                SubBlockFit.asymmetric(x, o + j * size, size, levels, pair);
                fitted[2 * j] = pair[0];
                fitted[2 * j + 1] = pair[1];
                maxStep = Math.max(maxStep, pair[0]);
                maxOffset = Math.max(maxOffset, pair[1]);
            }
            short d = Float.floatToFloat16(maxStep / maxScale);
            short dmin = Float.floatToFloat16(maxOffset / maxScale);
            float stepUnit = Float.float16ToFloat(d);
            float offsetUnit = Float.float16ToFloat(dmin);
            int[] scales = new int[count];
            int[] mins = new int[count];
            float[] steps = new float[count];
            float[] offsets = new float[count];
            for (int j = 0; j < count; j++) {
                scales[j] = stepUnit > 0 ? clamp(Math.round(fitted[2 * j] / stepUnit), 0, maxScale) : 0;
                mins[j] = offsetUnit > 0 ? clamp(Math.round(fitted[2 * j + 1] / offsetUnit), 0, maxScale) : 0;
                steps[j] = stepUnit * scales[j];
                offsets[j] = offsetUnit * mins[j];
            }
            return new Asymmetric(d, dmin, scales, mins, steps, offsets);
        }

        /** The level in {@code [0, levels]} nearest to {@code v} in sub-block {@code j}, as it will decode. */
        int quant(float v, int j, int levels) {
            return steps[j] > 0 ? clamp(Math.round((v + offsets[j]) / steps[j]), 0, levels) : 0;
        }
    }

    /** Sub-block steps as signed integer multiples of f16 {@code d}. */
    private record Symmetric(short d, int[] scales, float[] steps) {

        /** {@code half}: quants in {@code [−half, half)}; {@code scaleHalf}: integer scales in {@code [−scaleHalf, scaleHalf)}. */
        static Symmetric of(float[] x, int o, int size, int half, int scaleHalf) {
            int count = 256 / size;
            float[] fitted = new float[count];
            float max = 0;
            for (int j = 0; j < count; j++) {
                fitted[j] = SubBlockFit.symmetric(x, o + j * size, size, half);
                if (Math.abs(fitted[j]) > Math.abs(max)) {
                    max = fitted[j];
                }
            }
            short d = Float.floatToFloat16(max == 0 ? 0 : max / -scaleHalf); // +0 for an all-zero block, which then decodes to +0
            float unit = Float.float16ToFloat(d);
            int[] scales = new int[count];
            float[] steps = new float[count];
            for (int j = 0; j < count; j++) {
                scales[j] = unit != 0 ? clamp(Math.round(fitted[j] / unit), -scaleHalf, scaleHalf - 1) : 0;
                steps[j] = unit * scales[j];
            }
            return new Symmetric(d, scales, steps);
        }

        /** The level in {@code [−half, half)} nearest to {@code v} in sub-block {@code j}, as it will decode. */
        int quant(float v, int j, int half) {
            return steps[j] != 0 ? clamp(Math.round(v / steps[j]), -half, half - 1) : 0;
        }
    }
}
