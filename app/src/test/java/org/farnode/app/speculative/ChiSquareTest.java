package org.farnode.app.speculative;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The test's own yardstick, checked against published 0.1% critical values. */
class ChiSquareTest {

    @Test
    void tailAtPublishedCriticalValuesIsOneInAThousand() {
        // Critical values of the chi-square distribution at the 0.001 level (standard tables).
        assertThat(ChiSquare.upperTail(10.828, 1)).isCloseTo(0.001, within(2e-6));
        assertThat(ChiSquare.upperTail(18.467, 4)).isCloseTo(0.001, within(2e-6));
        assertThat(ChiSquare.upperTail(20.515, 5)).isCloseTo(0.001, within(2e-6));
        assertThat(ChiSquare.upperTail(51.179, 24)).isCloseTo(0.001, within(2e-6));
        assertThat(ChiSquare.upperTail(66.619, 35)).isCloseTo(0.001, within(2e-6));
    }

    @Test
    void tailOfTwoDegreesIsExponential() {
        for (double x : new double[]{0.1, 1, 3, 10, 40}) {
            assertThat(ChiSquare.upperTail(x, 2)).isCloseTo(Math.exp(-x / 2), within(1e-12));
        }
    }

    @Test
    void countInImpossibleCellFails() {
        ChiSquare.Result result = ChiSquare.test(new long[]{50, 50, 1}, new double[]{0.5, 0.5, 0});
        assertThat(result.rejects(ChiSquare.ALPHA)).isTrue();
    }

    @Test
    void degreesOfFreedomCountOnlyPossibleCells() {
        ChiSquare.Result result = ChiSquare.test(new long[]{50, 50, 0}, new double[]{0.5, 0.5, 0});
        assertThat(result.degreesOfFreedom()).isEqualTo(1);
        assertThat(result.statistic()).isZero();
    }
}
