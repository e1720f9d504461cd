package org.farnode.app.privacy;

/** Solves {@code A·X = B} for a symmetric positive definite {@code A}, by its Cholesky factor {@code A = LLᵀ}. */
final class Cholesky {
    private Cholesky() {
    }

    /**
     * Overwrites {@code b} ({@code n × columns}, row-major) with {@code A⁻¹b}; {@code a}
     * ({@code n × n}, row-major) is overwritten with L in its lower triangle.
     *
     * @throws IllegalArgumentException when {@code a} is not positive definite (a ridge penalty above 0 always makes it so)
     */
    static void solveInPlace(double[] a, int n, double[] b, int columns) {
        for (int j = 0; j < n; j++) {
            double diagonal = a[j * n + j];
            for (int k = 0; k < j; k++) {
                diagonal -= a[j * n + k] * a[j * n + k];
            }
            if (!(diagonal > 0)) {
                throw new IllegalArgumentException("the matrix is not positive definite (pivot " + j + " is " + diagonal + ")");
            }
            double pivot = Math.sqrt(diagonal);
            a[j * n + j] = pivot;
            for (int i = j + 1; i < n; i++) {
                double value = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    value -= a[i * n + k] * a[j * n + k];
                }
                a[i * n + j] = value / pivot;
            }
        }
        // forward: L·y = b, then back: Lᵀ·x = y, one column of b at a time
        for (int c = 0; c < columns; c++) {
            for (int i = 0; i < n; i++) {
                double value = b[i * columns + c];
                for (int k = 0; k < i; k++) {
                    value -= a[i * n + k] * b[k * columns + c];
                }
                b[i * columns + c] = value / a[i * n + i];
            }
            for (int i = n - 1; i >= 0; i--) {
                double value = b[i * columns + c];
                for (int k = i + 1; k < n; k++) {
                    value -= a[k * n + i] * b[k * columns + c];
                }
                b[i * columns + c] = value / a[i * n + i];
            }
        }
    }
}
