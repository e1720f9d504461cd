package org.farnode.app.speculative;

import java.util.random.RandomGenerator;
import org.farnode.app.gateway.Sampler;
import org.farnode.app.gateway.SamplingSettings;

/**
 * The verdict on one verified window: the route returned logits for the token sent first and
 * for each draft after it, and the session's sampling settings say which rule decides. Greedy
 * settings keep the drafts equal to the model's argmax ({@link GreedyAcceptance}); sampling keeps
 * the output distribution the model's own ({@link SpeculativeSampling}).
 */
public final class WindowVerification {
    private WindowVerification() {
    }

    /**
     * @param windowLogits {@code (draft.length() + 1) × vocab} logits, row i after the history and the first i drafts
     * @param random       the session's generator, used by the sampling rule only
     */
    public static Verdict verdict(Draft draft, float[] windowLogits, int vocab, SamplingSettings settings, RandomGenerator random) {
        if (settings.isGreedy()) {
            return GreedyAcceptance.accept(draft.tokens(), windowLogits, vocab);
        }
        int rows = draft.length() + 1;
        if (windowLogits.length != rows * vocab) {
            throw new IllegalArgumentException("verifying " + draft.length() + " drafts needs " + rows + " rows of "
                    + vocab + " logits, got " + windowLogits.length + " values");
        }
        double[][] target = new double[rows][];
        for (int row = 0; row < rows; row++) {
            target[row] = TargetDistribution.of(windowLogits, row * vocab, vocab, settings);
        }
        return SpeculativeSampling.accept(draft, target, random);
    }

    /** The token a round starts with after prefill: drawn from the model's distribution (its argmax when greedy). */
    public static int firstToken(float[] logits, int vocab, SamplingSettings settings, RandomGenerator random) {
        return settings.isGreedy() ? Sampler.argmax(logits, 0, vocab)
                : TargetDistribution.draw(TargetDistribution.of(logits, 0, vocab, settings), random);
    }
}
