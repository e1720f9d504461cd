package org.farnode.app.speculative;

import org.farnode.app.gateway.Sampler;
import org.farnode.app.gateway.SamplingSettings;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TargetDistributionTest {
    /** Ids 1 and 6 tie at 1.5: a top-2 cut keeps 0 and 1 (ties to the lower id). */
    private static final float[] LOGITS = {2.0f, 1.5f, 1.4f, 0.3f, 0.0f, -0.5f, 1.5f, -2.0f};

    @Test
    void greedyIsPointMassOnFirstArgmax() {
        double[] p = TargetDistribution.of(new float[]{1, 3, 3, 0}, 0, 4, SamplingSettings.greedy());
        assertThat(p).containsExactly(0, 1, 0, 0);
    }

    @Test
    void softmaxWithTemperatureWithoutCuts() {
        double[] p = TargetDistribution.of(LOGITS, 0, LOGITS.length, new SamplingSettings(2f, 0, 1f, 0));
        double total = 0;
        for (float logit : LOGITS) {
            total += Math.exp(logit / 2.0);
        }
        for (int id = 0; id < LOGITS.length; id++) {
            assertThat(p[id]).isCloseTo(Math.exp(LOGITS[id] / 2.0) / total, within(1e-12));
        }
    }

    @Test
    void topKAndTopPLeaveZeros() {
        double[] topTwo = TargetDistribution.of(LOGITS, 0, LOGITS.length, new SamplingSettings(1f, 2, 1f, 0));
        assertThat(Arrays.stream(topTwo).filter(value -> value > 0).count()).isEqualTo(2);
        assertThat(topTwo[0] + topTwo[1]).isCloseTo(1, within(1e-12));
        assertThat(topTwo[6]).isZero();

        double[] nucleus = TargetDistribution.of(LOGITS, 0, LOGITS.length, new SamplingSettings(1f, 0, 0.5f, 0));
        // exp(2) / Σ ≈ 0.31 < 0.5, adding exp(1.5) reaches 0.5: two tokens.
        assertThat(nucleus[0] + nucleus[1]).isCloseTo(1, within(1e-12));
    }

    @Test
    void readsTheRowAtTheOffset() {
        float[] twoRows = new float[2 * LOGITS.length];
        System.arraycopy(LOGITS, 0, twoRows, LOGITS.length, LOGITS.length);
        SamplingSettings settings = new SamplingSettings(0.7f, 4, 0.95f, 0);
        assertThat(TargetDistribution.of(twoRows, LOGITS.length, LOGITS.length, settings))
                .containsExactly(TargetDistribution.of(LOGITS, 0, LOGITS.length, settings));
    }

    /** The point of this class: it describes what {@link Sampler} actually draws. */
    @Test
    void samplerDrawsFromThisDistribution() {
        for (SamplingSettings settings : new SamplingSettings[]{
                new SamplingSettings(1f, 0, 1f, 3),
                new SamplingSettings(0.7f, 2, 1f, 4),
                new SamplingSettings(1.3f, 5, 0.8f, 5)}) {
            double[] p = TargetDistribution.of(LOGITS, 0, LOGITS.length, settings);
            ChiSquare.Result result = ChiSquare.test(samplerCounts(settings, 200_000), p);
            System.out.printf("Sampler vs TargetDistribution, %s: %s (200000 draws)%n", settings, result);
            assertThat(result.rejects(ChiSquare.ALPHA)).as("%s: %s", settings, result).isFalse();
        }
    }

    /** ...and the same comparison notices a distribution that is only slightly off (top-p ignored). */
    @Test
    void comparisonWithSamplerDetectsAWrongCut() {
        SamplingSettings settings = new SamplingSettings(1.3f, 5, 0.8f, 5);
        double[] withoutTopP = TargetDistribution.of(LOGITS, 0, LOGITS.length, new SamplingSettings(1.3f, 5, 1f, 5));
        ChiSquare.Result result = ChiSquare.test(samplerCounts(settings, 200_000), withoutTopP);
        assertThat(result.rejects(ChiSquare.ALPHA)).as("%s", result).isTrue();
    }

    @Test
    void drawFollowsWeights() {
        double[] weights = {0, 2, 0, 1, 1};
        SplittableRandom random = new SplittableRandom(9);
        long[] counts = new long[weights.length];
        for (int i = 0; i < 100_000; i++) {
            counts[TargetDistribution.draw(weights, random)]++;
        }
        ChiSquare.Result result = ChiSquare.test(counts, new double[]{0, 0.5, 0, 0.25, 0.25});
        assertThat(result.rejects(ChiSquare.ALPHA)).as("%s", result).isFalse();
        assertThatThrownBy(() -> TargetDistribution.draw(new double[3], random)).hasMessageContaining("total weight 0");
    }

    private static long[] samplerCounts(SamplingSettings settings, int draws) {
        Sampler sampler = new Sampler(settings);
        long[] counts = new long[LOGITS.length];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(LOGITS, 0, LOGITS.length)]++;
        }
        return counts;
    }
}
