package org.farnode.app.privacy;

/**
 * A linear map from a feature vector to one score per class, {@code s = Wᵀx + bias}; the class
 * named is the one of the highest score. What {@link RidgeRegression} fits.
 *
 * @param weights {@code features × classes}, row-major
 */
public record LinearDecoder(int features, int classes, double[] weights, double[] bias) {

    public LinearDecoder {
        if (weights.length != features * classes || bias.length != classes) {
            throw new IllegalArgumentException("a decoder of " + features + " features and " + classes + " classes needs "
                    + features * classes + " weights and " + classes + " biases, got " + weights.length + " and " + bias.length);
        }
    }

    /** The class of highest score for {@code x[offset, offset + features)}. */
    public int predict(float[] x, int offset) {
        double[] scores = bias.clone();
        for (int i = 0; i < features; i++) {
            double xi = x[offset + i];
            for (int k = 0; k < classes; k++) {
                scores[k] += xi * weights[i * classes + k];
            }
        }
        int best = 0;
        for (int k = 1; k < classes; k++) {
            if (scores[k] > scores[best]) {
                best = k;
            }
        }
        return best;
    }
}
