package org.farnode.app.speculative;

import org.farnode.app.gateway.SamplingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Acceptance 3 of issue 6: the sampling rule leaves the target distribution unchanged. Each
 * scenario is a small target "model" p(·|prefix) and a drafter; the test runs 200,000 seeded
 * generations of one token (drafting 3) and of two tokens (drafting 2, and drafting 1 so that the
 * second token is the bonus token), and compares the counts with p(x₁) and p(x₁)·p(x₂|x₁) by
 * Pearson's chi-square at the 0.001 level (df = possible cells − 1: 5 and 35 for a full-support
 * vocabulary of 6). The same harness run with two plausible mistakes in the rule must be rejected
 * by the same test, so a pass means something.
 */
class SpeculativeSamplingTest {
    private static final int VOCAB = 6;
    private static final int TRIALS = 200_000;

    private static final double[] P = {0.40, 0.25, 0.15, 0.10, 0.06, 0.04};
    private static final double[] Q = {0.10, 0.10, 0.20, 0.20, 0.20, 0.20};
    /** p with zeros where q has weight, q with zeros where p has weight. */
    private static final double[] P_WITH_ZEROS = {0.45, 0.30, 0.15, 0.10, 0, 0};
    private static final double[] Q_WITH_ZEROS = {0, 0, 0.30, 0.20, 0.30, 0.20};
    /** Logits for a target cut by top-k and top-p, as the gateway's sampler would see them. */
    private static final float[] LOGITS = {1.2f, 2.0f, -0.3f, 0.9f, 0.4f, -1.5f};
    private static final SamplingSettings CUT = new SamplingSettings(0.8f, 5, 0.9f, 0);

    /** A rule under test: the real one, or a deliberately wrong one. */
    private interface Rule {
        Verdict accept(Draft draft, double[][] target, RandomGenerator random);
    }

    /**
     * A target model whose distribution depends on the previous token (rotated), and a drafter.
     * {@code deterministicDraft} proposes point masses; otherwise tokens are sampled from q(·|prefix).
     */
    record Scenario(String name, Function<int[], double[]> target, Function<int[], double[]> draft, boolean deterministicDraft) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A plausible mistake: the correction after a rejection drawn from p instead of norm(max(0, p − q)). */
    private static final Rule CORRECTION_FROM_TARGET = (draft, target, random) -> {
        int[] emitted = new int[draft.length() + 1];
        for (int i = 0; i < draft.length(); i++) {
            int x = draft.tokens()[i];
            if (random.nextDouble() * draft.probability(i, x) < target[i][x]) {
                emitted[i] = x;
                continue;
            }
            emitted[i] = TargetDistribution.draw(target[i], random); // the mistake: p, not norm(max(0, p − q))
            return new Verdict(i, Arrays.copyOf(emitted, i + 1));
        }
        emitted[draft.length()] = TargetDistribution.draw(target[draft.length()], random);
        return new Verdict(draft.length(), emitted);
    };

    static Stream<Scenario> scenarios() {
        return Stream.of(
                new Scenario("q differs from p", rotating(P, 1), rotating(Q, 2), false),
                new Scenario("q equals p", rotating(P, 1), rotating(P, 1), false),
                new Scenario("zeros in p and in q", rotating(P_WITH_ZEROS, 1), rotating(Q_WITH_ZEROS, 3), false),
                new Scenario("point mass on a likely token", rotating(P, 1), pointMass(0), true),
                new Scenario("point mass on an impossible token", rotating(P_WITH_ZEROS, 1), pointMass(4), true),
                new Scenario("target cut by top-k and top-p", prefix -> TargetDistribution.of(rotate(LOGITS, shift(prefix, 1)), 0, VOCAB, CUT),
                        rotating(Q, 2), false));
    }

    /** Scenarios where the draft is not the target, so a wrong rule changes the output. */
    static Stream<Scenario> scenariosWhereDraftDiffers() {
        return scenarios().filter(scenario -> !scenario.name().equals("q equals p"));
    }

