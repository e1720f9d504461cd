package org.farnode.app.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.farnode.app.shard.HiddenStates;
import org.junit.jupiter.api.Test;

/** The ridge decoder on synthetic data whose answer is known. */
class RidgeRegressionTest {
    private static final int WIDTH = 8;
    private static final int CLASSES = 6;

    /** Class k's centre: 3 in dimension k, 0 elsewhere, all shifted by 50 (the bias must absorb the shift). */
    private static float[] centre(int k) {
        float[] c = new float[WIDTH];
        java.util.Arrays.fill(c, 50);
        c[k] += 3;
        return c;
    }

    /** Samples of random classes around their centres, with noise of deviation 0.3: separable with a wide margin. */
    private static float[] samples(int count, int[] labels, Random random) {
        float[] x = new float[count * WIDTH];
        for (int s = 0; s < count; s++) {
            labels[s] = random.nextInt(CLASSES);
            float[] c = centre(labels[s]);
            for (int i = 0; i < WIDTH; i++) {
                x[s * WIDTH + i] = c[i] + (float) (0.3 * random.nextGaussian());
            }
        }
        return x;
    }

    @Test
    void separableClassesAreAllRecovered() {
        Random random = new Random(3);
        int[] labels = new int[600];
        float[] x = samples(600, labels, random);
        RidgeRegression regression = new RidgeRegression(WIDTH, CLASSES);
        for (int s = 0; s < 600; s++) {
            regression.add(x, s * WIDTH, labels[s]);
        }
        LinearDecoder decoder = regression.fit(1e-4);
        int[] testLabels = new int[300];
        float[] test = samples(300, testLabels, random);
        for (int s = 0; s < 300; s++) {
            assertThat(decoder.predict(test, s * WIDTH)).as("sample %d", s).isEqualTo(testLabels[s]);
        }
    }

    @Test
    void withOneClassPerDimensionAndNoNoiseTheFitIsTheCentredLeastSquaresSolution() {
        // x = e_k + 50 for class k (k < WIDTH classes in all); centred one-hot targets are a linear map of the centred
        // features, so with a tiny penalty the scores are the one-hot vector itself
        RidgeRegression regression = new RidgeRegression(WIDTH, WIDTH);
        for (int repeat = 0; repeat < 10; repeat++) {
            for (int k = 0; k < WIDTH; k++) {
                float[] x = new float[WIDTH];
                java.util.Arrays.fill(x, 50);
                x[k] += 1;
                regression.add(x, 0, k);
            }
        }
        LinearDecoder decoder = regression.fit(1e-9);
        float[] x = new float[WIDTH];
        java.util.Arrays.fill(x, 50);
        x[2] += 1;
        double score2 = decoder.bias()[2];
        double score3 = decoder.bias()[3];
        for (int i = 0; i < WIDTH; i++) {
            score2 += x[i] * decoder.weights()[i * WIDTH + 2];
            score3 += x[i] * decoder.weights()[i * WIDTH + 3];
        }
        assertThat(score2).isCloseTo(1, within(1e-4));
        assertThat(score3).isCloseTo(0, within(1e-4));
    }

    @Test
    void theLearnedInversionChoosesALambdaFromItsGridAndRecoversSeparableWindows() {
        Random random = new Random(5);
        List<HiddenStates> windows = new ArrayList<>();
        List<int[]> tokens = new ArrayList<>();
        for (int w = 0; w < 20; w++) {
            int[] labels = new int[30];
            windows.add(new HiddenStates(30, WIDTH, samples(30, labels, random)));
            tokens.add(labels);
        }
        LearnedInversion inversion = LearnedInversion.train(windows, tokens, CLASSES);
        assertThat(LearnedInversion.LAMBDAS).contains(inversion.lambda());
        assertThat(inversion.validationTokenRate()).isEqualTo(1.0);
        int[] labels = new int[50];
        HiddenStates heldOut = new HiddenStates(50, WIDTH, samples(50, labels, random));
        assertThat(inversion.recover(heldOut)).containsExactly(labels);
    }

    @Test
    void aClassOutsideTheRangeIsRefused() {
        RidgeRegression regression = new RidgeRegression(WIDTH, CLASSES);
        assertThatThrownBy(() -> regression.add(new float[WIDTH], 0, CLASSES)).hasMessageContaining("class 6 is outside [0, 6)");
    }
}
