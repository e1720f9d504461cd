package org.farnode.app.privacy;

/**
 * Ridge regression from feature vectors to one-hot classes, in closed form. It keeps only sums
 * (count, Σx, Σxxᵀ and Σx per class), so a fit costs the same whatever the sample count and
 * several λ can be tried on one pass over the data.
 *
 * <p>The fit centres the data, so the bias is not penalised: with the feature mean μ and class
 * shares ȳ, {@code W = (Sxx + λI)⁻¹ Sxy} where {@code Sxx = Σxxᵀ − nμμᵀ} and
 * {@code Sxy = Σxyᵀ − nμȳᵀ}, and {@code bias = ȳ − Wᵀμ}.
 */
public final class RidgeRegression {
    private final int features;
    private final int classes;
    private long count;
    private final double[] sum;
    /** Σxxᵀ, {@code features × features}, row-major. */
    private final double[] gram;
    /** Σx over the samples of each class, {@code features × classes}, row-major. */
    private final double[] crossSums;
    private final long[] classCounts;

    public RidgeRegression(int features, int classes) {
        if (features < 1 || classes < 2) {
            throw new IllegalArgumentException("ridge regression needs at least 1 feature and 2 classes, got " + features + " and " + classes);
        }
        this.features = features;
        this.classes = classes;
        this.sum = new double[features];
        this.gram = new double[features * features];
        this.crossSums = new double[features * classes];
        this.classCounts = new long[classes];
    }

    /** Adds the sample {@code x[offset, offset + features)} of class {@code label}. */
    public void add(float[] x, int offset, int label) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("class " + label + " is outside [0, " + classes + ")");
        }
        count++;
        classCounts[label]++;
        for (int i = 0; i < features; i++) {
            double xi = x[offset + i];
            sum[i] += xi;
            crossSums[i * classes + label] += xi;
            for (int j = 0; j <= i; j++) {
                gram[i * features + j] += xi * x[offset + j];
            }
        }
    }

    public long count() {
        return count;
    }

    /** The mean of the centred features' variances: the scale {@code λ} is given in, so one grid suits every boundary. */
    public double meanVariance() {
        double trace = 0;
        for (int i = 0; i < features; i++) {
            trace += gram[i * features + i] - sum[i] * sum[i] / count;
        }
        return trace / features / count;
    }

    /**
     * The decoder for penalty {@code relativeLambda × n × meanVariance()}, so {@code relativeLambda}
     * is the penalty as a share of the average feature's sum of squares.
     */
    public LinearDecoder fit(double relativeLambda) {
        if (count < 2) {
            throw new IllegalStateException("a fit needs at least 2 samples, has " + count);
        }
        if (!(relativeLambda > 0)) {
            throw new IllegalArgumentException("λ must be positive, got " + relativeLambda);
        }
        double lambda = relativeLambda * count * meanVariance();
        double[] mean = new double[features];
        for (int i = 0; i < features; i++) {
            mean[i] = sum[i] / count;
        }
        double[] centredGram = new double[features * features];
        for (int i = 0; i < features; i++) {
            for (int j = 0; j <= i; j++) {
                double value = gram[i * features + j] - count * mean[i] * mean[j];
                centredGram[i * features + j] = value;
                centredGram[j * features + i] = value;
            }
            centredGram[i * features + i] += lambda;
        }
        double[] weights = new double[features * classes];
        for (int i = 0; i < features; i++) {
            for (int k = 0; k < classes; k++) {
                weights[i * classes + k] = crossSums[i * classes + k] - mean[i] * classCounts[k];
            }
        }
        Cholesky.solveInPlace(centredGram, features, weights, classes);
        double[] bias = new double[classes];
        for (int k = 0; k < classes; k++) {
            double b = (double) classCounts[k] / count;
            for (int i = 0; i < features; i++) {
                b -= mean[i] * weights[i * classes + k];
            }
            bias[k] = b;
        }
        return new LinearDecoder(features, classes, weights, bias);
    }
}
