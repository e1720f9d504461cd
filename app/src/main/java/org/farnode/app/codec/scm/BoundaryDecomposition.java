package org.farnode.app.codec.scm;

/**
 * The principal components of one boundary's hidden states, outlier dimensions set aside: the
 * mean, the outliers, and the eigen-decomposition of the covariance among the other dimensions.
 * One decomposition serves every rank, so a sweep over ranks pays for the eigen-decomposition
 * once. Made by {@link BoundaryFit#decompose}.
 */
public final class BoundaryDecomposition {

    private final int boundary;
    private final int width;
    private final double[] mean; // width
    private final int[] outliers; // ascending
    private final int[] kept; // the other dimensions, ascending; the eigenvectors are indexed by position in here
    private final SymmetricEigen eigen; // of the covariance among the kept dimensions
    private final double[] explained; // explained[r] = Σ of the r largest eigenvalues, negatives counted as 0

    BoundaryDecomposition(int boundary, int width, double[] mean, int[] outliers, int[] kept, SymmetricEigen eigen) {
        assert outliers.length + kept.length == width && eigen.size() == kept.length;
        this.boundary = boundary;
        this.width = width;
        this.mean = mean;
        this.outliers = outliers;
        this.kept = kept;
        this.eigen = eigen;
        this.explained = new double[kept.length + 1];
        for (int r = 0; r < kept.length; r++) {
            // Rounding leaves eigenvalues of a singular covariance at ±1e-16 or so; no direction has negative variance.
            explained[r + 1] = explained[r] + Math.max(0, eigen.eigenvalue(r));
        }
    }

    /** The layer index the hidden states enter. */
    public int boundary() {
        return boundary;
    }

    /** The dimensions sent exactly, ascending. */
    public int[] outliers() {
        return outliers.clone();
    }

    /** The most directions a basis can have: the width less the outliers. */
    public int maxRank() {
        return kept.length;
    }

    /**
     * The eigenvalues of the covariance among the non-outlier dimensions, largest first
     * ({@link #maxRank()} of them): the variance along each principal direction. Rounding may leave
     * the smallest a hair below zero.
     */
    public double[] spectrum() {
        return eigen.eigenvalues();
    }

    /** The variance of the non-outlier dimensions: the sum of the spectrum. */
    public double totalVariance() {
        return explained[kept.length];
    }

    /** The fraction of {@link #totalVariance()} the top {@code rank} directions carry; 1 if there is no variance. */
    public double explainedVariance(int rank) {
        checkRank(rank);
        double total = totalVariance();
        return total == 0 ? 1 : Math.min(1, explained[rank] / total);
    }

    /**
     * The smallest rank whose directions carry at least {@code fidelityTarget} of the variance,
     * but no more than {@code maxRank} (nor {@link #maxRank()}); 0 if there is no variance.
     */
    public int rankFor(double fidelityTarget, int maxRank) {
        BoundaryFit.checkFidelityTarget(fidelityTarget);
        if (maxRank < 0) {
            throw new IllegalArgumentException("maxRank must be >= 0, got " + maxRank);
        }
        int cap = Math.min(maxRank, kept.length);
        double needed = fidelityTarget * totalVariance();
        for (int r = 0; r < cap; r++) {
            if (explained[r] >= needed) {
                return r;
            }
        }
        return cap;
    }

    /** The projection that keeps the top {@code rank} directions. */
    public ScmBoundary atRank(int rank) {
        checkRank(rank);
        float[] basis = new float[rank * width];
        for (int k = 0; k < rank; k++) {
            // Outlier columns stay 0: the coefficients must not depend on values that are sent exactly anyway.
            for (int a = 0; a < kept.length; a++) {
                basis[k * width + kept[a]] = (float) eigen.eigenvectorComponent(k, a);
            }
        }
        float[] floatMean = new float[width];
        for (int j = 0; j < width; j++) {
            floatMean[j] = (float) mean[j];
        }
        float[] deviations = new float[rank];
        for (int k = 0; k < rank; k++) {
            deviations[k] = (float) Math.sqrt(Math.max(0, eigen.eigenvalue(k)));
        }
        return new ScmBoundary(boundary, width, floatMean, outliers, rank, basis, explainedVariance(rank), deviations);
    }

    /** The projection at {@link #rankFor(double, int) rankFor(fidelityTarget, maxRank)}. */
    public ScmBoundary atFidelity(double fidelityTarget, int maxRank) {
        return atRank(rankFor(fidelityTarget, maxRank));
    }

    private void checkRank(int rank) {
        if (rank < 0 || rank > kept.length) {
            throw new IllegalArgumentException("rank must be in [0, " + kept.length + "] (width " + width + " less "
                    + outliers.length + " outliers), got " + rank);
        }
    }
}
