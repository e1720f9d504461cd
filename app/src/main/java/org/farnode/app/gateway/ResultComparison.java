package org.farnode.app.gateway;

import org.farnode.app.shard.HiddenStates;

/**
 * Whether two nodes' results for the same window agree. Two honest nodes do not return identical
 * bytes: the checking node computes the window together with the positions it had not seen yet,
 * in one longer window, and a GPU sums in another order than a CPU; a lossy codec can then round
 * a value to the neighbouring step. So results are compared by their relative difference, the
 * largest over the window's positions of |a − b| / max(|a|, |b|) (Euclidean norms of the
 * position's vectors), against a tolerance per codec.
 */
public final class ResultComparison {
    private ResultComparison() {
    }

    /** The largest relative difference between the positions of {@code a} and {@code b}, 0 (equal) to 2 (opposite). */
    public static double relativeDifference(HiddenStates a, HiddenStates b) {
        if (a.positions() != b.positions() || a.width() != b.width()) {
            throw new IllegalArgumentException("cannot compare a window of " + a.positions() + " × " + a.width()
                    + " with one of " + b.positions() + " × " + b.width());
        }
        float[] x = a.values();
        float[] y = b.values();
        int width = a.width();
        double worst = 0;
        for (int p = 0; p < a.positions(); p++) {
            double diff = 0;
            double normX = 0;
            double normY = 0;
            for (int i = p * width; i < (p + 1) * width; i++) {
                double d = (double) x[i] - y[i];
                diff += d * d;
                normX += (double) x[i] * x[i];
                normY += (double) y[i] * y[i];
            }
            double scale = Math.sqrt(Math.max(normX, normY));
            double relative = scale == 0 ? 0 : Math.sqrt(diff) / scale;
            worst = Math.max(worst, relative);
        }
        return worst;
    }

    /**
     * The default tolerance for results in the codec named {@code codecName}: well above what honest
     * nodes showed in ResultComparisonTest (the measured figures are in docs/reliability.md), well
     * below the difference a corrupted result shows.
     */
    public static double toleranceFor(String codecName) {
        return switch (codecName) {
            case "fp32" -> 1e-3;
            case "fp16" -> 5e-3;
            default -> 0.05;
        };
    }
}
