package org.farnode.app.codec.scm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BoundaryFitTest {

    private static final int WIDTH = 128;
    private static final int[] OUTLIERS = {17, 90};
    private static final double[] SCALES = {5, 4, 3, 2, 1.5}; // a rank-5 signal
    private static final double NOISE = 0.01;

    private static PlantedHiddenStates planted;
    private static BoundaryStatistics statistics;

    @BeforeAll
    static void calibrate() {
        planted = new PlantedHiddenStates(WIDTH, OUTLIERS, SCALES, NOISE, 42);
        statistics = new BoundaryStatistics(7, WIDTH);
        statistics.addRows(planted.sample(4000), 0, 4000);
    }

    @Test
    void findsExactlyThePlantedOutliers() {
        assertThat(new BoundaryFit(0.999, 64).outliers(statistics)).containsExactly(OUTLIERS);
    }

    @Test
    void outlierRuleKeepsTheLargestUpToItsLimitAndHonoursItsFactor() {
        assertThat(new BoundaryFit(0.999, 64, 6, 1).outliers(statistics)).containsExactly(90); // 90 holds the larger values
        assertThat(new BoundaryFit(0.999, 64, 6, 0).outliers(statistics)).isEmpty();
        assertThat(new BoundaryFit(0.999, 64, 10_000, 8).outliers(statistics)).isEmpty();
    }

    @Test
    void choosesThePlantedRankWhereTheTargetCallsForIt() {
        // Signal variance Σσ² = 56.25 against noise 126·10⁻⁴: five directions carry 99.98 %, four only 96 %.
        ScmBoundary boundary = new BoundaryFit(0.999, 64).fit(statistics);

        assertThat(boundary.boundary()).isEqualTo(7);
        assertThat(boundary.width()).isEqualTo(WIDTH);
        assertThat(boundary.rank()).isEqualTo(5);
        assertThat(boundary.outliers()).containsExactly(OUTLIERS);
        assertThat(boundary.explainedVariance()).isBetween(0.999, 1.0);
        assertThat(new BoundaryFit(0.9, 64).fit(statistics).rank()).isEqualTo(4);
        assertThat(new BoundaryFit(0.999, 3).fit(statistics).rank()).as("capped by maxRank").isEqualTo(3);
    }

    @Test
    void basisIsOrthonormalZeroAtTheOutliersAndSpansThePlantedSubspace() {
        ScmBoundary boundary = new BoundaryFit(0.999, 64).fit(statistics);
        float[] basis = boundary.basis();
        int rank = boundary.rank();

        for (int k = 0; k < rank; k++) {
            for (int o : OUTLIERS) {
                assertThat(basis[k * WIDTH + o]).isZero();
            }
            for (int l = 0; l <= k; l++) {
                double dot = 0;
                for (int j = 0; j < WIDTH; j++) {
                    dot += (double) basis[k * WIDTH + j] * basis[l * WIDTH + j];
                }
                assertThat(dot).isCloseTo(k == l ? 1 : 0, within(1e-6));
            }
        }
        // The cosines of the principal angles between span(B) and span(U) are the singular values
        // of M = B·Uᵀ, i.e. the square roots of the eigenvalues of MᵀM.
        double[][] m = new double[rank][SCALES.length];
        for (int k = 0; k < rank; k++) {
            for (int l = 0; l < SCALES.length; l++) {
                for (int j = 0; j < WIDTH; j++) {
                    m[k][l] += basis[k * WIDTH + j] * planted.directions[l * WIDTH + j];
                }
            }
        }
        double[][] gram = new double[SCALES.length][SCALES.length];
        for (int a = 0; a < SCALES.length; a++) {
            for (int b = 0; b < SCALES.length; b++) {
                for (int k = 0; k < rank; k++) {
                    gram[a][b] += m[k][a] * m[k][b];
                }
            }
        }
        double smallestCosine = Math.sqrt(SymmetricEigen.decompose(gram).eigenvalue(SCALES.length - 1));
        assertThat(Math.acos(Math.min(1, smallestCosine))).as("largest principal angle, radians").isLessThan(0.01);
    }

    @Test
    void reconstructsHeldOutVectorsWithinTheNoise() {
        ScmBoundary boundary = new BoundaryFit(0.999, 64).fit(statistics);
        float[] heldOut = planted.sample(200);

        double squaredError = 0;
        int compared = 0;
        for (int r = 0; r < 200; r++) {
            float[] h = new float[WIDTH];
            System.arraycopy(heldOut, r * WIDTH, h, 0, WIDTH);
            float[] back = reconstruct(boundary, h);
            for (int o : OUTLIERS) {
                assertThat(back[o]).isEqualTo(h[o]);
            }
            for (int j = 0; j < WIDTH; j++) {
                if (j != OUTLIERS[0] && j != OUTLIERS[1]) {
                    squaredError += (back[j] - h[j]) * (double) (back[j] - h[j]);
                    compared++;
                }
            }
        }
        double rmsError = Math.sqrt(squaredError / compared);
        // What is left is the noise outside the 5-dimensional subspace: about NOISE per value.
        assertThat(rmsError).isLessThan(1.5 * NOISE).isGreaterThan(0.5 * NOISE);
    }

    @Test
    void spectrumShowsThePlantedVariancesThenTheNoiseFloor() {
        double[] spectrum = new BoundaryFit(0.999, 64).spectrum(statistics);

        assertThat(spectrum).hasSize(WIDTH - OUTLIERS.length);
        for (int k = 0; k < SCALES.length; k++) {
            assertThat(spectrum[k]).as("variance along direction %d", k).isCloseTo(SCALES[k] * SCALES[k],
                    within(0.1 * SCALES[k] * SCALES[k]));
        }
        for (int k = SCALES.length; k < spectrum.length; k++) {
            assertThat(spectrum[k]).as("noise variance %d", k).isBetween(0.0, 2 * NOISE * NOISE);
            assertThat(spectrum[k]).isLessThanOrEqualTo(spectrum[k - 1]);
        }
    }

    @Test
    void fixedRankFitsShareOneDecomposition() {
        BoundaryDecomposition decomposition = new BoundaryFit(0.999, 64).decompose(statistics);
        ScmBoundary five = decomposition.atRank(5);
        ScmBoundary three = new BoundaryFit(0.999, 64).fitAtRank(statistics, 3);

        assertThat(decomposition.maxRank()).isEqualTo(WIDTH - 2);
        assertThat(three.rank()).isEqualTo(3);
        float[] fiveBasis = five.basis();
        float[] threeBasis = three.basis();
        for (int i = 0; i < 3 * WIDTH; i++) {
            assertThat(threeBasis[i]).isEqualTo(fiveBasis[i]);
        }
        assertThat(three.explainedVariance()).isLessThan(five.explainedVariance());
        assertThat(decomposition.explainedVariance(WIDTH - 2)).isEqualTo(1);
        assertThat(decomposition.atRank(0).basis()).isEmpty();
        assertThatThrownBy(() -> decomposition.atRank(WIDTH - 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 126]");
    }

    @Test
    void constantVectorsNeedNoDirections() {
        BoundaryStatistics constant = new BoundaryStatistics(0, 4);
        for (int r = 0; r < 10; r++) {
            constant.add(new float[] {1, -2, 3, 0.5f}, 0);
        }
        ScmBoundary boundary = new BoundaryFit(0.999, 4).fit(constant);
        assertThat(boundary.rank()).isZero();
        assertThat(boundary.explainedVariance()).isEqualTo(1);
        assertThat(boundary.mean()).containsExactly(1, -2, 3, 0.5f);
    }

    @Test
    void rejectsParametersOutsideTheirRanges() {
        assertThatThrownBy(() -> new BoundaryFit(0, 8)).hasMessageContaining("fidelityTarget must be in (0, 1]");
        assertThatThrownBy(() -> new BoundaryFit(1.5, 8)).hasMessageContaining("fidelityTarget");
        assertThatThrownBy(() -> new BoundaryFit(0.9, -1)).hasMessageContaining("maxRank must be >= 0");
        assertThatThrownBy(() -> new BoundaryFit(0.9, 8, 0, 8)).hasMessageContaining("outlierFactor");
        assertThatThrownBy(() -> new BoundaryFit(0.9, 8, 6, -1)).hasMessageContaining("maxOutliers");
        assertThatThrownBy(() -> new BoundaryFit(0.9, 8).fit(new BoundaryStatistics(0, 4)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no vectors");
    }

    /** The codec's round trip: c = B·(h − mean), then mean + Bᵀ·c with the outliers put back. */
    private static float[] reconstruct(ScmBoundary boundary, float[] h) {
        float[] mean = boundary.mean();
        float[] basis = boundary.basis();
        double[] back = new double[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            back[j] = mean[j];
        }
        for (int k = 0; k < boundary.rank(); k++) {
            double c = 0;
            for (int j = 0; j < WIDTH; j++) {
                c += basis[k * WIDTH + j] * (double) (h[j] - mean[j]);
            }
            for (int j = 0; j < WIDTH; j++) {
                back[j] += c * basis[k * WIDTH + j];
            }
        }
        float[] result = new float[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            result[j] = (float) back[j];
        }
        for (int o : boundary.outliers()) {
            result[o] = h[o];
        }
        return result;
    }
}
