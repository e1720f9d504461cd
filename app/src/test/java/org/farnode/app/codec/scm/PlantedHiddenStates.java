package org.farnode.app.codec.scm;

import java.util.Random;

/**
 * Synthetic hidden states with known structure: h = mean + Σ_k a_k·σ_k·u_k + noise, where the
 * u_k are orthonormal directions (zero in the outlier dimensions) and a_k, noise are Gaussian;
 * the outlier dimensions instead hold values hundreds of times larger than the rest.
 */
final class PlantedHiddenStates {

    final int width;
    final int[] outliers;
    final double[] mean;
    final double[] directions; // rank × width, orthonormal rows, zero at the outliers
    final double[] scales; // σ_k, one per direction
    final double noise;
    private final Random random;

    PlantedHiddenStates(int width, int[] outliers, double[] scales, double noise, long seed) {
        this.width = width;
        this.outliers = outliers;
        this.scales = scales;
        this.noise = noise;
        this.random = new Random(seed);
        this.mean = new double[width];
        for (int j = 0; j < width; j++) {
            mean[j] = random.nextDouble() * 2 - 1;
        }
        int rank = scales.length;
        int inner = width - outliers.length;
        double[] compact = RandomMatrices.orthonormalRows(rank, inner, random);
        this.directions = new double[rank * width];
        for (int k = 0; k < rank; k++) {
            int a = 0;
            for (int j = 0; j < width; j++) {
                if (!isOutlier(j)) {
                    directions[k * width + j] = compact[k * inner + a++];
                }
            }
        }
    }

    /** {@code count} vectors, one after another. */
    float[] sample(int count) {
        float[] values = new float[count * width];
        double[] h = new double[width];
        for (int r = 0; r < count; r++) {
            for (int j = 0; j < width; j++) {
                h[j] = mean[j] + noise * random.nextGaussian();
            }
            for (int k = 0; k < scales.length; k++) {
                double amplitude = scales[k] * random.nextGaussian();
                for (int j = 0; j < width; j++) {
                    h[j] += amplitude * directions[k * width + j];
                }
            }
            for (int o = 0; o < outliers.length; o++) {
                h[outliers[o]] = 300 * (o + 1) + 100 * random.nextGaussian();
            }
            for (int j = 0; j < width; j++) {
                values[r * width + j] = (float) h[j];
            }
        }
        return values;
    }

    private boolean isOutlier(int j) {
        for (int o : outliers) {
            if (o == j) {
                return true;
            }
        }
        return false;
    }
}
