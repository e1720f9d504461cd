package org.farnode.app.codec.scm;

import java.util.Arrays;

/**
 * The eigen-decomposition {@code A = Vᵀ·diag(λ)·V} of a real symmetric n×n matrix: eigenvalues in
 * descending order and their orthonormal eigenvectors as the rows of V.
 *
 * <p>Two stages, both on flat row-major {@code double[]} arrays so the inner loops walk memory
 * in order: {@link Tridiagonalization} reduces A to a tridiagonal T = QᵀAQ with Householder
 * reflections and builds Qᵀ; {@link TridiagonalQl} then diagonalizes T with the implicit QL
 * iteration and Wilkinson shifts, rotating the rows of Qᵀ into the eigenvectors.
 *
 * <p>Each eigenvector's sign is fixed so that its largest component is positive: the iteration
 * could return either sign, and a basis that flips with the vector width of the machine or a
 * slightly different calibration set would make codebooks needlessly hard to compare.
 */
public final class SymmetricEigen {

    /**
     * How far apart A[i][j] and A[j][i] may be, relative to the largest |entry|, before the input
     * counts as not symmetric. Covariances summed in the same order on both sides are exactly
     * symmetric; this leaves room for matrices assembled by other means.
     */
    static final double SYMMETRY_TOLERANCE = 1e-9;

    private final int size;
    private final double[] eigenvalues; // size, descending
    private final double[] eigenvectors; // size × size, row-major, row k belongs to eigenvalues[k]

    private SymmetricEigen(int size, double[] eigenvalues, double[] eigenvectors) {
        this.size = size;
        this.eigenvalues = eigenvalues;
        this.eigenvectors = eigenvectors;
    }

    /** Decomposes the matrix given as rows; every row must be {@code rows.length} long. */
    public static SymmetricEigen decompose(double[][] rows) {
        int n = rows.length;
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) {
            if (rows[i] == null || rows[i].length != n) {
                throw new IllegalArgumentException("matrix must be square: row " + i + " has "
                        + (rows[i] == null ? "no" : rows[i].length) + " entries, expected " + n);
            }
            System.arraycopy(rows[i], 0, flat, i * n, n);
        }
        return decompose(flat, n);
    }

    /**
     * Decomposes the {@code n × n} matrix held row-major in {@code matrix}, which is not changed.
     *
     * @throws IllegalArgumentException if {@code matrix} is not n·n long, holds NaN or infinity, or
     *                                  is not symmetric to within {@value #SYMMETRY_TOLERANCE} of its largest entry
     */
    public static SymmetricEigen decompose(double[] matrix, int n) {
        if (n < 1 || n > 46_340) {
            throw new IllegalArgumentException("matrix size must be in [1, 46340], got " + n);
        }
        if (matrix.length != n * n) {
            throw new IllegalArgumentException("matrix must be square: " + matrix.length + " entries for size " + n
                    + ", expected " + (n * n));
        }
        double[] work = symmetrizedCopy(matrix, n);
        Tridiagonalization reduced = Tridiagonalization.of(work, n);
        double[] diagonal = reduced.diagonal();
        double[] vectors = reduced.transposedQ();
        TridiagonalQl.diagonalize(diagonal, reduced.offDiagonal(), vectors, n);
        return sortedDescending(diagonal, vectors, n);
    }

    /** Matrix size n. */
    public int size() {
        return size;
    }

    /** All eigenvalues, largest first. */
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** The k-th largest eigenvalue. */
    public double eigenvalue(int k) {
        return eigenvalues[k];
    }

    /** The unit eigenvector of {@link #eigenvalue(int) eigenvalue(k)}. */
    public double[] eigenvector(int k) {
        double[] v = new double[size];
        System.arraycopy(eigenvectors, k * size, v, 0, size);
        return v;
    }

    /** Eigenvector k read straight from the internal rows, for callers that only copy from it. */
    double eigenvectorComponent(int k, int i) {
        return eigenvectors[k * size + i];
    }

    private static double[] symmetrizedCopy(double[] matrix, int n) {
        double largest = 0;
        for (int i = 0; i < matrix.length; i++) {
            double x = matrix[i];
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("matrix entry [" + (i / n) + "][" + (i % n) + "] is " + x);
            }
            largest = Math.max(largest, Math.abs(x));
        }
        double[] work = new double[n * n];
        for (int i = 0; i < n; i++) {
            work[i * n + i] = matrix[i * n + i];
            for (int j = 0; j < i; j++) {
                double lower = matrix[i * n + j];
                double upper = matrix[j * n + i];
                if (Math.abs(lower - upper) > SYMMETRY_TOLERANCE * largest) {
                    throw new IllegalArgumentException("matrix is not symmetric: [" + i + "][" + j + "] = " + lower + " but ["
                            + j + "][" + i + "] = " + upper);
                }
                // Averaging makes the working copy exactly symmetric, which the reduction assumes.
                double mean = 0.5 * (lower + upper);
                work[i * n + j] = mean;
                work[j * n + i] = mean;
            }
        }
        return work;
    }

    private static SymmetricEigen sortedDescending(double[] values, double[] vectors, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // A stable sort keeps tied eigenvalues in the order the iteration produced them.
        Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double[] sortedValues = new double[n];
        double[] sortedVectors = new double[n * n];
        for (int k = 0; k < n; k++) {
            int from = order[k];
            sortedValues[k] = values[from];
            double sign = signOfLargestComponent(vectors, from * n, n);
            for (int j = 0; j < n; j++) {
                sortedVectors[k * n + j] = sign * vectors[from * n + j];
            }
        }
        return new SymmetricEigen(n, sortedValues, sortedVectors);
    }

    private static double signOfLargestComponent(double[] vectors, int offset, int n) {
        int largest = offset;
        for (int j = offset + 1; j < offset + n; j++) {
            if (Math.abs(vectors[j]) > Math.abs(vectors[largest])) {
                largest = j;
            }
        }
        return vectors[largest] < 0 ? -1 : 1;
    }
}
