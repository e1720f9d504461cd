package org.farnode.app.codec.scm;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * How a boundary's projection is fitted to its calibration statistics.
 *
 * <ol>
 * <li>Outliers: the dimensions whose root-mean-square (about zero) exceeds {@code outlierFactor}
 * times the median root-mean-square over all dimensions, the {@code maxOutliers} largest of them
 * at most. A few dimensions of a transformer's hidden states are hundreds of times larger than the
 * rest; in a principal-component basis they would take the first directions and still be
 * reconstructed badly, so they are sent exactly instead.
 * <li>The covariance among the remaining dimensions and its eigen-decomposition.
 * <li>The rank: the smallest r whose r largest eigenvalues sum to at least {@code fidelityTarget}
 * of the total variance of the remaining dimensions, at most {@code maxRank}.
 * </ol>
 *
 * @param fidelityTarget fraction of the non-outlier variance the basis must carry, in (0, 1]
 * @param maxRank        the most directions a basis may have, at least 0
 * @param outlierFactor  how many times the median root-mean-square makes a dimension an outlier, above 0
 * @param maxOutliers    the most dimensions sent exactly, at least 0
 */
public record BoundaryFit(double fidelityTarget, int maxRank, double outlierFactor, int maxOutliers) {

    public static final double DEFAULT_OUTLIER_FACTOR = 6;
    public static final int DEFAULT_MAX_OUTLIERS = 8;

    public BoundaryFit {
        checkFidelityTarget(fidelityTarget);
        if (maxRank < 0) {
            throw new IllegalArgumentException("maxRank must be >= 0, got " + maxRank);
        }
        if (!(outlierFactor > 0) || Double.isInfinite(outlierFactor)) {
            throw new IllegalArgumentException("outlierFactor must be finite and > 0, got " + outlierFactor);
        }
        if (maxOutliers < 0) {
            throw new IllegalArgumentException("maxOutliers must be >= 0, got " + maxOutliers);
        }
    }

    /** The default outlier rule: above 6 × the median root-mean-square, 8 dimensions at most. */
    public BoundaryFit(double fidelityTarget, int maxRank) {
        this(fidelityTarget, maxRank, DEFAULT_OUTLIER_FACTOR, DEFAULT_MAX_OUTLIERS);
    }

    /** The projection at the rank this fit's fidelity target asks for. */
    public ScmBoundary fit(BoundaryStatistics statistics) {
        return decompose(statistics).atFidelity(fidelityTarget, maxRank);
    }

    /** The projection at a given rank, whatever variance it carries (for sweeps over rank). */
    public ScmBoundary fitAtRank(BoundaryStatistics statistics, int rank) {
        return decompose(statistics).atRank(rank);
    }

    /** The variance along each principal direction of the non-outlier dimensions, largest first. */
    public double[] spectrum(BoundaryStatistics statistics) {
        return decompose(statistics).spectrum();
    }

    /** Outliers and principal components, from which projections of any rank can be taken. */
    public BoundaryDecomposition decompose(BoundaryStatistics statistics) {
        int[] outliers = outliers(statistics);
        int[] kept = IntStream.range(0, statistics.width()).filter(j -> Arrays.binarySearch(outliers, j) < 0).toArray();
        if (kept.length == 0) {
            throw new IllegalArgumentException("all " + statistics.width() + " dimensions of boundary " + statistics.boundary()
                    + " are outliers at factor " + outlierFactor + "; nothing is left to project");
        }
        SymmetricEigen eigen = SymmetricEigen.decompose(statistics.covariance(kept), kept.length);
        return new BoundaryDecomposition(statistics.boundary(), statistics.width(), statistics.mean(), outliers, kept, eigen);
    }

    /** The outlier dimensions by this fit's rule, ascending. */
    public int[] outliers(BoundaryStatistics statistics) {
        double[] rms = statistics.rootMeanSquare();
        double threshold = outlierFactor * median(rms);
        return IntStream.range(0, rms.length)
                .filter(j -> rms[j] > threshold)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(j -> rms[j]).reversed().thenComparingInt(j -> j))
                .limit(maxOutliers)
                .mapToInt(Integer::intValue)
                .sorted()
                .toArray();
    }

    static void checkFidelityTarget(double fidelityTarget) {
        if (!(fidelityTarget > 0 && fidelityTarget <= 1)) {
            throw new IllegalArgumentException("fidelityTarget must be in (0, 1], got " + fidelityTarget);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle]);
    }
}
