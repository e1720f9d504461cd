package org.farnode.app.speculative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DraftLengthPlannerTest {
    private static final long MS = 1_000_000;

    /** A planner after {@code rounds} rounds of 4 drafts with {@code accepted} kept each, at the given costs. */
    private static DraftLengthPlanner after(int rounds, int accepted, long fixedNanos, long positionNanos, long draftTokenNanos) {
        DraftLengthPlanner planner = new DraftLengthPlanner(8);
        planner.prefillMeasured(400 * positionNanos, 400);
        for (int i = 0; i < rounds; i++) {
            planner.record(4, accepted, 4 * draftTokenNanos, fixedNanos + 5 * positionNanos);
        }
        return planner;
    }

    @Test
    void startsAtFourBeforeAnyRoundIsMeasured() {
        assertThat(new DraftLengthPlanner(8).next()).isEqualTo(4);
        assertThat(new DraftLengthPlanner(2).next()).isEqualTo(2);
    }

    @Test
    void overLinksWithLatencyDraftsTheMostEvenWhenMostDraftsFail() {
        // 320 ms a trip, 1 ms a position: with half the drafts standing, the 7th still pays
        // (0.5^7 of a token for 1 ms of 330); the 8th, worth 0.4% of a token, does not.
        DraftLengthPlanner planner = after(20, 1, 320 * MS, MS, 0);
        assertThat(planner.acceptance()).isBetween(0.45, 0.55); // 1 success, 1 failure a round
        assertThat(planner.next()).isEqualTo(7);
        assertThat(after(20, 4, 320 * MS, MS, 0).next()).as("every draft standing").isEqualTo(8);
    }

    @Test
    void whenEachPositionCostsAsMuchAsTheTripOnlyLikelyDraftsAreSent() {
        DraftLengthPlanner planner = after(20, 1, MS, MS, 0);
        assertThat(planner.next()).isEqualTo(1);
        DraftLengthPlanner accurate = after(20, 4, MS, MS, 0);
        assertThat(accurate.acceptance()).isGreaterThan(0.9);
        assertThat(accurate.next()).isGreaterThan(planner.next());
    }

    @Test
    void draftingsOwnCostShortensTheDraft() {
        assertThat(after(20, 3, 10 * MS, 0, 20 * MS).next()).isLessThan(after(20, 3, 10 * MS, 0, 0).next());
    }

    @Test
    void followsTheRecentRoundsWhenTheTextChanges() {
        DraftLengthPlanner planner = after(20, 4, 2 * MS, MS, 0);
        int copying = planner.next();
        for (int i = 0; i < 20; i++) {
            planner.record(4, 0, 0, 7 * MS);
        }
        assertThat(planner.acceptance()).isLessThan(0.4);
        assertThat(planner.next()).isLessThan(copying);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new DraftLengthPlanner(0)).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> new DraftLengthPlanner(4).record(2, 3, 0, 0)).hasMessageContaining("accepted");
        assertThatThrownBy(() -> new DraftLengthPlanner(4).record(2, 1, -1, 0)).hasMessageContaining("times >= 0");
        assertThatThrownBy(() -> new DraftLengthPlanner(4).prefillMeasured(5, 0)).hasMessageContaining(">= 1 positions");
    }
}
