package org.farnode.backend.ops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The reference encoder and decoder of the activation codecs: a window of {@code count}
 * positions of {@code dim} floats ({@code x[p·dim + j]}, value number {@code i = p·dim + j},
 * {@code n = count·dim} values) to bytes and back. The GPU kernels ({@code GpuCodecKernels})
 * write and read exactly these bytes; this layout is what peers will send.
 *
 * <h2>Byte layouts (all multi-byte fields little-endian)</h2>
 * <pre>
 * FP16  (2·n bytes)
 *   +0        half(x[0]) half(x[1]) ... half(x[n-1])            binary16, 2 bytes each
 *
 * INT8  (4·count·B + n bytes, B = ceil(dim / 32) blocks per position)
 *   +0        scale[0][0] ... scale[0][B-1] scale[1][0] ... scale[count-1][B-1]   f32, 4 bytes each
 *   +4·count·B   q[0] q[1] ... q[n-1]                             signed bytes
 *
 * INT4  (4·count·B + ceil(n / 2) bytes)
 *   +0        scales, as INT8
 *   +4·count·B   byte k = (q[2k] &amp; 0xF) | (q[2k+1] &amp; 0xF) &lt;&lt; 4    signed nibbles, the even value low;
 *                                                               when n is odd the last high nibble is 0
 * </pre>
 * Quants run over the whole window in value order, so a position's quants need not start on a
 * byte or word boundary (odd {@code dim} with INT4); positions are never padded.
 *
 * <h2>Values</h2>
 * <ul>
 *   <li>FP16: {@link Float#floatToFloat16} (round to nearest even, overflow to infinity);
 *       decoding is {@link Float#float16ToFloat}. NaN, which those methods leave to the JVM (the
 *       interpreter and the x86 intrinsic differ), is fixed here as the F16C and Arm
 *       conversions treat it: encoding keeps the sign and the top 10 significand bits and sets
 *       the quiet bit ({@code sign | 0x7E00 | bits >> 13 & 0x3FF}); decoding keeps the sign and
 *       the 10 bits and sets the quiet bit ({@code sign | 0x7FC00000 | h & 0x3FF << 13}).</li>
 *   <li>Blocks: block {@code b} of position {@code p} holds values {@code j} in
 *       {@code [32b, min(32b + 32, dim))}; the last block of a position is partial when 32 does
 *       not divide {@code dim}, and its scale is taken over the values it has.</li>
 *   <li>Scale: {@code a = max|x|} over the block; {@code scale = a ⊗ fl(1/L)} (one float
 *       multiplication, correctly rounded) with {@code L} = 127 for INT8 and 7 for INT4. A block
 *       with {@code a < 2^-100} (all zeros, negative zeros or magnitudes no hidden state has) gets
 *       scale 0 and all {@code q = 0}: every scale written is then 0 or a normal float, and any
 *       value below the smallest normal float quantizes to 0, so devices that flush subnormals
 *       to zero encode the same bytes.</li>
 *   <li>Quant: {@code q = clamp(rint(x / scale), -L, L)} where {@code x / scale} is the exact real
 *       quotient and {@code rint} rounds to the nearest integer, ties to even. (It never needs the
 *       clamp: {@code a / scale ≤ L·(1 + 2^-23)}.) A negative zero quantizes to 0.</li>
 *   <li>Decoding: {@code x' = q ⊗ scale} (a float multiplication); a zero quant decodes to +0.
 *       A decoder multiplies whatever byte it reads, including the -128 and -8 no encoder
 *       writes. Error: {@code |x' - x| ≤ scale/2} plus the rounding of the product
 *       ({@code ≤ 2^-24·|x'|}).</li>
 *   <li>The blockwise encoders take finite values only; the reference rejects NaN and infinity,
 *       and the GPU's output for them is unspecified.</li>
 * </ul>
 *
 * <p>Why {@code rint} of a double quotient is exact here: {@code x} and {@code scale} are floats,
 * so where {@code x / scale} is not exactly a half-integer {@code k + 1/2} it lies at least
 * {@code 2^-25} from one, while the double quotient is within {@code 2^-46} of it (its magnitude
 * is at most 128). The GPU has no double; its own exact method is described in
 * {@code codec_quantize.comp}.
 */
public final class ActivationQuantization {
    /** Blocks whose largest magnitude is below this ({@code 2^-100}) are stored as zeros. */
    public static final float SMALLEST_ENCODED_MAGNITUDE = 0x1p-100f;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** fl(1/127) and fl(1/7); the shaders hold the same bits (0x3C010204, 0x3E124925). */
    static final float INVERSE_127 = 1f / 127f;
    static final float INVERSE_7 = 1f / 7f;

    private ActivationQuantization() {
    }

    /** The scale of a block whose largest magnitude is {@code absmax}: 0 below 2^-100, else {@code absmax ⊗ fl(1/L)}. */
    public static float scaleOf(ActivationFormat format, float absmax) {
        if (!format.blockwise()) {
            throw new IllegalArgumentException(format + " has no scales");
        }
        if (absmax < SMALLEST_ENCODED_MAGNITUDE) {
            return 0f;
        }
        return absmax * (format == ActivationFormat.INT8 ? INVERSE_127 : INVERSE_7);
    }

    /** {@code clamp(rint(x / scale), -limit, limit)} of the exact quotient; 0 when the scale is 0. */
    public static int quantize(float x, float scale, int limit) {
        if (scale == 0f) {
            return 0;
        }
        double nearest = Math.rint((double) x / scale); // exact: see the class comment
        return (int) Math.max(-limit, Math.min(limit, nearest));
    }

    /** The binary16 of {@code x}: {@link Float#floatToFloat16}, with NaN fixed as the class comment says. */
    public static short toHalf(float x) {
        if (Float.isNaN(x)) {
            int bits = Float.floatToRawIntBits(x);
            return (short) (bits >>> 16 & 0x8000 | 0x7E00 | bits >> 13 & 0x3FF);
        }
        return Float.floatToFloat16(x);
    }

    /** The float of binary16 {@code h}: {@link Float#float16ToFloat}, with NaN fixed as the class comment says. */
    public static float fromHalf(short h) {
        if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0) {
            return Float.intBitsToFloat((h & 0x8000) << 16 | 0x7FC00000 | (h & 0x3FF) << 13);
        }
        return Float.float16ToFloat(h);
    }

    /**
     * Encodes {@code count} positions of {@code dim} values, {@code x[p·dim + j]}, into the first
     * {@link ActivationFormat#encodedBytes} bytes of {@code out}.
     */
    public static void encode(ActivationFormat format, float[] x, int dim, int count, MemorySegment out) {
        requireShape(format, dim, count, x.length, out.byteSize());
        int n = dim * count;
        if (format == ActivationFormat.FP16) {
            for (int i = 0; i < n; i++) {
                out.set(SHORT, 2L * i, toHalf(x[i]));
            }
            return;
        }
        requireFinite(x, dim, count);
        int blocks = ActivationFormat.blocksPerPosition(dim);
        long quants = format.scaleBytes(dim, count);
        float[] scales = new float[blocks];
        for (int p = 0; p < count; p++) {
            for (int b = 0; b < blocks; b++) {
                float absmax = 0f;
                for (int j = b * ActivationFormat.BLOCK; j < Math.min(dim, (b + 1) * ActivationFormat.BLOCK); j++) {
                    absmax = Math.max(absmax, Math.abs(x[p * dim + j]));
                }
                scales[b] = scaleOf(format, absmax);
                out.set(FLOAT, 4L * (p * blocks + b), scales[b]);
            }
            for (int j = 0; j < dim; j++) {
                int i = p * dim + j;
                int q = quantize(x[i], scales[j / ActivationFormat.BLOCK], format.limit());
                if (format == ActivationFormat.INT8) {
                    out.set(ValueLayout.JAVA_BYTE, quants + i, (byte) q);
                } else {
                    putNibble(out, quants + i / 2, i % 2, q);
                }
            }
        }
        if (format == ActivationFormat.INT4 && n % 2 == 1) {
            putNibble(out, quants + n / 2, 1, 0);
        }
    }

    /** Decodes what {@link #encode} wrote into {@code out[p·dim + j]}. */
    public static void decode(ActivationFormat format, MemorySegment in, int dim, int count, float[] out) {
        requireShape(format, dim, count, out.length, in.byteSize());
        int n = dim * count;
        if (format == ActivationFormat.FP16) {
            for (int i = 0; i < n; i++) {
                out[i] = fromHalf(in.get(SHORT, 2L * i));
            }
            return;
        }
        int blocks = ActivationFormat.blocksPerPosition(dim);
        long quants = format.scaleBytes(dim, count);
        for (int p = 0; p < count; p++) {
            for (int j = 0; j < dim; j++) {
                int i = p * dim + j;
                float scale = in.get(FLOAT, 4L * (p * blocks + j / ActivationFormat.BLOCK));
                int q = format == ActivationFormat.INT8 ? in.get(ValueLayout.JAVA_BYTE, quants + i) : nibble(in, quants + i / 2, i % 2);
                out[i] = q * scale;
            }
        }
    }

    private static void putNibble(MemorySegment out, long at, int high, int q) {
        int kept = out.get(ValueLayout.JAVA_BYTE, at) & (high == 0 ? 0xF0 : 0x0F);
        out.set(ValueLayout.JAVA_BYTE, at, (byte) (kept | (q & 0xF) << 4 * high));
    }

    private static int nibble(MemorySegment in, long at, int high) {
        int value = in.get(ValueLayout.JAVA_BYTE, at) >> 4 * high & 0xF;
        return value << 28 >> 28; // sign-extend the four bits
    }

    private static void requireShape(ActivationFormat format, int dim, int count, int values, long bytes) {
        if (dim < 1 || count < 1 || (long) dim * count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a window needs dim ≥ 1 and count ≥ 1 with dim·count < 2^31, got dim " + dim
                    + ", count " + count);
        }
        if (values < dim * count) {
            throw new IllegalArgumentException(count + " positions of " + dim + " need " + dim * count + " floats, got " + values);
        }
        if (bytes < format.encodedBytes(dim, count)) {
            throw new IllegalArgumentException(format + " of " + count + " positions of " + dim + " takes "
                    + format.encodedBytes(dim, count) + " bytes, the segment has " + bytes);
        }
    }

    private static void requireFinite(float[] x, int dim, int count) {
        for (int i = 0; i < dim * count; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException("blockwise codecs take finite values; value " + i + " is " + x[i] + " (position "
                        + i / dim + " of the window, index " + i % dim + ")");
            }
        }
    }
}
