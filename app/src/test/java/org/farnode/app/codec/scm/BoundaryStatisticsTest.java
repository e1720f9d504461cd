package org.farnode.app.codec.scm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BoundaryStatisticsTest {

    private static final int WIDTH = 300; // above the width where the triangle rows run in parallel

    /** Multiples of 1/8 below 16 in magnitude: every product and sum is exact in double, whatever the order. */
    private static float[] dyadicRows(int rows, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * WIDTH];
        for (int i = 0; i < values.length; i++) {
            values[i] = (random.nextInt(256) - 128) / 8f;
        }
        return values;
    }

    @Test
    void mergingTwoHalvesEqualsOnePass() {
        float[] rows = dyadicRows(70, 1);
        BoundaryStatistics single = new BoundaryStatistics(3, WIDTH);
        single.addRows(rows, 0, 70);
        BoundaryStatistics first = new BoundaryStatistics(3, WIDTH);
        BoundaryStatistics second = new BoundaryStatistics(3, WIDTH);
        first.addRows(rows, 0, 25);
        for (int r = 25; r < 70; r++) {
            second.add(rows, r * WIDTH);
        }

        first.merge(second);

        assertThat(first.count()).isEqualTo(70);
        assertThat(first.mean()).containsExactly(single.mean());
        assertThat(first.rootMeanSquare()).containsExactly(single.rootMeanSquare());
        assertThat(first.maxAbs()).containsExactly(single.maxAbs());
        assertThat(first.covariance()).containsExactly(single.covariance());
    }

    @Test
    void givesTheTextbookMomentsOfASmallSample() {
        // Three 2-dimensional vectors: (1, 2), (3, −2), (−1, 3).
        BoundaryStatistics statistics = new BoundaryStatistics(0, 2);
        statistics.addRows(new float[] {1, 2, 3, -2, -1, 3}, 0, 3);

        assertThat(statistics.mean()).containsExactly(1, 1);
        assertThat(statistics.rootMeanSquare()[0]).isCloseTo(Math.sqrt(11 / 3.0), within(1e-15));
        assertThat(statistics.rootMeanSquare()[1]).isCloseTo(Math.sqrt(17 / 3.0), within(1e-15));
        assertThat(statistics.maxAbs()).containsExactly(3, 3);
        assertThat(statistics.overallMaxAbs()).isEqualTo(3);
        // Deviations (0, 1), (2, −3), (−2, 2): Σ = [[8, −10], [−10, 14]], divided by N = 3.
        double[] covariance = statistics.covariance();
        assertThat(covariance[0]).isCloseTo(8 / 3.0, within(1e-15));
        assertThat(covariance[1]).isCloseTo(-10 / 3.0, within(1e-15));
        assertThat(covariance[2]).isCloseTo(-10 / 3.0, within(1e-15));
        assertThat(covariance[3]).isCloseTo(14 / 3.0, within(1e-15));
        assertThat(statistics.covariance(new int[] {1})).containsExactly(covariance[3]);
    }

    @Test
    void covarianceIsCentredEvenWhenTheMeanDwarfsTheSpread() {
        Random random = new Random(5);
        int width = 4;
        int rows = 20_000;
        float[] values = new float[rows * width];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (1000 + random.nextGaussian()); // mean 1000, variance 1
        }
        BoundaryStatistics statistics = new BoundaryStatistics(1, width);
        statistics.addRows(values, 0, rows);

        double[] covariance = statistics.covariance();
        for (int i = 0; i < width; i++) {
            assertThat(covariance[i * width + i]).isCloseTo(1, within(0.05));
            for (int j = 0; j < width; j++) {
                if (j != i) {
                    assertThat(covariance[i * width + j]).isCloseTo(0, within(0.05));
                }
            }
        }
    }

    @Test
    void rejectsBadInputWithoutCountingAnyOfIt() {
        BoundaryStatistics statistics = new BoundaryStatistics(2, 3);
        assertThatThrownBy(() -> statistics.addRows(new float[] {1, 2, 3, 4, Float.NaN, 6}, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN in row 1, dimension 1");
        assertThat(statistics.count()).isZero();
        assertThatThrownBy(() -> statistics.add(new float[5], 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit");
        assertThatThrownBy(() -> statistics.mean()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no vectors");
        assertThatThrownBy(() -> statistics.merge(new BoundaryStatistics(3, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("boundary 3");
        assertThatThrownBy(() -> new BoundaryStatistics(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("width");
        statistics.add(new float[] {1, 2, 3}, 0);
        assertThatThrownBy(() -> statistics.covariance(new int[] {2, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ascending");
    }
}
