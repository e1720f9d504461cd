package org.farnode.app.codec;

import java.nio.ByteBuffer;
import org.farnode.backend.ops.ActivationFormat;
import org.farnode.backend.ops.ActivationQuantization;

/**
 * Blockwise quantization of a whole window with one scale per block of 32 columns shared by all
 * its positions: the joint coding of a window of k positions (a prefill chunk, a speculative
 * window), where per-position blocks would send k scales per block. Rounding and scales are
 * {@link ActivationQuantization}'s; the layout: the blocks' f32 scales, then the window's values
 * position-major, one signed byte (int8) or nibble (int4, the even value low) each.
 */
final class WindowQuantization {
    private WindowQuantization() {
    }

    static long bytes(ActivationFormat format, int columns, int positions) {
        long values = (long) columns * positions;
        return 4L * ActivationFormat.blocksPerPosition(columns) + (format == ActivationFormat.INT8 ? values : (values + 1) / 2);
    }

    /** {@code positions × columns} finite values into {@code out}. */
    static void encode(ActivationFormat format, float[] values, int columns, int positions, ByteBuffer out) {
        int blocks = ActivationFormat.blocksPerPosition(columns);
        float[] scales = new float[blocks];
        for (int b = 0; b < blocks; b++) {
            float absmax = 0;
            for (int p = 0; p < positions; p++) {
                for (int j = b * ActivationFormat.BLOCK; j < Math.min(columns, (b + 1) * ActivationFormat.BLOCK); j++) {
                    float v = values[p * columns + j];
                    if (!Float.isFinite(v)) {
                        throw new IllegalArgumentException("value " + v + " (position " + p + " of the window, index " + j
                                + ") cannot be quantized: only finite values can");
                    }
                    absmax = Math.max(absmax, Math.abs(v));
                }
            }
            scales[b] = ActivationQuantization.scaleOf(format, absmax);
            out.putFloat(scales[b]);
        }
        int n = columns * positions;
        int pending = 0;
        for (int i = 0; i < n; i++) {
            int q = ActivationQuantization.quantize(values[i], scales[(i % columns) / ActivationFormat.BLOCK], format.limit());
            if (format == ActivationFormat.INT8) {
                out.put((byte) q);
            } else if (i % 2 == 0) {
                pending = q & 0xF;
            } else {
                out.put((byte) (pending | (q & 0xF) << 4));
            }
        }
        if (format == ActivationFormat.INT4 && n % 2 == 1) {
            out.put((byte) pending);
        }
    }

    /** The next {@link #bytes} of {@code in}, decoded to {@code positions × columns} values. */
    static float[] decode(ActivationFormat format, ByteBuffer in, int columns, int positions) {
        int blocks = ActivationFormat.blocksPerPosition(columns);
        float[] scales = new float[blocks];
        for (int b = 0; b < blocks; b++) {
            scales[b] = in.getFloat();
        }
        int n = columns * positions;
        float[] values = new float[n];
        int packed = 0;
        for (int i = 0; i < n; i++) {
            int q;
            if (format == ActivationFormat.INT8) {
                q = in.get();
            } else {
                if (i % 2 == 0) {
                    packed = in.get();
                }
                q = (packed >> 4 * (i % 2)) << 28 >> 28; // the signed nibble
            }
            values[i] = q * scales[(i % columns) / ActivationFormat.BLOCK];
        }
        return values;
    }
}
