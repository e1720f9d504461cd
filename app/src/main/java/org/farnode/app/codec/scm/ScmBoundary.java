package org.farnode.app.codec.scm;

import java.util.Arrays;

/**
 * The calibrated projection of one layer boundary: the hidden states entering layer
 * {@code boundary} (0 = the embeddings, L = the output of the last of L layers).
 *
 * <p>A vector h of {@code width} values is sent as its {@code outliers} dimensions exactly and
 * the {@code rank} coefficients {@code c = B·(h − mean)} of the rest, where B is {@code basis}
 * ({@code rank × width}, row-major, orthonormal rows, zero in the outlier columns); it is read
 * back as {@code mean + Bᵀ·c} with the outliers put back.
 *
 * @param boundary          the layer index the hidden states enter
 * @param width             values per vector (the model's embedding length)
 * @param mean              per-dimension mean over the calibration text ({@code width} values)
 * @param outliers          dimensions sent exactly, ascending
 * @param rank              principal directions kept
 * @param basis             {@code rank × width} floats, row-major
 * @param explainedVariance fraction of the non-outlier variance the kept directions carry on the calibration text
 * @param deviations        per kept direction, its standard deviation on the calibration text ({@code rank}
 *                          values): coefficients are divided by it before they are quantized, so each
 *                          is about as large as the others and rounding costs every direction in
 *                          proportion to its size; 1 where not known, 0 for a direction without variance
 */
public record ScmBoundary(int boundary, int width, float[] mean, int[] outliers, int rank, float[] basis, double explainedVariance,
                          float[] deviations) {

    /** A projection whose coefficients are quantized as they are (every deviation 1). */
    public ScmBoundary(int boundary, int width, float[] mean, int[] outliers, int rank, float[] basis, double explainedVariance) {
        this(boundary, width, mean, outliers, rank, basis, explainedVariance, ones(Math.max(0, rank)));
    }

    private static float[] ones(int n) {
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        return ones;
    }

    public ScmBoundary {
        if (boundary < 0 || width <= 0 || mean.length != width || rank < 0 || rank > width
                || basis.length != (long) rank * width || !(explainedVariance >= 0 && explainedVariance <= 1.0000001)) {
            throw new IllegalArgumentException("not a valid boundary projection: boundary " + boundary + ", width " + width
                    + ", mean of " + mean.length + ", rank " + rank + ", basis of " + basis.length + ", explained variance "
                    + explainedVariance);
        }
        for (int i = 0; i < outliers.length; i++) {
            if (outliers[i] < 0 || outliers[i] >= width || (i > 0 && outliers[i] <= outliers[i - 1])) {
                throw new IllegalArgumentException("outlier dimensions must be ascending and within [0, " + width + "): "
                        + Arrays.toString(outliers));
            }
        }
        if (deviations.length != rank) {
            throw new IllegalArgumentException("a boundary of rank " + rank + " needs " + rank + " deviations, got " + deviations.length);
        }
        for (float d : deviations) {
            if (!(d >= 0) || Float.isInfinite(d)) {
                throw new IllegalArgumentException("deviations must be finite and not negative, got " + d);
            }
        }
        mean = mean.clone();
        outliers = outliers.clone();
        basis = basis.clone();
        deviations = deviations.clone();
    }

    @Override
    public float[] deviations() {
        return deviations.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public int[] outliers() {
        return outliers.clone();
    }

    @Override
    public float[] basis() {
        return basis.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ScmBoundary b && boundary == b.boundary && width == b.width && rank == b.rank
                && Double.compare(explainedVariance, b.explainedVariance) == 0 && Arrays.equals(mean, b.mean)
                && Arrays.equals(outliers, b.outliers) && Arrays.equals(basis, b.basis) && Arrays.equals(deviations, b.deviations);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * boundary + rank) + Arrays.hashCode(mean);
    }

    @Override
    public String toString() {
        return "ScmBoundary[" + boundary + ": width " + width + ", rank " + rank + ", " + outliers.length + " outliers, explained "
                + explainedVariance + "]";
    }
}
