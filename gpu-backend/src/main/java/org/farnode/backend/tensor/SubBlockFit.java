package org.farnode.backend.tensor;

/**
 * Fits one sub-block of a K-quant super-block: the step (and offset) that best represent its
 * values with a few integer levels, before the steps themselves are quantized to the super-block's
 * small integer scales.
 *
 * <p>Each fit tries a handful of candidate steps around the one that spans the values, assigns
 * every value its nearest level under that step, then refits step (and offset) to those levels by
 * least squares and keeps the candidate with the smallest squared error. A few candidates are
 * enough to land near the optimum, and keep writing a 1.1-billion-weight model to seconds.
 */
final class SubBlockFit {
    /** Multipliers of the spanning step tried as candidates. */
    private static final float[] CANDIDATES = {0.9f, 0.95f, 1f, 1.05f, 1.1f};

    private SubBlockFit() {
    }

    /**
     * Fits {@code x[o + i] ≈ step·q_i − offset} with {@code q_i} in {@code [0, levels]} and
     * {@code offset ≥ 0}, for {@code i < n}; writes {@code {step, offset}} to {@code out}. The
     * offset is at least {@code −min(0, min x)} before refitting, so that values of one sign keep
     * an offset of 0.
     */
    static void asymmetric(float[] x, int o, int n, int levels, float[] out) {
        float lo = 0;
        float hi = 0;
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, x[o + i]);
            hi = Math.max(hi, x[o + i]);
        }
        out[0] = 0;
        out[1] = -lo;
        if (hi == lo) {
            return;
        }
        double bestError = Double.MAX_VALUE;
        float span = (hi - lo) / levels;
        for (float candidate : CANDIDATES) {
            float step = span * candidate;
            double count = 0, sumQ = 0, sumQQ = 0, sumX = 0, sumQX = 0;
            for (int i = 0; i < n; i++) {
                int q = clamp(Math.round((x[o + i] - lo) / step), 0, levels);
                count++;
                sumQ += q;
                sumQQ += (double) q * q;
                sumX += x[o + i];
                sumQX += q * (double) x[o + i];
            }
            // least squares x ≈ a·q + b, with b = −offset ≤ 0 and a ≥ 0
            double det = count * sumQQ - sumQ * sumQ;
            double a = det > 0 ? (count * sumQX - sumQ * sumX) / det : 0;
            double b = (sumX - a * sumQ) / count;
            if (b > 0 || a < 0) {
                b = Math.min(0, b);
                a = sumQQ > 0 ? Math.max(0, (sumQX - b * sumQ) / sumQQ) : 0;
            }
            double error = 0;
            for (int i = 0; i < n; i++) {
                int q = a > 0 ? clamp((int) Math.round((x[o + i] - b) / a), 0, levels) : 0;
                double e = a * q + b - x[o + i];
                error += e * e;
            }
            if (error < bestError) {
                bestError = error;
                out[0] = (float) a;
                out[1] = (float) -b;
            }
        }
    }

    /**
     * The step of {@code x[o + i] ≈ step·q_i} with {@code q_i} in {@code [−half, half − 1]}, for
     * {@code i < n}. The value of largest magnitude starts at level {@code −half} (the level without
     * a positive twin), signed accordingly.
     */
    static float symmetric(float[] x, int o, int n, int half) {
        float max = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(x[o + i]) > Math.abs(max)) {
                max = x[o + i];
            }
        }
        if (max == 0) {
            return 0;
        }
        double bestError = Double.MAX_VALUE;
        float best = 0;
        for (float candidate : CANDIDATES) {
            float step = max / -half * candidate;
            double sumQQ = 0;
            double sumQX = 0;
            for (int i = 0; i < n; i++) {
                int q = clamp(Math.round(x[o + i] / step), -half, half - 1);
                sumQQ += (double) q * q;
                sumQX += q * (double) x[o + i];
            }
            double a = sumQX / sumQQ;
            double error = 0;
            for (int i = 0; i < n; i++) {
                double e = a * clamp((int) Math.round(x[o + i] / a), -half, half - 1) - x[o + i];
                error += e * e;
            }
            if (error < bestError) {
                bestError = error;
                best = (float) a;
            }
        }
        return best;
    }

    static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
