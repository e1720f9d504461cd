package org.farnode.app.speculative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.SyntheticLlama;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardStage;
import org.farnode.app.testing.Stories260K;
import org.farnode.backend.Backend;
import org.farnode.backend.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The draft-model drafter on stories260K, with drafters derived from the model itself: all five
 * layers (a draft model that is the target), or the first two layers and the head.
 */
class DraftModelDrafterTest {
    private static final SamplingSettings GREEDY = SamplingSettings.greedy();
    private static final SamplingSettings SAMPLING = new SamplingSettings(0.8f, 40, 0.95f, 1);
    private static final String PROMPT = "Once upon a time, there was a little dog. The dog";

    /** Plain or speculative generation through a route of two local shards, as the gateway runs it. */
    private static int[] generate(LoadedModel loaded, Backend cpu, int[] prompt, int maxTokens, Speculation speculation) {
        List<ShardStage> route = List.of(new ShardRunner(loaded.weights(), new LayerRange(0, 2), cpu.ops()).openSession(),
                new ShardRunner(loaded.weights(), new LayerRange(2, 5), cpu.ops()).openSession());
        try {
            Generator generator = new Generator(new GatewayModel(loaded.weights(), cpu.ops()), loaded.tokenizer(), route);
            return generator.generate(prompt, maxTokens, GREEDY, (id, text) -> { }, speculation).generatedTokens();
        } finally {
            route.forEach(ShardStage::close);
        }
    }

    private static int[] promptTokens(LoadedModel loaded, String prompt) {
        return Generator.promptTokens(loaded.tokenizer(), loaded.config().contextLength(), prompt);
    }

    private static DraftModelDrafter drafter(LoadedModel loaded, int layers, Backend cpu, SamplingSettings sampling, long seed) {
        return new DraftModelDrafter(loaded, loaded.tokenizer(), layers, cpu, sampling, new SplittableRandom(seed));
    }

