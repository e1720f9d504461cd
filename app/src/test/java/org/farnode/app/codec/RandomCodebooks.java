package org.farnode.app.codec;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.farnode.app.codec.scm.ScmBoundary;
import org.farnode.app.shard.HiddenStates;

/**
 * SCM boundaries that look calibrated, and hidden states that look like what they were
 * calibrated on, for codec tests: a random orthonormal basis that is zero in the outlier
 * dimensions (as {@link ScmBoundary} requires), spreads of very different sizes, a mean.
 */
public final class RandomCodebooks {
    private RandomCodebooks() {
    }

    /**
     * A boundary of {@code rank} directions and {@code outliers} outlier dimensions (at most
     * {@code width − rank}); deviations spread over two decades, one of them 0 (a direction without
     * variance, coded as if it were 1) when the rank is 17 or more.
     */
    public static ScmBoundary boundary(int boundary, int width, int rank, int outliers, long seed) {
        if (outliers > width - rank) {
            throw new IllegalArgumentException("rank " + rank + " leaves " + (width - rank) + " dimensions for outliers, not " + outliers);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] outlierDimensions = random.ints(0, width).distinct().limit(outliers).sorted().toArray();
        float[] basis = orthonormalRows(rank, width, outlierDimensions, random);
        float[] deviations = new float[rank];
        for (int i = 0; i < rank; i++) {
            deviations[i] = (float) Math.pow(10, random.nextDouble(-1, 1));
        }
        if (rank >= 17) {
            deviations[rank / 2] = 0;
        }
        float[] mean = new float[width];
        for (int j = 0; j < width; j++) {
            mean[j] = (float) (0.5 * random.nextGaussian());
        }
        return new ScmBoundary(boundary, width, mean, outlierDimensions, rank, basis, 0.99, deviations);
    }

    /**
     * {@code positions} vectors {@code mean + Σ_i z_i·d_i·B_i} (z standard normal), a little noise
     * outside the subspace, and outliers of a size the rest never reaches.
     */
    public static HiddenStates statesFor(ScmBoundary boundary, int positions, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int width = boundary.width();
        float[] basis = boundary.basis();
        float[] deviations = boundary.deviations();
        float[] mean = boundary.mean();
        float[] h = new float[positions * width];
        for (int p = 0; p < positions; p++) {
            double[] vector = new double[width];
            for (int j = 0; j < width; j++) {
                vector[j] = mean[j] + 0.01 * random.nextGaussian();
            }
            for (int i = 0; i < boundary.rank(); i++) {
                double weight = random.nextGaussian() * (deviations[i] > 0 ? deviations[i] : 0.001);
                for (int j = 0; j < width; j++) {
                    vector[j] += weight * basis[i * width + j];
                }
            }
            for (int o : boundary.outliers()) {
                vector[o] = 40 * random.nextGaussian();
            }
            for (int j = 0; j < width; j++) {
                h[p * width + j] = (float) vector[j];
            }
        }
        return new HiddenStates(positions, width, h);
    }

    /** {@code count} orthonormal rows of {@code width}, zero in {@code zeroColumns}: Gram–Schmidt of Gaussian rows, twice over. */
    private static float[] orthonormalRows(int count, int width, int[] zeroColumns, SplittableRandom random) {
        double[] rows = new double[count * width];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.binarySearch(zeroColumns, i % width) >= 0 ? 0 : random.nextGaussian();
        }
        for (int pass = 0; pass < 2; pass++) { // the second pass removes what rounding left of the earlier rows
            for (int k = 0; k < count; k++) {
                for (int earlier = 0; earlier < k; earlier++) {
                    double dot = 0;
                    for (int j = 0; j < width; j++) {
                        dot += rows[k * width + j] * rows[earlier * width + j];
                    }
                    for (int j = 0; j < width; j++) {
                        rows[k * width + j] -= dot * rows[earlier * width + j];
                    }
                }
                double norm = 0;
                for (int j = 0; j < width; j++) {
                    norm += rows[k * width + j] * rows[k * width + j];
                }
                for (int j = 0; j < width; j++) {
                    rows[k * width + j] /= Math.sqrt(norm);
                }
            }
        }
        float[] basis = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            basis[i] = (float) rows[i];
        }
        return basis;
    }
}
