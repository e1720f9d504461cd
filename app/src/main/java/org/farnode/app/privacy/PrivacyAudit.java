package org.farnode.app.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.farnode.app.model.LlamaWeights;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.svs.BoundaryRecorder;
import org.farnode.app.svs.CodecEvaluation;

/**
 * Measures what the operator of the node at each layer boundary could recover of the prompts
 * from exactly what that node receives: the held-out prompts' hidden states at the boundary,
 * through the gateway's noise (if any) and the hop's codec, attacked by
 * {@link VocabularyMatching} and by {@link LearnedInversion}. With noise it also measures what the
 * noise costs in output quality ({@link NoiseCost}).
 *
 * <p>The states at a boundary are the exact ones, as if the layers before it ran without loss; on
 * a real route they would also carry the earlier hops' coding error.
 */
public final class PrivacyAudit {
    /** A row to measure: the boundary of the node attacked and how the hop into it is protected. */
    public record Condition(int boundary, HopSetting hop) {
    }

    private final LlamaWeights weights;
    private final OwnThreads threads;
    private final AuditPrompts heldOut;
    private final List<int[]> training;
    private final List<int[]> quality;
    private final Consumer<String> progress;
    /** Per held-out prompt, its exact states at every boundary. */
    private final List<HiddenStates[]> heldOutStates;
    /** Per training sequence, its exact states at every boundary. */
    private final List<HiddenStates[]> trainingStates;

    /**
     * An audit of {@code heldOut}, the learned decoder trained on {@code training} (sequences of
     * the training text), the noise's cost measured on {@code quality} (sequences of the held-out
     * text), computed on {@code threads} threads; {@code progress} hears what is being done.
     */
    public PrivacyAudit(LlamaWeights weights, int threads, AuditPrompts heldOut, List<int[]> training, List<int[]> quality,
                        Consumer<String> progress) throws InterruptedException {
        this.weights = weights;
        this.threads = new OwnThreads(threads);
        this.heldOut = heldOut;
        this.training = List.copyOf(training);
        this.quality = List.copyOf(quality);
        this.progress = progress;
        List<int[]> sequences = new ArrayList<>(heldOut.prompts());
        sequences.addAll(this.training);
        HiddenStates[][] states = new HiddenStates[sequences.size()][];
        this.threads.forEach(sequences.size(), ops -> new BoundaryRecorder(weights, ops),
                (recorder, i) -> states[i] = statesAtEveryBoundary(recorder, sequences.get(i)), done -> { });
        this.heldOutStates = List.of(states).subList(0, heldOut.prompts().size());
        this.trainingStates = List.of(states).subList(heldOut.prompts().size(), states.length);
    }

