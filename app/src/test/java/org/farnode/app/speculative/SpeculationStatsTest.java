package org.farnode.app.speculative;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpeculationStatsTest {

    @Test
    void accumulatesRounds() {
        SpeculationStats stats = SpeculationStats.none()
                .plus(4, new Verdict(4, new int[]{1, 2, 3, 4, 5}))
                .plus(4, new Verdict(1, new int[]{6, 7}))
                .plus(0, new Verdict(0, new int[]{8}));
        assertThat(stats).isEqualTo(new SpeculationStats(8, 5, 3, 8));
        assertThat(stats.acceptanceRate()).isEqualTo(5 / 8.0);
        assertThat(stats.tokensPerRoundTrip()).isEqualTo(8 / 3.0);
        assertThat(stats.roundTripsSaved()).isEqualTo(5);
        assertThat(stats.toString()).isEqualTo(
                "speculation: 8 drafted, 5 accepted (62.5%), 8 tokens in 3 round trips (2.67 per round trip), 5 round trips saved");
    }

    @Test
    void emptyStatsHaveNoRates() {
        SpeculationStats none = SpeculationStats.none();
        assertThat(none.acceptanceRate()).isZero();
        assertThat(none.tokensPerRoundTrip()).isZero();
        assertThat(none.roundTripsSaved()).isZero();
    }

    @Test
    void refusesMoreAcceptedThanDrafted() {
        assertThatThrownBy(() -> new SpeculationStats(1, 2, 1, 3)).hasMessageContaining("accepted <= drafted");
    }
}
