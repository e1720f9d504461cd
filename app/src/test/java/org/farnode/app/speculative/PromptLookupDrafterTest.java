package org.farnode.app.speculative;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptLookupDrafterTest {
    private final PromptLookupDrafter drafter = new PromptLookupDrafter(3);

    @Test
    void proposesWhatFollowedAnEarlierOccurrence() {
        // "10 11 12 13 14 ... 10 11 12" -> 13 14 15 followed the earlier "10 11 12".
        int[] history = {10, 11, 12, 13, 14, 15, 16, 99, 10, 11, 12};
        Draft draft = drafter.propose(history, 3);
        assertThat(draft.tokens()).containsExactly(13, 14, 15);
        assertThat(draft.isDeterministic()).isTrue();
        assertThat(draft.probability(0, 13)).isEqualTo(1);
        assertThat(draft.probability(0, 14)).isZero();
    }

    @Test
    void noMatchProposesNothing() {
        assertThat(drafter.propose(new int[]{1, 2, 3, 4, 5}, 4).tokens()).isEmpty();
        assertThat(drafter.propose(new int[]{7}, 4).tokens()).isEmpty();
        assertThat(drafter.propose(new int[0], 4).tokens()).isEmpty();
    }

    @Test
    void longestNgramWinsOverMoreRecentShorterOne() {
        // Last tokens "1 2 3". The trigram occurs at 0 (followed by 40); the bigram "2 3" also occurs
        // later at 6 (followed by 50) and the unigram "3" at 9 (followed by 60). The trigram wins.
        int[] history = {1, 2, 3, 40, 41, 0, 2, 3, 50, 3, 60, 1, 2, 3};
        assertThat(drafter.propose(history, 2).tokens()).containsExactly(40, 41);
    }

    @Test
    void aShortestNgramAboveOneIgnoresOneTokenMatches() {
        PromptLookupDrafter twoOrMore = new PromptLookupDrafter(3, 2);
        assertThat(twoOrMore.propose(new int[] {9, 5, 6, 7, 8, 9}, 2).tokens()).as("only '9' occurred before").isEmpty();
        assertThat(twoOrMore.propose(new int[] {8, 9, 5, 6, 7, 8, 9}, 2).tokens()).containsExactly(5, 6);
        assertThatThrownBy(() -> new PromptLookupDrafter(2, 3)).hasMessageContaining("1 <= shortest <= longest");
        assertThatThrownBy(() -> new PromptLookupDrafter(3, 0)).hasMessageContaining("got 0 and 3");
    }

    @Test
    void fallsBackToShorterNgram() {
        // "8 9" never occurred before; "9" did, followed by 5 6.
        int[] history = {9, 5, 6, 7, 8, 9};
        assertThat(drafter.propose(history, 2).tokens()).containsExactly(5, 6);
    }

    @Test
    void mostRecentOccurrencePreferred() {
        // "4 5" occurs at 0 (followed by 6) and at 4 (followed by 7): the later one wins.
        int[] history = {4, 5, 6, 0, 4, 5, 7, 0, 4, 5};
        assertThat(new PromptLookupDrafter(2).propose(history, 1).tokens()).containsExactly(7);
    }

    @Test
    void draftIsCappedAtMaxLength() {
        int[] history = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3};
        assertThat(drafter.propose(history, 2).tokens()).containsExactly(4, 5);
        assertThat(drafter.propose(history, 0).tokens()).isEmpty();
        assertThatThrownBy(() -> drafter.propose(history, -1)).hasMessageContaining("draft length");
    }

    @Test
    void continuationPastTheHistoryRepeatsTheCycle() {
        // "a b c a b c": the latest earlier "a b c" is at 0 and is followed by "a b c" then nothing;
        // the overlapping copy keeps the cycle going for the full length.
        int[] history = {1, 2, 3, 1, 2, 3};
        assertThat(drafter.propose(history, 7).tokens()).containsExactly(1, 2, 3, 1, 2, 3, 1);
        // A run of one token proposes the same token.
        assertThat(drafter.propose(new int[]{5, 5}, 4).tokens()).containsExactly(5, 5, 5, 5);
    }

    @Test
    void maxNgramMustBePositive() {
        assertThatThrownBy(() -> new PromptLookupDrafter(0)).hasMessageContaining("1 <= shortest <= longest, got 1 and 0");
    }

    @Test
    void fullContextIsFast() {
        // Worst case for the scan: 4096 distinct tokens, no match for any n.
        int[] history = new int[4096];
        for (int i = 0; i < history.length; i++) {
            history[i] = i;
        }
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertThat(drafter.propose(history, 8).tokens()).isEmpty();
        }
        assertThat((System.nanoTime() - start) / 100).isLessThan(5_000_000L); // well under the 5 ms bound
    }
}
