package org.farnode.backend.ops;

/**
 * Precomputed rotary-embedding angles and the pairing they apply to: pair {@code i < ropeDim/2}
 * at position {@code p} turns by {@code θ = (p / positionScale) · base^(-2i/ropeDim) / factor[i]}
 * and the table holds {@code cos θ} and {@code sin θ}. Without scaling ({@code positionScale = 1},
 * every factor 1) this is the original Llama RoPE. Computed once per model so the hot loop does no
 * transcendental math.
 */
public final class RopeTable {
    private final int ropeDimension;
    private final int maxPositions;
    private final RopeStyle style;
    private final float[] cos;
    private final float[] sin;

    /** Interleaved pairs, no scaling. */
    public RopeTable(int ropeDimension, int maxPositions, double base) {
        this(ropeDimension, maxPositions, base, RopeStyle.INTERLEAVED, null, 1.0);
    }

    /**
     * @param frequencyFactors  {@code ropeDimension/2} divisors of the pairs' frequencies, or null for none
     * @param positionScale     positions are divided by it (linear scaling); 1 for none
     */
    public RopeTable(int ropeDimension, int maxPositions, double base, RopeStyle style, float[] frequencyFactors,
                     double positionScale) {
        if (ropeDimension <= 0 || ropeDimension % 2 != 0) {
            throw new IllegalArgumentException("rope dimension must be even and positive, got " + ropeDimension);
        }
        int half = ropeDimension / 2;
        if (frequencyFactors != null && frequencyFactors.length != half) {
            throw new IllegalArgumentException("expected " + half + " rope frequency factors (rope dimension / 2), got "
                    + frequencyFactors.length);
        }
        if (!(positionScale > 0)) {
            throw new IllegalArgumentException("rope position scale must be positive, got " + positionScale);
        }
        this.ropeDimension = ropeDimension;
        this.maxPositions = maxPositions;
        this.style = java.util.Objects.requireNonNull(style, "style");
        this.cos = new float[maxPositions * half];
        this.sin = new float[maxPositions * half];
        for (int i = 0; i < half; i++) {
            if (frequencyFactors != null && !(frequencyFactors[i] > 0)) {
                throw new IllegalArgumentException("rope frequency factor " + i + " must be positive, got " + frequencyFactors[i]);
            }
        }
        for (int pos = 0; pos < maxPositions; pos++) {
            // Unscaled: the same float arithmetic as llama2.c's run.c, so logits match its reference closely.
            float position = positionScale == 1.0 ? pos : (float) (pos / positionScale);
            for (int i = 0; i < half; i++) {
                double frequency = 1.0 / Math.pow(base, (2.0 * i) / ropeDimension);
                if (frequencyFactors != null) {
                    frequency /= frequencyFactors[i];
                }
                float angle = position * (float) frequency;
                cos[pos * half + i] = (float) Math.cos(angle);
                sin[pos * half + i] = (float) Math.sin(angle);
            }
        }
    }

    public int ropeDimension() {
        return ropeDimension;
    }

    public int maxPositions() {
        return maxPositions;
    }

    public RopeStyle style() {
        return style;
    }

    /** Index within a head of the first value pair {@code pair} rotates. */
    public int first(int pair) {
        return style.first(pair, ropeDimension);
    }

    /** Index within a head of the second value pair {@code pair} rotates. */
    public int second(int pair) {
        return style.second(pair, ropeDimension);
    }

    public float cos(int position, int pair) {
        return cos[position * (ropeDimension / 2) + pair];
    }

    public float sin(int position, int pair) {
        return sin[position * (ropeDimension / 2) + pair];
    }
}