    /**
     * Scenarios where norm(max(0, p − q)) differs from p at the first position. For a point mass on
     * a token p excludes, the residual is p itself, so drawing the correction from p is harmless
     * there; that scenario still catches the mistake at the second position (two tokens, k = 2).
     */
    static Stream<Scenario> scenariosWhereResidualDiffers() {
        return scenariosWhereDraftDiffers().filter(scenario -> !scenario.name().equals("point mass on an impossible token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void firstTokenFollowsTheTarget(Scenario scenario) {
        ChiSquare.Result result = firstToken(scenario, SpeculativeSampling::accept, 3, 11);
        report("first token, k=3", scenario, result);
        assertThat(result.rejects(ChiSquare.ALPHA)).as("%s: %s", scenario, result).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void twoTokensFollowTheTarget(Scenario scenario) {
        for (int k : new int[]{1, 2}) {
            ChiSquare.Result result = twoTokens(scenario, SpeculativeSampling::accept, k, 12 + k);
            report("two tokens, k=" + k, scenario, result);
            assertThat(result.rejects(ChiSquare.ALPHA)).as("%s, k=%d: %s", scenario, k, result).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenariosWhereDraftDiffers")
    void acceptingEveryDraftIsDetected(Scenario scenario) {
        Rule acceptAll = (draft, target, random) -> {
            int[] emitted = Arrays.copyOf(draft.tokens(), draft.length() + 1);
            emitted[draft.length()] = TargetDistribution.draw(target[draft.length()], random);
            return new Verdict(draft.length(), emitted);
        };
        assertDetected("accept every draft", scenario, acceptAll);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenariosWhereResidualDiffers")
    void drawingTheCorrectionFromTheTargetInsteadOfTheResidualIsDetected(Scenario scenario) {
        assertDetected("correction drawn from p", scenario, CORRECTION_FROM_TARGET);
    }

    @Test
    void drawingTheCorrectionFromTheTargetIsDetectedAfterAnImpossiblePointMass() {
        Scenario scenario = scenarios().filter(s -> s.name().equals("point mass on an impossible token")).findFirst().orElseThrow();
        ChiSquare.Result first = firstToken(scenario, CORRECTION_FROM_TARGET, 3, 31);
        ChiSquare.Result two = twoTokens(scenario, CORRECTION_FROM_TARGET, 2, 32);
        report("first token, k=3, correction drawn from p", scenario, first);
        report("two tokens, k=2, correction drawn from p", scenario, two);
        assertThat(first.rejects(ChiSquare.ALPHA)).as("first token, where the residual is p: %s", first).isFalse();
        assertThat(two.rejects(ChiSquare.ALPHA)).as("two tokens: %s", two).isTrue();
    }

    @Test
    void greedyTargetAndPointMassDraftBehaveAsGreedyAcceptance() {
        SplittableRandom random = new SplittableRandom(5);
        SamplingSettings greedy = SamplingSettings.greedy();
        for (int trial = 0; trial < 2_000; trial++) {
            int k = random.nextInt(5);
            int[] drafted = random.ints(k, 0, VOCAB).toArray();
            float[] window = new float[(k + 1) * VOCAB];
            for (int i = 0; i < window.length; i++) {
                window[i] = random.nextInt(3); // ties included
            }
            double[][] target = new double[k + 1][];
            for (int row = 0; row <= k; row++) {
                target[row] = TargetDistribution.of(window, row * VOCAB, VOCAB, greedy);
            }
            Verdict sampled = SpeculativeSampling.accept(Draft.deterministic(drafted), target, random);
            Verdict greedyVerdict = GreedyAcceptance.accept(drafted, window, VOCAB);
            assertThat(sampled.accepted()).isEqualTo(greedyVerdict.accepted());
            assertThat(sampled.emitted()).containsExactly(greedyVerdict.emitted());
        }
    }

    @Test
    void sameSeedSameOutput() {
        Draft draft = Draft.sampled(new int[]{2, 3}, new double[][]{Q, Q});
        double[][] target = {P, P, P};
        for (long seed = 0; seed < 50; seed++) {
            Verdict first = SpeculativeSampling.accept(draft, target, new SplittableRandom(seed));
            Verdict second = SpeculativeSampling.accept(draft, target, new SplittableRandom(seed));
            assertThat(first.emitted()).containsExactly(second.emitted());
        }
    }

    @Test
    void refusesInconsistentInput() {
        Draft draft = Draft.sampled(new int[]{0}, new double[][]{Q_WITH_ZEROS});
        assertThatThrownBy(() -> SpeculativeSampling.accept(draft, new double[][]{P, P}, new SplittableRandom(1)))
                .hasMessageContaining("draft probability 0.0");
        assertThatThrownBy(() -> SpeculativeSampling.accept(Draft.deterministic(new int[]{1}), new double[][]{P},
                new SplittableRandom(1))).hasMessageContaining("needs 2 target distributions");
        assertThatThrownBy(() -> Draft.sampled(new int[]{1, 2}, new double[][]{Q}))
                .hasMessageContaining("one distribution per token");
    }

    private static void assertDetected(String mistake, Scenario scenario, Rule wrong) {
        ChiSquare.Result first = firstToken(scenario, wrong, 3, 21);
        ChiSquare.Result two = twoTokens(scenario, wrong, 2, 22);
        report("first token, k=3, " + mistake, scenario, first);
        report("two tokens, k=2, " + mistake, scenario, two);
        assertThat(first.rejects(ChiSquare.ALPHA)).as("first token: %s", first).isTrue();
        assertThat(two.rejects(ChiSquare.ALPHA)).as("two tokens: %s", two).isTrue();
    }

    private static ChiSquare.Result firstToken(Scenario scenario, Rule rule, int k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Drafter drafter = drafter(scenario, random);
        long[] counts = new long[VOCAB];
        for (int trial = 0; trial < TRIALS; trial++) {
            counts[generate(scenario, drafter, rule, k, 1, random)[0]]++;
        }
        return ChiSquare.test(counts, scenario.target().apply(new int[0]));
    }

    private static ChiSquare.Result twoTokens(Scenario scenario, Rule rule, int k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Drafter drafter = drafter(scenario, random);
        long[] counts = new long[VOCAB * VOCAB];
        for (int trial = 0; trial < TRIALS; trial++) {
            int[] tokens = generate(scenario, drafter, rule, k, 2, random);
            counts[tokens[0] * VOCAB + tokens[1]]++;
        }
        double[] expected = new double[VOCAB * VOCAB];
        double[] first = scenario.target().apply(new int[0]);
        for (int x1 = 0; x1 < VOCAB; x1++) {
            double[] second = scenario.target().apply(new int[]{x1});
            for (int x2 = 0; x2 < VOCAB; x2++) {
                expected[x1 * VOCAB + x2] = first[x1] * second[x2];
            }
        }
        return ChiSquare.test(counts, expected);
    }

    /** Speculative generation of {@code count} tokens from an empty prefix: draft k, verify, repeat. */
    private static int[] generate(Scenario scenario, Drafter drafter, Rule rule, int k, int count, RandomGenerator random) {
        int[] output = new int[0];
        while (output.length < count) {
            Draft draft = drafter.propose(output, k);
            double[][] target = new double[draft.length() + 1][];
            int[] extended = Arrays.copyOf(output, output.length + draft.length());
            System.arraycopy(draft.tokens(), 0, extended, output.length, draft.length());
            for (int row = 0; row <= draft.length(); row++) {
                target[row] = scenario.target().apply(Arrays.copyOf(extended, output.length + row));
            }
            int[] emitted = rule.accept(draft, target, random).emitted();
            int keep = Math.min(emitted.length, count - output.length);
            int[] next = Arrays.copyOf(output, output.length + keep);
            System.arraycopy(emitted, 0, next, output.length, keep);
            output = next;
        }
        return output;
    }

    /** A draft model: each token sampled from q given the prefix and the tokens drafted before it; or point masses. */
    private static Drafter drafter(Scenario scenario, RandomGenerator random) {
        return (history, maxLength) -> {
            int[] tokens = new int[maxLength];
            double[][] distributions = new double[maxLength][];
            int[] extended = Arrays.copyOf(history, history.length + maxLength);
            for (int i = 0; i < maxLength; i++) {
                distributions[i] = scenario.draft().apply(Arrays.copyOf(extended, history.length + i));
                tokens[i] = TargetDistribution.draw(distributions[i], random);
                extended[history.length + i] = tokens[i];
            }
            return scenario.deterministicDraft() ? Draft.deterministic(tokens) : Draft.sampled(tokens, distributions);
        };
    }

    /** The distribution rotated by a shift that depends on the last token, so each position's p differs. */
    private static Function<int[], double[]> rotating(double[] base, int step) {
        return prefix -> {
            int shift = shift(prefix, step);
            double[] rotated = new double[VOCAB];
            for (int i = 0; i < VOCAB; i++) {
                rotated[i] = base[(i + shift) % VOCAB];
            }
            return rotated;
        };
    }

    /** Always the same token after the start, the next one after that: a prompt-lookup-like guess. */
    private static Function<int[], double[]> pointMass(int token) {
        return prefix -> {
            double[] mass = new double[VOCAB];
            mass[(token + prefix.length) % VOCAB] = 1;
            return mass;
        };
    }

    private static int shift(int[] prefix, int step) {
        return prefix.length == 0 ? 0 : (prefix[prefix.length - 1] * step + 1) % VOCAB;
    }

    private static float[] rotate(float[] base, int shift) {
        float[] rotated = new float[base.length];
        for (int i = 0; i < base.length; i++) {
            rotated[i] = base[(i + shift) % base.length];
        }
        return rotated;
    }

    private static void report(String what, Scenario scenario, ChiSquare.Result result) {
        System.out.printf("speculative sampling, %s, %s: %s (%d trials)%n", what, scenario, result, TRIALS);
    }
}
