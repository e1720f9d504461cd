package org.farnode.app.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.app.shard.ShardStage;
import org.farnode.app.testing.Stories260K;
import org.farnode.backend.ops.CpuOps;
import org.junit.jupiter.api.Test;

/**
 * Sampling with speculation, end to end through the generator on stories260K: the first three
 * generated tokens, over thousands of seeds, follow the model's exact joint distribution
 * p(t1) · p(t2 | t1) · p(t3 | t1, t2) (computed here by running the model on every likely prefix),
 * by Pearson's chi-square test at α = 0.001. The second and third tokens come out of the
 * speculative sampling rule: accepted drafts, draws from the residual after a rejection, and bonus
 * tokens. Drafters that are wrong most of the time (uniform random drafts) and deterministic ones
 * (prompt lookup) both leave the distribution as it is.
 */
class SpeculativeSamplingGenerationTest {
    private static final int RUNS = 3000;
    /** A cell of the test needs this many expected counts; rarer outcomes are pooled. */
    private static final double MIN_EXPECTED = 5;
    private static final String PROMPT = "Once upon a time, there was a little dog. The dog";

    @Test
    void theFirstThreeTokensFollowTheModelsJointDistribution() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(Stories260K.gguf(), null); CpuOps ops = new CpuOps(2)) {
            GatewayModel gateway = new GatewayModel(loaded.weights(), ops);
            int vocab = loaded.config().vocabularySize();
            SamplingSettings sampling = new SamplingSettings(1.0f, 0, 1.0f, 0);
            Supplier<List<ShardStage>> route = () -> List.of(
                    new ShardRunner(loaded.weights(), new LayerRange(0, 2), ops).openSession(),
                    new ShardRunner(loaded.weights(), new LayerRange(2, 5), ops).openSession());
            int[] prompt = new Generator(gateway, loaded.tokenizer(), route.get()).promptTokens(PROMPT);
            Map<List<Integer>, Double> exact = likelyTriples(loaded, ops, gateway, prompt, sampling, vocab);

            Map<String, Supplier<Drafter>> drafters = Map.of(
                    "uniform random drafts", () -> {
                        SplittableRandom random = new SplittableRandom(99);
                        double[] uniform = new double[vocab];
                        Arrays.fill(uniform, 1.0 / vocab);
                        return (history, k) -> {
                            int[] tokens = random.ints(k, 0, vocab).toArray();
                            double[][] q = new double[k][];
                            Arrays.fill(q, uniform);
                            return Draft.sampled(tokens, q);
                        };
                    },
                    "prompt lookup", PromptLookupDrafter::new);
            for (var drafter : drafters.entrySet()) {
                Drafter shared = drafter.getValue().get();
                Map<List<Integer>, Long> counts = new HashMap<>();
                long drafted = 0;
                long accepted = 0;
                for (int seed = 0; seed < RUNS; seed++) {
                    List<ShardStage> stages = route.get();
                    try {
                        Speculation speculation = new Speculation(drafter.getKey(), shared, 4);
                        int[] tokens = new Generator(gateway, loaded.tokenizer(), stages).generate(prompt, 3,
                                new SamplingSettings(1.0f, 0, 1.0f, seed), (id, text) -> { }, speculation).generatedTokens();
                        assertThat(tokens).hasSize(3); // stories260K's likely continuations do not end the text this soon
                        counts.merge(List.of(tokens[0], tokens[1], tokens[2]), 1L, Long::sum);
                        drafted += speculation.stats().drafted();
                        accepted += speculation.stats().accepted();
                    } finally {
                        stages.forEach(ShardStage::close);
                    }
                }
                ChiSquare.Result result = goodnessOfFit(exact, counts);
                System.out.printf("%s: %d runs, %d drafted, %d accepted; %s over %d cells%n", drafter.getKey(), RUNS, drafted,
                        accepted, result, result.degreesOfFreedom() + 1);
                assertThat(drafted).as("%s drafted", drafter.getKey()).isPositive();
                assertThat(drafted - accepted).as("%s rejections", drafter.getKey()).isPositive();
                assertThat(result.degreesOfFreedom()).as("cells of the test").isGreaterThan(10);
                assertThat(result.rejects(ChiSquare.ALPHA)).as("%s: %s", drafter.getKey(), result).isFalse();
            }
        }
    }

    /** p(t1, t2, t3) for every triple likely enough to be a cell of the test, from the model itself. */
    private static Map<List<Integer>, Double> likelyTriples(LoadedModel loaded, CpuOps ops, GatewayModel gateway, int[] prompt,
                                                            SamplingSettings sampling, int vocab) {
        double threshold = MIN_EXPECTED / RUNS;
        Map<List<Integer>, Double> triples = new HashMap<>();
        double[] first = distributionAfter(loaded, ops, gateway, prompt, sampling, vocab);
        for (int t1 = 0; t1 < vocab; t1++) {
            if (first[t1] < threshold) {
                continue;
            }
            double[] second = distributionAfter(loaded, ops, gateway, append(prompt, t1), sampling, vocab);
            for (int t2 = 0; t2 < vocab; t2++) {
                double pair = first[t1] * second[t2];
                if (pair < threshold) {
                    continue;
                }
                double[] third = distributionAfter(loaded, ops, gateway, append(append(prompt, t1), t2), sampling, vocab);
                for (int t3 = 0; t3 < vocab; t3++) {
                    if (pair * third[t3] >= threshold) {
                        triples.put(List.of(t1, t2, t3), pair * third[t3]);
                    }
                }
            }
        }
        return triples;
    }

    /** The sampling distribution of the token after {@code tokens}, from a fresh run of the whole model. */
    private static double[] distributionAfter(LoadedModel loaded, CpuOps ops, GatewayModel gateway, int[] tokens,
                                              SamplingSettings sampling, int vocab) {
        try (ShardSession session = new ShardRunner(loaded.weights(), LayerRange.all(loaded.config().blockCount()), ops).openSession()) {
            HiddenStates out = session.forward(0, gateway.embed(tokens));
            return TargetDistribution.of(gateway.logits(out.last()), 0, vocab, sampling);
        }
    }

    private static int[] append(int[] tokens, int token) {
        int[] longer = Arrays.copyOf(tokens, tokens.length + 1);
        longer[tokens.length] = token;
        return longer;
    }

    /** Cells: each likely triple, then one for every other outcome. */
    private static ChiSquare.Result goodnessOfFit(Map<List<Integer>, Double> exact, Map<List<Integer>, Long> counts) {
        List<List<Integer>> cells = new ArrayList<>(exact.keySet());
        long[] observed = new long[cells.size() + 1];
        double[] expected = new double[cells.size() + 1];
        double covered = 0;
        long total = 0;
        for (int i = 0; i < cells.size(); i++) {
            observed[i] = counts.getOrDefault(cells.get(i), 0L);
            expected[i] = exact.get(cells.get(i));
            covered += expected[i];
        }
        for (long count : counts.values()) {
            total += count;
        }
        observed[cells.size()] = total - Arrays.stream(observed).sum();
        expected[cells.size()] = Math.max(0, 1 - covered);
        return ChiSquare.test(observed, expected);
    }
}
