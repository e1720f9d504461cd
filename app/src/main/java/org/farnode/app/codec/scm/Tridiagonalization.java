package org.farnode.app.codec.scm;

/**
 * Householder reduction of a symmetric matrix A to tridiagonal form T = QᵀAQ, with
 * Q = H₀·H₁·…·H_{n−3}.
 *
 * <p>Step k picks the reflection H_k = I − β·v·vᵀ (v zero in entries 0..k) that maps column k
 * below the diagonal onto a multiple of e_{k+1}, and applies it to the trailing block B as
 * B − v·wᵀ − w·vᵀ with p = β·B·v and w = p − (β/2)(pᵀv)·v. The matrix is kept full and
 * row-major, so every update is a pass along contiguous rows. The pass that updates the rows of
 * step k also forms p of step k+1 while each row is still in cache: the next reflector comes from
 * the first updated row, which is therefore updated before the others.
 */
final class Tridiagonalization {

    private final int n;
    private final double[] work; // n × n row-major; after the reduction, row k (columns k+1..n-1) holds v of step k
    private final double[] betas; // β of each step; 0 where no reflection was needed
    private final double[] diagonal;
    private final double[] offDiagonal; // offDiagonal[k] couples k and k+1; the last entry is 0

    private Tridiagonalization(int n, double[] work) {
        this.n = n;
        this.work = work;
        this.betas = new double[n];
        this.diagonal = new double[n];
        this.offDiagonal = new double[n];
    }

    /** Reduces {@code symmetric} ({@code n × n}, row-major, exactly symmetric), overwriting it. */
    static Tridiagonalization of(double[] symmetric, int n) {
        Tridiagonalization t = new Tridiagonalization(n, symmetric);
        t.reduce();
        return t;
    }

    double[] diagonal() {
        return diagonal;
    }

    double[] offDiagonal() {
        return offDiagonal;
    }

    /**
     * Qᵀ = H_{n−3}·…·H₀, row-major, built as I·H_{n−3}·…·H₀ from the right: before step k the
     * product is the identity outside rows and columns k+1.., so only that block is touched.
     */
    double[] transposedQ() {
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            q[i * n + i] = 1;
        }
        for (int k = n - 3; k >= 0; k--) {
            double beta = betas[k];
            if (beta == 0) {
                continue;
            }
            int first = k + 1;
            int reflector = k * n;
            ParallelRows.forEach(first, n, i -> {
                // (M·H)[i][j] = M[i][j] − β·(Σ_l M[i][l]·v_l)·v_j
                int row = i * n;
                double t = beta * dot(q, row, work, reflector, first, n);
                DoubleKernels.subtractScaled(q, row + first, t, work, reflector + first, n - first);
            });
        }
        return q;
    }

    private void reduce() {
        if (n == 1) {
            diagonal[0] = work[0];
            return;
        }
        double[] p = new double[n];
        double[] w = new double[n];
        if (n > 2) {
            double beta0 = makeReflector(0);
            betas[0] = beta0;
            if (beta0 != 0) {
                ParallelRows.forEach(1, n, i -> p[i] = beta0 * dot(work, i * n, work, 0, 1, n));
            }
        }
        for (int k = 0; k <= n - 3; k++) {
            diagonal[k] = work[k * n + k];
            reduceStep(k, p, w);
        }
        diagonal[n - 2] = work[(n - 2) * n + n - 2];
        diagonal[n - 1] = work[(n - 1) * n + n - 1];
        offDiagonal[n - 2] = work[(n - 2) * n + n - 1];
    }

    /**
     * Applies H_k to the trailing block (rows and columns k+1..n−1), makes H_{k+1} from its first
     * row and leaves p of step k+1 in {@code p}.
     */
    private void reduceStep(int k, double[] p, double[] w) {
        int first = k + 1;
        int reflector = k * n;
        double beta = betas[k];
        if (beta != 0) {
            double half = 0.5 * beta * dot(p, 0, work, reflector, first, n);
            for (int j = first; j < n; j++) {
                w[j] = p[j] - half * work[reflector + j];
            }
            updateRow(first, first, reflector, w);
        }
        boolean hasNext = first <= n - 3;
        double nextBeta = hasNext ? makeReflector(first) : 0;
        betas[first] = nextBeta;
        int nextReflector = first * n;
        ParallelRows.forEach(first + 1, n, i -> {
            if (beta != 0) {
                updateRow(i, first, reflector, w);
            }
            if (nextBeta != 0) {
                p[i] = nextBeta * dot(work, i * n, work, nextReflector, first + 1, n);
            }
        });
    }

    /** Row i of B − v·wᵀ − w·vᵀ, columns first..n−1, with v read from row {@code reflector}. */
    private void updateRow(int i, int first, int reflector, double[] w) {
        DoubleKernels.subtractTwoScaled(work, i * n + first, work[reflector + i], w, first, w[i], work, reflector + first,
                n - first);
    }

    /**
     * Turns x = row k, columns k+1..n−1, into v (in place) and returns β, with H·x = α·e₁ and
     * α stored as offDiagonal[k]. v is x divided by its largest |entry| so that neither the norm
     * nor β over- or underflows; β is scaled to match, leaving H unchanged.
     */
    private double makeReflector(int k) {
        int from = k * n + k + 1;
        int to = k * n + n;
        double scale = 0;
        for (int j = from; j < to; j++) {
            scale = Math.max(scale, Math.abs(work[j]));
        }
        double x0 = work[from];
        if (scale == 0) {
            offDiagonal[k] = 0;
            return 0;
        }
        double tail = 0;
        for (int j = from + 1; j < to; j++) {
            double x = work[j] / scale;
            tail += x * x;
        }
        if (tail == 0) {
            offDiagonal[k] = x0; // the column already has its tridiagonal shape
            return 0;
        }
        double x0Scaled = x0 / scale;
        double norm = Math.sqrt(x0Scaled * x0Scaled + tail);
        // α takes the sign opposite to x₀ so that v₀ = x₀ − α adds magnitudes instead of cancelling.
        double alpha = x0 >= 0 ? -norm : norm;
        for (int j = from + 1; j < to; j++) {
            work[j] /= scale;
        }
        work[from] = x0Scaled - alpha;
        offDiagonal[k] = alpha * scale;
        // β = 2 / vᵀv, and vᵀv = 2·norm² + 2·|x₀|·norm for this v.
        return 1 / (norm * (norm + Math.abs(x0Scaled)));
    }

    /** Σ a[aRow + j]·b[bRow + j] over j in [from, to). */
    private static double dot(double[] a, int aRow, double[] b, int bRow, int from, int to) {
        return DoubleKernels.dot(a, aRow + from, b, bRow + from, to - from);
    }
}
