package org.farnode.app.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HiddenStatesTest {

    @Test
    void theValuesMustBePositionsTimesWidth() {
        assertThat(new HiddenStates(2, 3, new float[6]).row(1)).hasSize(3);
        assertThatThrownBy(() -> new HiddenStates(2, 3, new float[5])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need 6 values, got 5");
    }

    /** 2^16 × 2^16 wraps to 0 in int arithmetic: an empty array once passed for four billion values. */
    @Test
    void aShapeWhoseCountOverflowsAnIntIsRefused() {
        assertThatThrownBy(() -> new HiddenStates(1 << 16, 1 << 16, new float[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need 4294967296 values, got 0");
    }
}
