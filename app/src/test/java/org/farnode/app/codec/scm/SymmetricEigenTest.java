package org.farnode.app.codec.scm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SymmetricEigenTest {

    @Test
    void diagonalMatrixGivesItsEntriesSortedAndUnitVectors() {
        double[][] a = {{2, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 7, 0}, {0, 0, 0, 0.5}};
        SymmetricEigen eigen = SymmetricEigen.decompose(a);
        assertThat(eigen.eigenvalues()).containsExactly(7, 2, 0.5, -1);
        assertThat(eigen.eigenvector(0)).containsExactly(0, 0, 1, 0);
        assertThat(eigen.eigenvector(1)).containsExactly(1, 0, 0, 0);
        assertThat(eigen.eigenvector(2)).containsExactly(0, 0, 0, 1);
        assertThat(eigen.eigenvector(3)).containsExactly(0, 1, 0, 0);
    }

    @Test
    void twoByTwoMatchesTheClosedForm() {
        double a = 3;
        double b = 1.5;
        double c = -2;
        SymmetricEigen eigen = SymmetricEigen.decompose(new double[][] {{a, b}, {b, c}});
        double mid = (a + c) / 2;
        double radius = Math.sqrt((a - c) * (a - c) / 4 + b * b);
        assertThat(eigen.eigenvalue(0)).isCloseTo(mid + radius, within(1e-14));
        assertThat(eigen.eigenvalue(1)).isCloseTo(mid - radius, within(1e-14));
        // For the larger eigenvalue λ, (b, λ − a) is an eigenvector.
        double[] v = eigen.eigenvector(0);
        double[] expected = {b, mid + radius - a};
        double norm = Math.hypot(expected[0], expected[1]);
        assertThat(v[0]).isCloseTo(expected[0] / norm, within(1e-14));
        assertThat(v[1]).isCloseTo(expected[1] / norm, within(1e-14));
    }

    @Test
    void pathGraphLaplacianHasItsClosedFormSpectrum() {
        // Already tridiagonal: 2 on the diagonal, −1 beside it; λ_k = 2 − 2·cos(kπ/(n+1)) for k = 1..n,
        // with eigenvector components sin(j·kπ/(n+1)).
        int n = 50;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 2;
            if (i + 1 < n) {
                a[i * n + i + 1] = -1;
                a[(i + 1) * n + i] = -1;
            }
        }
        SymmetricEigen eigen = SymmetricEigen.decompose(a, n);
        for (int k = 1; k <= n; k++) {
            assertThat(eigen.eigenvalue(n - k)).isCloseTo(2 - 2 * Math.cos(k * Math.PI / (n + 1)), within(1e-13));
        }
        double[] smallest = eigen.eigenvector(n - 1);
        double norm = Math.sqrt((n + 1) / 2.0);
        for (int j = 0; j < n; j++) {
            assertThat(smallest[j]).isCloseTo(Math.sin((j + 1) * Math.PI / (n + 1)) / norm, within(1e-12));
        }
        assertEigenpairsAndOrthonormality(a, n, eigen, 1e-13);
    }

    @Test
    void blockDiagonalMatrixSplitsIntoItsBlocks() {
        int n = 30;
        Random random = new Random(9);
        double[] a = new double[n * n];
        double[] upper = RandomMatrices.gaussianSymmetric(12, random);
        double[] lower = RandomMatrices.gaussianSymmetric(n - 12, random);
        for (int i = 0; i < 12; i++) {
            System.arraycopy(upper, i * 12, a, i * n, 12);
        }
        for (int i = 0; i < n - 12; i++) {
            System.arraycopy(lower, i * (n - 12), a, (i + 12) * n + 12, n - 12);
        }
        SymmetricEigen eigen = SymmetricEigen.decompose(a, n);
        double[] expected = new double[n];
        System.arraycopy(SymmetricEigen.decompose(upper, 12).eigenvalues(), 0, expected, 0, 12);
        System.arraycopy(SymmetricEigen.decompose(lower, n - 12).eigenvalues(), 0, expected, 12, n - 12);
        Arrays.sort(expected);
        for (int k = 0; k < n; k++) {
            assertThat(eigen.eigenvalue(k)).isCloseTo(expected[n - 1 - k], within(1e-12));
        }
        assertEigenpairsAndOrthonormality(a, n, eigen, 1e-12);
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 64, 300})
    void recoversThePlantedEigenpairsOfQTimesLambdaTimesQTransposed(int n) {
        Random random = new Random(n);
        double[] q = RandomMatrices.orthonormalRows(n, n, random);
        double[] lambda = new double[n];
        for (int k = 0; k < n; k++) {
            lambda[k] = random.nextDouble() * 20 - 10;
        }
        double[] a = RandomMatrices.withEigenpairs(q, lambda, n);

        SymmetricEigen eigen = SymmetricEigen.decompose(a, n);

        double[] sorted = lambda.clone();
        Arrays.sort(sorted);
        for (int k = 0; k < n; k++) {
            assertThat(eigen.eigenvalue(k)).as("eigenvalue %d", k).isCloseTo(sorted[n - 1 - k], within(1e-11));
        }
        assertEigenpairsAndOrthonormality(a, n, eigen, 1e-11);
    }

    @Test
    void repeatedEigenvaluesStillGiveAnOrthonormalEigenbasis() {
        int n = 40;
        Random random = new Random(3);
        double[] q = RandomMatrices.orthonormalRows(n, n, random);
        double[] lambda = new double[n];
        for (int k = 0; k < n; k++) {
            lambda[k] = k < 15 ? 4 : k < 30 ? -1 : 0; // three eigenvalues of multiplicity 15, 15 and 10
        }
        double[] a = RandomMatrices.withEigenpairs(q, lambda, n);

        SymmetricEigen eigen = SymmetricEigen.decompose(a, n);

        for (int k = 0; k < n; k++) {
            double expected = k < 15 ? 4 : k < 25 ? 0 : -1;
            assertThat(eigen.eigenvalue(k)).as("eigenvalue %d", k).isCloseTo(expected, within(1e-12));
        }
        assertEigenpairsAndOrthonormality(a, n, eigen, 1e-12);
    }

    @Test
    void covarianceOfFewerSamplesThanDimensionsHasAnExactNullSpace() {
        // 150 samples in 400 dimensions: rank 149 after centring, so 251 eigenvalues are zero up to
        // rounding. Their tridiagonal entries are all rounding noise, which a deflation test relative
        // to the neighbouring diagonal entries alone never accepts.
        int n = 400;
        int samples = 150;
        Random random = new Random(11);
        BoundaryStatistics statistics = new BoundaryStatistics(0, n);
        float[] values = new float[samples * n];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * (1 + i % n / 40.0));
        }
        statistics.addRows(values, 0, samples);
        double[] a = statistics.covariance();

        SymmetricEigen eigen = SymmetricEigen.decompose(a, n);

        double largest = eigen.eigenvalue(0);
        assertThat(eigen.eigenvalue(samples - 2)).isGreaterThan(1e-3 * largest);
        for (int k = samples - 1; k < n; k++) {
            assertThat(Math.abs(eigen.eigenvalue(k))).as("eigenvalue %d", k).isLessThan(1e-12 * largest);
        }
        assertEigenpairsAndOrthonormality(a, n, eigen, 1e-12);
    }

    @Test
    void identityAndZeroMatricesAreAlreadyDiagonal() {
        int n = 17;
        double[] identity = new double[n * n];
        for (int i = 0; i < n; i++) {
            identity[i * n + i] = 1;
        }
        SymmetricEigen ofIdentity = SymmetricEigen.decompose(identity, n);
        SymmetricEigen ofZero = SymmetricEigen.decompose(new double[n * n], n);
        for (int k = 0; k < n; k++) {
            assertThat(ofIdentity.eigenvalue(k)).isEqualTo(1);
            assertThat(ofZero.eigenvalue(k)).isEqualTo(0);
        }
        assertEigenpairsAndOrthonormality(identity, n, ofIdentity, 0);
        assertEigenpairsAndOrthonormality(new double[n * n], n, ofZero, 0);
    }

    @Test
    void oneByOneIsItsOwnEigenvalue() {
        SymmetricEigen eigen = SymmetricEigen.decompose(new double[] {-2.5}, 1);
        assertThat(eigen.size()).isEqualTo(1);
        assertThat(eigen.eigenvalues()).containsExactly(-2.5);
        assertThat(eigen.eigenvector(0)).containsExactly(1);
    }

    @Test
    void rejectsMatricesThatAreNotSquareSymmetricAndFinite() {
        assertThatThrownBy(() -> SymmetricEigen.decompose(new double[][] {{1, 2}, {2}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("square").hasMessageContaining("row 1");
        assertThatThrownBy(() -> SymmetricEigen.decompose(new double[5], 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("square");
        assertThatThrownBy(() -> SymmetricEigen.decompose(new double[0], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
        assertThatThrownBy(() -> SymmetricEigen.decompose(new double[][] {{1, 2}, {2.001, 1}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not symmetric").hasMessageContaining("[1][0]");
        assertThatThrownBy(() -> SymmetricEigen.decompose(new double[][] {{1, 0}, {0, Double.NaN}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1][1] is NaN");
        assertThatThrownBy(() -> SymmetricEigen.decompose(new double[][] {{Double.POSITIVE_INFINITY}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Infinity");
    }

    @Test
    void toleratesRoundingSizedAsymmetry() {
        double[][] a = {{1, 2}, {2 * (1 + 1e-13), 1}};
        SymmetricEigen eigen = SymmetricEigen.decompose(a);
        assertThat(eigen.eigenvalue(0)).isCloseTo(3, within(1e-12));
        assertThat(eigen.eigenvalue(1)).isCloseTo(-1, within(1e-12));
    }

    @Test
    void decomposesA2048MatrixAndPrintsTheTime() {
        int n = 2048;
        double[] a = RandomMatrices.gaussianSymmetric(n, new Random(2048));

        long start = System.nanoTime();
        SymmetricEigen eigen = SymmetricEigen.decompose(a, n);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("SymmetricEigen: n = %d decomposed in %.2f s on %d processors%n", n, seconds,
                Runtime.getRuntime().availableProcessors());

        double trace = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            trace += a[i * n + i];
            sum += eigen.eigenvalue(i);
        }
        assertThat(sum).isCloseTo(trace, within(1e-8 * n));
        // A Wigner matrix's spectrum fills about [−2√n, 2√n]; check a spread of eigenpairs.
        for (int k = 0; k < n; k += 255) {
            assertThat(RandomMatrices.residual(a, n, eigen.eigenvalue(k), eigen.eigenvector(k)))
                    .as("residual of eigenpair %d", k).isLessThan(1e-10);
            for (int other = 0; other < n; other += 511) {
                double dot = RandomMatrices.dot(eigen.eigenvector(k), 0, eigen.eigenvector(other), 0, n);
                assertThat(dot).isCloseTo(k == other ? 1 : 0, within(1e-12));
            }
        }
    }

    /** ‖A·v − λ·v‖ ≤ tolerance·max(1, ‖A‖) for every pair and |VᵀV − I| ≤ tolerance entrywise (plus rounding). */
    private static void assertEigenpairsAndOrthonormality(double[] a, int n, SymmetricEigen eigen, double tolerance) {
        double scale = Math.max(1, Math.max(Math.abs(eigen.eigenvalue(0)), Math.abs(eigen.eigenvalue(n - 1))));
        double[][] v = new double[n][];
        for (int k = 0; k < n; k++) {
            v[k] = eigen.eigenvector(k);
            assertThat(RandomMatrices.residual(a, n, eigen.eigenvalue(k), v[k])).as("residual of eigenpair %d", k)
                    .isLessThanOrEqualTo(tolerance * scale + 1e-15 * n);
        }
        for (int k = 0; k < n; k++) {
            for (int other = 0; other <= k; other++) {
                assertThat(RandomMatrices.dot(v[k], 0, v[other], 0, n)).as("v%d·v%d", k, other)
                        .isCloseTo(k == other ? 1 : 0, within(tolerance + 1e-15 * n));
            }
        }
    }
}