    private static int[] concat(int[] first, int... second) {
        int[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    @Test
    void theTargetAsItsOwnDraftModelProposesItsGreedyContinuationAndEveryDraftIsAccepted() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); Backend cpu = Backend.cpu(2)) {
            int[] prompt = promptTokens(loaded, PROMPT);
            int[] plain = generate(loaded, cpu, prompt, 40, null);
            assertThat(plain).hasSize(40);
            try (DraftModelDrafter drafter = drafter(loaded, 5, cpu, GREEDY, 0)) {
                Draft draft = drafter.propose(prompt, 40);
                assertThat(draft.isDeterministic()).isTrue();
                assertThat(draft.tokens()).containsExactly(plain);
            }
            try (DraftModelDrafter drafter = drafter(loaded, 5, cpu, GREEDY, 0)) {
                Speculation speculation = Speculation.draftModel(drafter, 8);
                assertThat(generate(loaded, cpu, prompt, 40, speculation)).containsExactly(plain);
                assertThat(speculation.stats().drafted()).isPositive();
                assertThat(speculation.stats().accepted()).isEqualTo(speculation.stats().drafted());
            }
        }
    }

    @Test
    void aDrafterThatReusesItsCacheProposesWhatAFreshOneDoes() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); Backend cpu = Backend.cpu(2)) {
            int[] prompt = promptTokens(loaded, PROMPT);
            int[] first = concat(prompt, generate(loaded, cpu, prompt, 20, null));
            // A rejection after the prompt and 10 tokens: the target's own token (here an arbitrary one) follows.
            int[] diverged = concat(Arrays.copyOf(first, prompt.length + 10), 300, 42);
            try (DraftModelDrafter reused = drafter(loaded, 2, cpu, GREEDY, 0)) {
                reused.propose(first, 6);
                Draft afterRejection = reused.propose(diverged, 12);
                // All drafts accepted: the next history extends the last by them and one more token.
                int[] extended = concat(diverged, concat(Arrays.copyOf(afterRejection.tokens(), 5), 7));
                Draft afterAcceptance = reused.propose(extended, 12);
                for (int[] history : new int[][] {diverged, extended}) {
                    try (DraftModelDrafter fresh = drafter(loaded, 2, cpu, GREEDY, 0)) {
                        assertThat(history == diverged ? afterRejection.tokens() : afterAcceptance.tokens())
                                .as("after %d tokens", history.length).containsExactly(fresh.propose(history, 12).tokens());
                    }
                }
            }
        }
    }

    @Test
    void observingTheHistoryFirstChangesNoDraft() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); Backend cpu = Backend.cpu(2)) {
            int[] history = promptTokens(loaded, PROMPT);
            try (DraftModelDrafter observed = drafter(loaded, 3, cpu, GREEDY, 0);
                 DraftModelDrafter direct = drafter(loaded, 3, cpu, GREEDY, 0)) {
                observed.observe(history);
                assertThat(observed.propose(history, 6).tokens()).containsExactly(direct.propose(history, 6).tokens());
                int[] longer = java.util.Arrays.copyOf(history, history.length + 2);
                longer[history.length] = 400;
                longer[history.length + 1] = 401;
                observed.observe(longer);
                assertThat(observed.propose(longer, 6).tokens()).containsExactly(direct.propose(longer, 6).tokens());
            }
        }
    }

    @Test
    void aTwoLayerDrafterKeepsTheGreedyTokensAndHasDraftsAccepted() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); Backend cpu = Backend.cpu(2)) {
            for (String text : new String[] {"", PROMPT}) {
                int[] prompt = promptTokens(loaded, text);
                int[] plain = generate(loaded, cpu, prompt, 200, null);
                try (DraftModelDrafter drafter = drafter(loaded, 2, cpu, GREEDY, 0)) {
                    // In one process a 2-layer drafter does not pay for itself: make every round draft.
                    Speculation speculation = Speculation.draftModel(drafter, 8).withMinimumDraft(1);
                    assertThat(generate(loaded, cpu, prompt, 200, speculation)).as("after '%s'", text).containsExactly(plain);
                    SpeculationStats stats = speculation.stats();
                    assertThat(stats.accepted()).isPositive();
                    assertThat(stats.rounds()).isLessThan(plain.length - 1);
                    System.out.printf(Locale.ROOT, "stories260K, first 2 of 5 layers drafting after '%s': %s%n", text, stats);
                }
            }
        }
    }

    @Test
    void aSampledDraftCarriesTheDistributionsItsTokensWereDrawnFrom() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); Backend cpu = Backend.cpu(2)) {
            int[] prompt = promptTokens(loaded, PROMPT);
            Draft draft;
            try (DraftModelDrafter drafter = drafter(loaded, 2, cpu, SAMPLING, 17)) {
                draft = drafter.propose(prompt, 8);
            }
            assertThat(draft.isDeterministic()).isFalse();
            assertThat(draft.length()).isEqualTo(8);
            for (int i = 0; i < draft.length(); i++) {
                assertThat(Arrays.stream(draft.distributions()[i]).sum()).as("q_%d sums to", i + 1).isCloseTo(1, within(1e-9));
                assertThat(draft.probability(i, draft.tokens()[i])).as("q_%d of its token", i + 1).isPositive();
            }
            try (DraftModelDrafter again = drafter(loaded, 2, cpu, SAMPLING, 17)) {
                Draft repeated = again.propose(prompt, 8);
                assertThat(repeated.tokens()).containsExactly(draft.tokens());
                assertThat(repeated.distributions()).isDeepEqualTo(draft.distributions());
            }
        }
    }

    @Test
    void sampledFirstTokensFollowTheirDistribution() throws Exception {
        // Top-k 5 keeps every cell's expected count large enough for the chi-square test.
        SamplingSettings topFive = new SamplingSettings(1, 5, 1, 1);
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); Backend cpu = Backend.cpu(2);
             DraftModelDrafter drafter = drafter(loaded, 2, cpu, topFive, 23)) {
            int[] prompt = promptTokens(loaded, PROMPT);
            double[] q = drafter.propose(prompt, 1).distributions()[0];
            long[] counts = new long[q.length];
            int otherDistributions = 0;
            for (int trial = 0; trial < 5_000; trial++) {
                Draft draft = drafter.propose(prompt, 1);
                otherDistributions += Arrays.equals(draft.distributions()[0], q) ? 0 : 1;
                counts[draft.tokens()[0]]++;
            }
            assertThat(otherDistributions).as("proposals with another q after the same history").isZero();
            ChiSquare.Result fit = ChiSquare.test(counts, q);
            assertThat(fit.rejects(ChiSquare.ALPHA)).as(fit.toString()).isFalse();
        }
    }

    @Test
    void aDraftEndsWhereTheDraftModelsContextDoes() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); Backend cpu = Backend.cpu(2);
             DraftModelDrafter drafter = drafter(loaded, 1, cpu, GREEDY, 0)) {
            int context = loaded.config().contextLength();
            int[] full = IntStream.range(0, context + 1).map(i -> 1 + i % 500).toArray();
            assertThat(drafter.propose(Arrays.copyOf(full, context - 2), 8).length()).isEqualTo(3);
            assertThat(drafter.propose(Arrays.copyOf(full, context), 8).length()).isEqualTo(1);
            assertThat(drafter.propose(full, 8).length()).isZero();
            assertThat(drafter.propose(new int[0], 8).length()).isZero();
        }
    }

    @Test
    void layerCountsOutsideTheModelAreRefused() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); Backend cpu = Backend.cpu(2)) {
            for (int layers : new int[] {-1, 0, 6}) {
                assertThatThrownBy(() -> drafter(loaded, layers, cpu, GREEDY, 0))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 5").hasMessageContaining("got " + layers);
            }
        }
    }

    @Test
    void aDraftModelWithAnotherVocabularyIsRefused(@TempDir Path directory) throws Exception {
        Path samePieceCount = directory.resolve("synthetic-512.gguf");
        Path fewerPieces = directory.resolve("synthetic-300.gguf");
        SyntheticLlama synthetic = new SyntheticLlama(64, 192, 2, 4, 2, 512, 128, 10000f, 1e-5f, GgmlType.F32, false, 0);
        synthetic.write(samePieceCount);
        SyntheticLlama.small(GgmlType.F32).write(fewerPieces);
        try (LoadedModel target = LoadedModel.open(Stories260K.gguf(), null); Backend cpu = Backend.cpu(2);
             LoadedModel sameCount = LoadedModel.open(samePieceCount, null); LoadedModel fewer = LoadedModel.open(fewerPieces, null)) {
            assertThatThrownBy(() -> new DraftModelDrafter(sameCount, target.tokenizer(), 2, cpu, GREEDY, new SplittableRandom(0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in the draft model's vocabulary but")
                    .hasMessageContaining("must use the target's tokenizer");
            assertThatThrownBy(() -> new DraftModelDrafter(fewer, target.tokenizer(), 2, cpu, GREEDY, new SplittableRandom(0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 300 tokens")
                    .hasMessageContaining("the target's has 512");
        }
    }

    @Test
    void theLlama2cCheckpointOfTheSameModelSharesTheVocabulary() throws Exception {
        try (LoadedModel target = LoadedModel.open(Stories260K.gguf(), null); Backend cpu = Backend.cpu(2);
             LoadedModel checkpoint = LoadedModel.open(Stories260K.checkpoint(), Stories260K.tokenizerBin());
             DraftModelDrafter drafter = new DraftModelDrafter(checkpoint, target.tokenizer(), 2, cpu, GREEDY, new SplittableRandom(0))) {
            assertThat(drafter.propose(promptTokens(target, PROMPT), 4).length()).isEqualTo(4);
        }
    }
}