    /** The results of {@code conditions}, in their order. */
    public List<AuditResults.Result> run(List<Condition> conditions) throws InterruptedException {
        Map<Integer, List<Condition>> byBoundary = new LinkedHashMap<>();
        for (Condition condition : conditions) {
            byBoundary.computeIfAbsent(condition.boundary(), b -> new ArrayList<>()).add(condition);
        }
        Map<Condition, AuditResults.Result> results = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Condition>> boundary : byBoundary.entrySet()) {
            measureBoundary(boundary.getKey(), boundary.getValue(), results);
        }
        return conditions.stream().map(results::get).toList();
    }

    private void measureBoundary(int boundary, List<Condition> conditions, Map<Condition, AuditResults.Result> results)
            throws InterruptedException {
        List<int[]> prompts = heldOut.prompts();
        // receptions.get(prompt).get(condition): what the node got of that prompt under that condition
        List<List<HiddenStates>> receptions = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            List<HiddenStates> ofPrompt = new ArrayList<>();
            for (Condition condition : conditions) {
                ofPrompt.add(condition.hop().received(heldOutStates.get(p)[boundary], boundary, seed(boundary, condition.hop(), p, false)));
            }
            receptions.add(ofPrompt);
        }
        List<List<int[]>> matched = matchVocabulary(boundary, receptions);
        AuditResults.Result[] measured = new AuditResults.Result[conditions.size()];
        String[] lines = new String[conditions.size()];
        threads.forEach(conditions.size(), ops -> new NoiseCost(weights, ops, boundary), (noiseCost, c) -> {
            HopSetting hop = conditions.get(c).hop();
            RecoveryTally matching = new RecoveryTally();
            RecoveryTally learned = new RecoveryTally();
            LearnedInversion decoder = trainDecoder(boundary, hop);
            for (int p = 0; p < prompts.size(); p++) {
                matching.add(prompts.get(p), matched.get(p).get(c));
                learned.add(prompts.get(p), decoder.recover(receptions.get(p).get(c)));
            }
            Double agreement = null;
            Double meanKl = null;
            if (hop.noiseStd() > 0) {
                CodecEvaluation.Tally cost = noiseCost.measure(quality, hop.codec(), hop.noiseStd(), seed(boundary, hop, -1, false));
                agreement = cost.agreement();
                meanKl = cost.meanKl();
            }
            measured[c] = new AuditResults.Result(boundary, hop.codec().name(), hop.noiseStd(), matching.tokenRate(), matching.promptRate(),
                    learned.tokenRate(), learned.promptRate(), decoder.lambda(), agreement, meanKl);
            lines[c] = String.format("boundary %d, %s: vocabulary matching %.2f%% of tokens, learned decoder %.2f%% (λ %.0e, %.2f%% on "
                            + "held-back training text)", boundary, hop.label(), 100 * matching.tokenRate(), 100 * learned.tokenRate(),
                    decoder.lambda(), 100 * decoder.validationTokenRate());
        }, done -> { });
        for (int c = 0; c < conditions.size(); c++) {
            progress.accept(lines[c]);
            results.put(conditions.get(c), measured[c]);
        }
    }

    /** The learned decoder for {@code hop} at {@code boundary}, trained on what the attacker makes of its own text the same way. */
    private LearnedInversion trainDecoder(int boundary, HopSetting hop) {
        List<HiddenStates> received = new ArrayList<>();
        for (int s = 0; s < training.size(); s++) {
            received.add(hop.received(trainingStates.get(s)[boundary], boundary, seed(boundary, hop, s, true)));
        }
        return LearnedInversion.train(received, training, weights.config().vocabularySize());
    }

    /** The vocabulary-matching guesses for every prompt and condition ({@code [prompt][condition]}). */
    private List<List<int[]>> matchVocabulary(int boundary, List<List<HiddenStates>> receptions) throws InterruptedException {
        int prompts = receptions.size();
        List<int[]>[] guesses = newListArray(prompts);
        long start = System.nanoTime();
        progress.accept(String.format("boundary %d: vocabulary matching on %d prompts × %d settings, %d threads", boundary, prompts,
                receptions.getFirst().size(), threads.threads()));
        threads.forEach(prompts, ops -> new VocabularyMatching(weights, ops, boundary),
                (attack, p) -> guesses[p] = attack.recover(receptions.get(p)), done -> {
                    if (done % 10 == 0 || done == prompts) {
                        progress.accept(String.format("boundary %d: %d/%d prompts matched (%.0f s)", boundary, done, prompts,
                                (System.nanoTime() - start) / 1e9));
                    }
                });
        return List.of(guesses);
    }

    @SuppressWarnings("unchecked")
    private static List<int[]>[] newListArray(int length) {
        return (List<int[]>[]) new List<?>[length];
    }

    private static HiddenStates[] statesAtEveryBoundary(BoundaryRecorder recorder, int[] tokens) {
        HiddenStates[] states = new HiddenStates[recorder.layerCount() + 1];
        recorder.record(tokens, tokens.length, (boundary, window) -> states[boundary] = window);
        return states;
    }

    /**
     * The noise's seed for one prompt (or training sequence) under one setting: fixed, so a run can
     * be repeated, and independent of which other settings the run measures.
     */
    private static long seed(int boundary, HopSetting hop, int sequence, boolean training) {
        long seed = 17;
        for (long part : new long[] {boundary, hop.codec().id(), Double.doubleToLongBits(hop.noiseStd()), sequence, training ? 1 : 0}) {
            seed = seed * 1_000_003L + part;
        }
        return seed;
    }
}
