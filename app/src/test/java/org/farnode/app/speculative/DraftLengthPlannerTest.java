package org.farnode.app.speculative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
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
        // Half the drafts standing: a draft of 1 brings 1.5 tokens for 3 ms, no draft 1 token for 2 ms.
        DraftLengthPlanner planner = after(20, 1, MS, MS, 0);
        assertThat(planner.next()).isEqualTo(0);
        DraftLengthPlanner accurate = after(20, 4, MS, MS, 0);
        assertThat(accurate.acceptance()).isGreaterThan(0.9);
        assertThat(accurate.next()).isGreaterThan(planner.next());
    }

    @Test
    void aDrafterThatIsNeverRightStopsDraftingButStillProbes() {
        DraftLengthPlanner planner = after(30, 0, 320 * MS, MS, 40 * MS);
        List<Integer> lengths = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            lengths.add(planner.next());
        }
        assertThat(lengths).containsOnly(0, 1);
        assertThat(lengths.stream().filter(k -> k == 1)).hasSize(2);
        planner.record(1, 1, 40 * MS, 322 * MS); // the probe's draft stood: drafting is tried again
        assertThat(planner.acceptance()).isGreaterThan(0.0);
    }

    @Test
    void aMinimumLengthDraftsEveryRound() {
        DraftLengthPlanner planner = new DraftLengthPlanner(2, 8);
        planner.prefillMeasured(400 * MS, 400);
        for (int i = 0; i < 30; i++) {
            planner.record(2, 0, 40 * MS, 3 * MS);
            assertThat(planner.next()).isEqualTo(2);
        }
        assertThatThrownBy(() -> new DraftLengthPlanner(9, 8)).hasMessageContaining("[0, 8], got 9");
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
