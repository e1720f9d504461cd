package org.farnode.app.model;

import org.farnode.app.model.gguf.TensorSource;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic pseudo-random weights from a counter-based hash: value {@code i} of a tensor is a
 * pure function of (seed, tensor name, i), so any row can be made on any thread in any order and
 * the same seed always gives the same bits.
 *
 * <p>Each value is the centred sum of the four 16-bit lanes of {@code splitmix64(key + i·γ)}
 * (Irwin–Hall with n = 4, a close, bounded stand-in for a normal), scaled to standard deviation
 * {@code std}: mean 0, |value| ≤ 2·√3·std ≈ 3.46·std.
 */
public final class SyntheticWeights {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final int LANE_SUM_MEAN = 2 * 0xFFFF;
    /** One 16-bit lane has variance ≈ 65535²/12, so four lanes sum to a standard deviation of 65535/√3. */
    private static final double LANE_SUM_STD = 0xFFFF / Math.sqrt(3);

    private SyntheticWeights() {
    }

    /** The stream key of a tensor: different names (or seeds) give unrelated streams. */
    public static long key(long seed, String tensorName) {
        long h = 0xCBF29CE484222325L; // FNV-1a over the UTF-8 name
        for (byte b : tensorName.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return mix(seed ^ mix(h));
    }

    /** Rows of a tensor with row length {@code out.length}: value {@code row·ne0 + col} of the stream. */
    public static TensorSource.RowFunction normalRows(long key, float std) {
        float scale = (float) (std / LANE_SUM_STD);
        return (row, out) -> {
            long base = row * out.length;
            for (int col = 0; col < out.length; col++) {
                long h = mix(key + (base + col) * GOLDEN_GAMMA);
                int sum = (int) (h & 0xFFFF) + (int) ((h >>> 16) & 0xFFFF) + (int) ((h >>> 32) & 0xFFFF)
                        + (int) (h >>> 48);
                out[col] = (sum - LANE_SUM_MEAN) * scale;
            }
        };
    }

    /** Rows that are all {@code value} (norm weights). */
    public static TensorSource.RowFunction constantRows(float value) {
        return (row, out) -> java.util.Arrays.fill(out, value);
    }

    /** splitmix64's finaliser: a bijective 64-bit mix with full avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
