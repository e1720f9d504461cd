package org.farnode.app.speculative;

import org.farnode.app.gateway.Sampler;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GreedyAcceptanceTest {
    private static final int VOCAB = 8;

    @Test
    void allDraftsAcceptedAddsBonusToken() {
        Verdict verdict = GreedyAcceptance.accept(new int[]{3, 1, 4}, new int[]{3, 1, 4, 7});
        assertThat(verdict.accepted()).isEqualTo(3);
        assertThat(verdict.emitted()).containsExactly(3, 1, 4, 7);
        assertThat(verdict.rejected(3)).isZero();
    }

    @Test
    void firstDraftWrongEmitsOnlyTheTargetsToken() {
        Verdict verdict = GreedyAcceptance.accept(new int[]{3, 1, 4}, new int[]{2, 1, 4, 7});
        assertThat(verdict.accepted()).isZero();
        assertThat(verdict.emitted()).containsExactly(2);
        assertThat(verdict.rejected(3)).isEqualTo(3);
    }

    @Test
    void partialAcceptanceStopsAtFirstDisagreement() {
        // d_3 would agree with t_2 but comes after the disagreement at d_2, so it cannot stand.
        Verdict verdict = GreedyAcceptance.accept(new int[]{3, 1, 4}, new int[]{3, 5, 4, 7});
        assertThat(verdict.accepted()).isEqualTo(1);
        assertThat(verdict.emitted()).containsExactly(3, 5);
        assertThat(verdict.rejected(3)).isEqualTo(2);
    }

    @Test
    void emptyDraftEmitsTheTargetsToken() {
        Verdict verdict = GreedyAcceptance.accept(new int[0], new int[]{6});
        assertThat(verdict.accepted()).isZero();
        assertThat(verdict.emitted()).containsExactly(6);
    }

    @Test
    void readsArgmaxFromWindowLogitsFirstOnTies() {
        float[] window = {
                0, 5, 5, 1, // t_0 = 1 (tie with 2: the first wins, as in Sampler.argmax)
                9, 0, 0, 0, // t_1 = 0
                0, 0, 0, 2, // t_2 = 3
        };
        Verdict verdict = GreedyAcceptance.accept(new int[]{1, 0}, window, 4);
        assertThat(verdict.emitted()).containsExactly(1, 0, 3);
        assertThat(GreedyAcceptance.accept(new int[]{2, 0}, window, 4).emitted()).containsExactly(1);
    }

    @Test
    void refusesWrongNumberOfTargetRows() {
        assertThatThrownBy(() -> GreedyAcceptance.accept(new int[]{1, 2}, new int[]{1, 2}))
                .hasMessageContaining("needs 3 target tokens");
        assertThatThrownBy(() -> GreedyAcceptance.accept(new int[]{1}, new float[7], 4))
                .hasMessageContaining("needs 2 rows of 4 logits");
    }

    @Test
    void speculativeGreedyEqualsPlainGreedyWithPromptLookup() {
        for (long modelSeed = 1; modelSeed <= 20; modelSeed++) {
            FakeModel model = new FakeModel(modelSeed);
            int[] prompt = {1, 2, 3, 4, 1, 2, 5, 6, 7, 1, 2};
            int[] plain = plainGreedy(model, prompt, 300);
            for (int maxDraft : new int[]{1, 2, 4, 8}) {
                SpeculationStats[] stats = new SpeculationStats[1];
                int[] speculative = speculativeGreedy(model, new PromptLookupDrafter(), prompt, 300, maxDraft, stats);
                assertThat(speculative).as("model %d, k max %d", modelSeed, maxDraft).containsExactly(plain);
                assertThat(stats[0].emitted()).isGreaterThanOrEqualTo(300);
            }
        }
    }

    @Test
    void speculativeGreedyEqualsPlainGreedyWithUnreliableDrafter() {
        // A drafter that knows the answer but corrupts each token with probability 0.3: every
        // acceptance length occurs, and so does the rule's handling of each.
        for (long modelSeed = 1; modelSeed <= 20; modelSeed++) {
            FakeModel model = new FakeModel(modelSeed);
            int[] prompt = {0, 1};
            int[] plain = plainGreedy(model, prompt, 200);
            SplittableRandom noise = new SplittableRandom(modelSeed);
            Drafter unreliable = (history, k) -> {
                int[] draft = new int[k];
                int[] extended = Arrays.copyOf(history, history.length + k);
                for (int i = 0; i < k; i++) {
                    int truth = Sampler.argmax(model.logits(Arrays.copyOf(extended, history.length + i)), 0, VOCAB);
                    draft[i] = noise.nextDouble() < 0.3 ? noise.nextInt(VOCAB) : truth;
                    extended[history.length + i] = draft[i];
                }
                return Draft.deterministic(draft);
            };
            SpeculationStats[] stats = new SpeculationStats[1];
            assertThat(speculativeGreedy(model, unreliable, prompt, 200, 6, stats)).containsExactly(plain);
            assertThat(stats[0].accepted()).isPositive().isLessThan(stats[0].drafted());
        }
    }

    @Test
    void promptLookupSavesRoundTripsOnRepetitiveText() {
        FakeModel model = new FakeModel(7);
        SpeculationStats[] stats = new SpeculationStats[1];
        speculativeGreedy(model, new PromptLookupDrafter(), new int[]{1, 2, 3}, 300, 8, stats);
        // The fake model depends on two tokens of context, so greedy text falls into a cycle that
        // prompt lookup predicts.
        assertThat(stats[0].roundTripsSaved()).isGreaterThan(150);
        assertThat(stats[0].acceptanceRate()).isGreaterThan(0.5);
    }

    /** Plain greedy decoding: one target evaluation per token. */
    private static int[] plainGreedy(FakeModel model, int[] prompt, int count) {
        int[] tokens = Arrays.copyOf(prompt, prompt.length + count);
        for (int i = prompt.length; i < tokens.length; i++) {
            tokens[i] = Sampler.argmax(model.logits(Arrays.copyOf(tokens, i)), 0, VOCAB);
        }
        return Arrays.copyOfRange(tokens, prompt.length, tokens.length);
    }

    /**
     * The loop the generator will run: draft, verify the window (here: k + 1 evaluations of the
     * fake model standing in for one pass through the pipeline), accept, adapt.
     */
    private static int[] speculativeGreedy(FakeModel model, Drafter drafter, int[] prompt, int count, int maxDraft,
                                           SpeculationStats[] statsOut) {
        int[] history = prompt.clone();
        DraftLengthPlanner length = new DraftLengthPlanner(maxDraft);
        SpeculationStats stats = SpeculationStats.none();
        while (history.length < prompt.length + count) {
            int[] drafted = drafter.propose(history, length.next()).tokens();
            float[] window = new float[(drafted.length + 1) * VOCAB];
            int[] extended = Arrays.copyOf(history, history.length + drafted.length);
            System.arraycopy(drafted, 0, extended, history.length, drafted.length);
            for (int row = 0; row <= drafted.length; row++) {
                System.arraycopy(model.logits(Arrays.copyOf(extended, history.length + row)), 0, window, row * VOCAB, VOCAB);
            }
            Verdict verdict = GreedyAcceptance.accept(drafted, window, VOCAB);
            length.record(drafted.length, verdict.accepted(), 0, 1_000_000); // as if a trip's latency dominated
            stats = stats.plus(drafted.length, verdict);
            int keep = Math.min(verdict.emitted().length, prompt.length + count - history.length);
            int[] next = Arrays.copyOf(history, history.length + keep);
            System.arraycopy(verdict.emitted(), 0, next, history.length, keep);
            history = next;
        }
        statsOut[0] = stats;
        return Arrays.copyOfRange(history, prompt.length, history.length);
    }

    /**
     * A deterministic stand-in for the target: logits from the last two tokens, on a coarse grid
     * of four levels so that ties are common (and must break the same way on both paths).
     */
    private record FakeModel(long seed) {
        float[] logits(int[] history) {
            int a = history.length > 0 ? history[history.length - 1] : -1;
            int b = history.length > 1 ? history[history.length - 2] : -1;
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + a * 1009L + b);
            float[] logits = new float[VOCAB];
            for (int i = 0; i < VOCAB; i++) {
                logits[i] = random.nextInt(4);
            }
            return logits;
        }
    }
}
