package org.farnode.app.codec.scm;

import java.util.Random;

/** Matrices with known structure for the eigen-decomposition and fitting tests. */
final class RandomMatrices {

    private RandomMatrices() {
    }

    /**
     * {@code count} orthonormal vectors of length {@code n} as rows ({@code count × n}), from
     * Gaussian rows by modified Gram–Schmidt, run twice so that rounding leaves them orthogonal.
     */
    static double[] orthonormalRows(int count, int n, Random random) {
        double[] rows = new double[count * n];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = random.nextGaussian();
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < count; k++) {
                for (int earlier = 0; earlier < k; earlier++) {
                    double projection = dot(rows, k * n, rows, earlier * n, n);
                    for (int j = 0; j < n; j++) {
                        rows[k * n + j] -= projection * rows[earlier * n + j];
                    }
                }
                double norm = Math.sqrt(dot(rows, k * n, rows, k * n, n));
                for (int j = 0; j < n; j++) {
                    rows[k * n + j] /= norm;
                }
            }
        }
        return rows;
    }

    /** Σ_k λ_k·q_k·q_kᵀ for the rows q_k of an orthogonal {@code q}: a matrix with eigenpairs (λ_k, q_k). */
    static double[] withEigenpairs(double[] q, double[] eigenvalues, int n) {
        double[] a = new double[n * n];
        for (int k = 0; k < eigenvalues.length; k++) {
            for (int i = 0; i < n; i++) {
                double scaled = eigenvalues[k] * q[k * n + i];
                for (int j = 0; j < n; j++) {
                    a[i * n + j] += scaled * q[k * n + j];
                }
            }
        }
        return a;
    }

    /** A symmetric matrix with independent standard Gaussian entries on and above the diagonal. */
    static double[] gaussianSymmetric(int n, Random random) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double x = random.nextGaussian();
                a[i * n + j] = x;
                a[j * n + i] = x;
            }
        }
        return a;
    }

    /** ‖A·v − λ·v‖ for the n-vector v. */
    static double residual(double[] a, int n, double eigenvalue, double[] v) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double av = dot(a, i * n, v, 0, n);
            double difference = av - eigenvalue * v[i];
            sum += difference * difference;
        }
        return Math.sqrt(sum);
    }

    static double dot(double[] a, int aOffset, double[] b, int bOffset, int length) {
        double sum = 0;
        for (int j = 0; j < length; j++) {
            sum += a[aOffset + j] * b[bOffset + j];
        }
        return sum;
    }
}
