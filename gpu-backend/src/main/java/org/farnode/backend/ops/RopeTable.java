package org.farnode.backend.ops;

/**
 * Precomputed rotary-embedding angles: {@code cos/sin(position · base^(-2i/ropeDim))} for
 * {@code i < ropeDim/2}. Computed once per model so the hot loop does no transcendental math.
 */
public final class RopeTable {
    private final int ropeDimension;
    private final int maxPositions;
    private final float[] cos;
    private final float[] sin;

    public RopeTable(int ropeDimension, int maxPositions, double base) {
        if (ropeDimension <= 0 || ropeDimension % 2 != 0) {
            throw new IllegalArgumentException("rope dimension must be even and positive, got " + ropeDimension);
        }
        this.ropeDimension = ropeDimension;
        this.maxPositions = maxPositions;
        int half = ropeDimension / 2;
        this.cos = new float[maxPositions * half];
        this.sin = new float[maxPositions * half];
        for (int pos = 0; pos < maxPositions; pos++) {
            for (int i = 0; i < half; i++) {
                // Same float arithmetic as llama2.c's run.c, so logits match its reference closely.
                float frequency = (float) (1.0 / Math.pow(base, (2.0 * i) / ropeDimension));
                float angle = pos * frequency;
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

    public float cos(int position, int pair) {
        return cos[position * (ropeDimension / 2) + pair];
    }

    public float sin(int position, int pair) {
        return sin[position * (ropeDimension / 2) + pair];
    }
}
