package org.farnode.app.codec.scm;

/**
 * Diagonalizes a symmetric tridiagonal matrix by the implicit QL iteration with Wilkinson
 * shifts, rotating the rows of another matrix along.
 *
 * <p>Each sweep works on an unreduced block l..m (m being the first index whose coupling to m+1
 * is negligible): it shifts by the eigenvalue of the leading 2×2 block nearer to d[l] and chases
 * the resulting bulge from the bottom of the block to the top with plane rotations, which drives
 * the coupling e[l] towards zero. Once it is negligible, d[l] is an eigenvalue and l moves on.
 */
final class TridiagonalQl {

    /** Sweeps allowed for one eigenvalue; convergence is cubic, so a handful normally suffice. */
    private static final int MAX_SWEEPS = 64;

    private static final double EPSILON = Math.ulp(1.0);

    private final double[] d; // diagonal
    private final double[] e; // e[i] couples i and i+1
    private final int n;
    private final RowRotations rotations;
    private final double negligible; // a coupling at most this small is treated as zero

    private TridiagonalQl(double[] diagonal, double[] offDiagonal, double[] rows, int n) {
        this.d = diagonal;
        this.e = offDiagonal;
        this.n = n;
        this.rotations = new RowRotations(rows, n);
        e[n - 1] = 0;
        // Deflation is judged against the norm of the whole matrix, not against the neighbouring
        // diagonal entries: zeroing a coupling of ε·‖T‖ is no larger than the error the Householder
        // reduction already made, and where T has a near-null block (a covariance of fewer samples
        // than dimensions) its entries are all rounding noise that a relative test would never accept.
        double norm = 0;
        for (int i = 0; i < n; i++) {
            norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
        }
        this.negligible = EPSILON * norm;
    }

    /**
     * Replaces {@code diagonal} by the eigenvalues (unsorted) and applies every rotation to the rows
     * of {@code rows} ({@code n × n}, row-major), so that if it held Qᵀ it ends holding the
     * eigenvectors as rows, row i belonging to {@code diagonal[i]}. {@code offDiagonal[i]} couples
     * i and i+1; it is destroyed.
     */
    static void diagonalize(double[] diagonal, double[] offDiagonal, double[] rows, int n) {
        new TridiagonalQl(diagonal, offDiagonal, rows, n).run();
    }

    private void run() {
        for (int l = 0; l < n; l++) {
            int sweeps = 0;
            for (int m = unreducedEnd(l); m != l; m = unreducedEnd(l)) {
                if (++sweeps > MAX_SWEEPS) {
                    throw new ArithmeticException("QL iteration did not converge for eigenvalue " + l + " after "
                            + MAX_SWEEPS + " sweeps");
                }
                sweep(l, m);
            }
        }
        rotations.flush();
    }

    /** The first m ≥ l whose coupling to m+1 is negligible (n−1 at most). */
    private int unreducedEnd(int l) {
        int m = l;
        while (m < n - 1 && Math.abs(e[m]) > negligible) {
            m++;
        }
        return m;
    }

    /** One shifted QL step on the block l..m, where e[l..m−1] are all non-negligible. */
    private void sweep(int l, int m) {
        // The Wilkinson shift: the eigenvalue of [d[l] e[l]; e[l] d[l+1]] nearer to d[l].
        double g = (d[l + 1] - d[l]) / (2 * e[l]);
        double r = Math.hypot(g, 1);
        double shift = d[l] - e[l] / (g + Math.copySign(r, g));
        g = d[m] - shift;
        double sin = 1;
        double cos = 1;
        double p = 0;
        for (int i = m - 1; i >= l; i--) {
            double f = sin * e[i];
            double b = cos * e[i];
            r = Math.hypot(f, g);
            e[i + 1] = r;
            if (r == 0) {
                // The bulge vanished: the block has split at i+1. Undo the pending correction there and
                // let the caller look for the new, smaller block.
                d[i + 1] -= p;
                e[m] = 0;
                return;
            }
            sin = f / r;
            cos = g / r;
            g = d[i + 1] - p;
            r = (d[i] - g) * sin + 2 * cos * b;
            p = sin * r;
            d[i + 1] = g + p;
            g = cos * r - b;
            rotations.add(i, cos, sin);
        }
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
    }
}
