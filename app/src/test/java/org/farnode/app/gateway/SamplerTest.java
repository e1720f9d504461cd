package org.farnode.app.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Sampling rules on logits whose distributions are known in closed form; seeded, so never flaky. */
class SamplerTest {
    private static final int DRAWS = 4000;

    @Test
    void greedyTakesTheLargestLogitAndTheLowerIdOnTies() {
        Sampler greedy = new Sampler(SamplingSettings.greedy());
        assertThat(greedy.sample(new float[]{0.5f, 3f, -1f, 3f}, 0, 4)).isEqualTo(1);
        assertThat(greedy.sample(new float[]{9f, 0.5f, 3f, -1f, 7f}, 1, 4)).isEqualTo(3);
    }

    @Test
    void rankingIsByLogitThenIdIncludingNegativesAndInfinities() {
        float[] logits = {-1f, 2f, Float.NEGATIVE_INFINITY, 2f, -0.5f, Float.POSITIVE_INFINITY, 0f, -3e-8f};
        assertThat(Sampler.rankedIds(logits, 0, logits.length)).containsExactly(5, 1, 3, 6, 7, 4, 0, 2);
    }

    @Test
    void temperatureSamplesTheSoftmaxDistribution() {
        // p(1) = 3 / (1 + 3) at temperature 1; at temperature 2 the odds are sqrt(3) : 1.
        float[] logits = {0f, (float) Math.log(3)};
        assertThat(frequencies(new SamplingSettings(1f, 0, 1f, 11), logits)[1]).isCloseTo(0.75, within(0.03));
        double sqrt3 = Math.sqrt(3);
        assertThat(frequencies(new SamplingSettings(2f, 0, 1f, 11), logits)[1])
                .isCloseTo(sqrt3 / (1 + sqrt3), within(0.03));
    }

    @Test
    void topKKeepsOnlyTheKMostLikelyTokens() {
        float[] logits = {1f, 5f, 2f, 4f, 3f, 0f};
        double[] seen = frequencies(new SamplingSettings(5f, 3, 1f, 3), logits);
        assertThat(seen[1]).isPositive();
        assertThat(seen[3]).isPositive();
        assertThat(seen[4]).isPositive();
        assertThat(seen[0] + seen[2] + seen[5]).isZero();
        assertThat(frequencies(new SamplingSettings(5f, 1, 1f, 3), logits)[1]).isEqualTo(1.0);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // Probabilities 0.6, 0.3, 0.1 at temperature 1.
        float[] logits = {(float) Math.log(0.3), (float) Math.log(0.6), (float) Math.log(0.1)};
        assertThat(frequencies(new SamplingSettings(1f, 0, 0.5f, 5), logits)[1]).isEqualTo(1.0);
        double[] seen = frequencies(new SamplingSettings(1f, 0, 0.85f, 5), logits);
        assertThat(seen[2]).isZero();
        assertThat(seen[0]).isCloseTo(1 / 3.0, within(0.03));
    }

    @Test
    void aSeedFixesTheSequence() {
        float[] logits = new float[32000];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        int[] first = draws(new SamplingSettings(0.8f, 40, 0.95f, 42), logits, 50);
        int[] again = draws(new SamplingSettings(0.8f, 40, 0.95f, 42), logits, 50);
        int[] other = draws(new SamplingSettings(0.8f, 40, 0.95f, 43), logits, 50);
        assertThat(again).containsExactly(first);
        assertThat(Arrays.equals(first, other)).isFalse();
    }

    @Test
    void settingsOutsideTheirRangeAreRefusedWithTheAllowedRange() {
        assertThatThrownBy(() -> new SamplingSettings(-0.1f, 0, 1f, 0)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> new SamplingSettings(Float.NaN, 0, 1f, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingSettings(1f, -1, 1f, 0)).hasMessageContaining("top-k");
        assertThatThrownBy(() -> new SamplingSettings(1f, 0, 0f, 0)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new SamplingSettings(1f, 0, 1.5f, 0)).hasMessageContaining("(0, 1]");
    }

    /** Share of {@link #DRAWS} draws that gave each id. */
    private static double[] frequencies(SamplingSettings settings, float[] logits) {
        int[] counts = new int[logits.length];
        for (int id : draws(settings, logits, DRAWS)) {
            counts[id]++;
        }
        return Arrays.stream(counts).mapToDouble(c -> (double) c / DRAWS).toArray();
    }

    private static int[] draws(SamplingSettings settings, float[] logits, int n) {
        Sampler sampler = new Sampler(settings);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = sampler.sample(logits, 0, logits.length);
        }
        return ids;
    }
}
