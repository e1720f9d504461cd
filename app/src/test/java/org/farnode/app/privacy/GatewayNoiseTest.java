package org.farnode.app.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.farnode.app.shard.HiddenStates;
import org.junit.jupiter.api.Test;

class GatewayNoiseTest {
    /** Two positions of 20,000 values: the first of RMS 2, the second of RMS 10. */
    private static HiddenStates twoScales() {
        int width = 20_000;
        float[] values = new float[2 * width];
        for (int i = 0; i < width; i++) {
            values[i] = i % 2 == 0 ? 2 : -2;
            values[width + i] = 10;
        }
        return new HiddenStates(2, width, values);
    }

    @Test
    void eachPositionGetsNoiseOfTheAskedShareOfItsOwnRms() {
        HiddenStates clean = twoScales();
        HiddenStates noisy = new GatewayNoise(0.3, 1).addTo(clean);
        int width = clean.width();
        for (int p = 0; p < 2; p++) {
            double rms = p == 0 ? 2 : 10;
            double sumOfSquares = 0;
            for (int i = p * width; i < (p + 1) * width; i++) {
                double d = noisy.values()[i] - clean.values()[i];
                sumOfSquares += d * d;
            }
            // the sample deviation of 20,000 draws is within 2% of the true one far beyond 5 sigma (sigma ≈ 0.5%)
            assertThat(Math.sqrt(sumOfSquares / width)).as("position %d", p).isCloseTo(0.3 * rms, within(0.02 * 0.3 * rms));
        }
    }

    @Test
    void noNoiseLeavesTheStatesAsTheyAreAndASeedRepeatsItsNoise() {
        HiddenStates clean = twoScales();
        assertThat(new GatewayNoise(0, 1).addTo(clean).values()).containsExactly(clean.values());
        assertThat(new GatewayNoise(1, 7).addTo(clean).values()).containsExactly(new GatewayNoise(1, 7).addTo(clean).values());
        assertThat(clean.values()[0]).as("the input is not changed").isEqualTo(2f);
    }

    @Test
    void aNegativeDeviationIsRefused() {
        assertThatThrownBy(() -> new GatewayNoise(-0.1, 1)).hasMessageContaining(">= 0");
    }
}
