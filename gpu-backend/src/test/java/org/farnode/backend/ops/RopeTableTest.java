package org.farnode.backend.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The reference rotation and the table's angles, against values worked out by hand. */
class RopeTableTest {
    private static final ReferenceOps REFERENCE = new ReferenceOps();

    @Test
    void interleavedRotatesAdjacentPairs() {
        // head of 4, base 100: pair 0 turns by 1 rad per position, pair 1 by 100^(-1/2) = 0.1 rad
        float[] x = {1, 2, 3, 4};
        REFERENCE.rope(x, 0, 1, 4, new RopeTable(4, 8, 100), 1);
        assertThat(x[0]).isCloseTo((float) (1 * Math.cos(1) - 2 * Math.sin(1)), within(1e-6f));
        assertThat(x[1]).isCloseTo((float) (1 * Math.sin(1) + 2 * Math.cos(1)), within(1e-6f));
        assertThat(x[2]).isCloseTo((float) (3 * Math.cos(0.1) - 4 * Math.sin(0.1)), within(1e-6f));
        assertThat(x[3]).isCloseTo((float) (3 * Math.sin(0.1) + 4 * Math.cos(0.1)), within(1e-6f));
    }

    @Test
    void neoxRotatesTheTwoHalvesTogether() {
        float[] x = {1, 2, 3, 4};
        REFERENCE.rope(x, 0, 1, 4, new RopeTable(4, 8, 100, RopeStyle.NEOX, null, 1), 1);
        assertThat(x[0]).isCloseTo((float) (1 * Math.cos(1) - 3 * Math.sin(1)), within(1e-6f));
        assertThat(x[2]).isCloseTo((float) (1 * Math.sin(1) + 3 * Math.cos(1)), within(1e-6f));
        assertThat(x[1]).isCloseTo((float) (2 * Math.cos(0.1) - 4 * Math.sin(0.1)), within(1e-6f));
        assertThat(x[3]).isCloseTo((float) (2 * Math.sin(0.1) + 4 * Math.cos(0.1)), within(1e-6f));
    }

    @Test
    void neoxWithAPartialRotationPairsWithinTheRopeDimension() {
        // rope over 4 of a head of 6: pairs (0, 2) and (1, 3); values 4 and 5 stay
        float[] x = {1, 2, 3, 4, 5, 6};
        REFERENCE.rope(x, 0, 1, 6, new RopeTable(4, 8, 100, RopeStyle.NEOX, null, 1), 2);
        assertThat(x[0]).isCloseTo((float) (1 * Math.cos(2) - 3 * Math.sin(2)), within(1e-6f));
        assertThat(x[3]).isCloseTo((float) (2 * Math.sin(0.2) + 4 * Math.cos(0.2)), within(1e-6f));
        assertThat(x[4]).isEqualTo(5);
        assertThat(x[5]).isEqualTo(6);
    }

    @Test
    void frequencyFactorsDivideTheFrequenciesAndThePositionScaleThePositions() {
        RopeTable table = new RopeTable(4, 16, 100, RopeStyle.INTERLEAVED, new float[] {1, 8}, 4);
        // position 12 scaled to 3: pair 0 at 3 · 1 / 1, pair 1 at 3 · 0.1 / 8
        assertThat(table.cos(12, 0)).isCloseTo((float) Math.cos(3), within(1e-6f));
        assertThat(table.sin(12, 0)).isCloseTo((float) Math.sin(3), within(1e-6f));
        assertThat(table.cos(12, 1)).isCloseTo((float) Math.cos(3 * 0.1 / 8), within(1e-6f));
        assertThat(table.sin(12, 1)).isCloseTo((float) Math.sin(3 * 0.1 / 8), within(1e-6f));
    }

    @Test
    void rejectsFactorsOfTheWrongCountOrSign() {
        assertThatThrownBy(() -> new RopeTable(4, 8, 100, RopeStyle.INTERLEAVED, new float[] {1, 2, 3}, 1))
                .hasMessageContaining("expected 2 rope frequency factors");
        assertThatThrownBy(() -> new RopeTable(4, 8, 100, RopeStyle.INTERLEAVED, new float[] {1, 0}, 1))
                .hasMessageContaining("factor 1 must be positive");
        assertThatThrownBy(() -> new RopeTable(4, 8, 100, RopeStyle.INTERLEAVED, null, 0))
                .hasMessageContaining("position scale must be positive");
    }
}
