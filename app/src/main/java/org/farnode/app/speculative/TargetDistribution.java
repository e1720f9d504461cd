package org.farnode.app.speculative;

import org.farnode.app.gateway.Sampler;
import org.farnode.app.gateway.SamplingSettings;

import java.util.random.RandomGenerator;

/**
 * The distribution {@link Sampler} draws from, as a full probability vector: logits divided by
 * the temperature, softmax over the {@code topK} most likely tokens, cut to the smallest set (in
 * rank order) whose probability reaches {@code topP}, renormalized; every other token 0. Greedy
 * settings give a point mass on {@link Sampler#argmax}. The speculative sampling rule needs p(x)
 * for arbitrary x: this spreads {@link Sampler#nucleus}, the very weights {@code Sampler} draws
 * from, over the vocabulary.
 */
public final class TargetDistribution {
    private TargetDistribution() {
    }

    /** p over the vocabulary for the logits in {@code logits[offset, offset + vocab)}. */
    public static double[] of(float[] logits, int offset, int vocab, SamplingSettings settings) {
        double[] p = new double[vocab];
        if (settings.isGreedy()) {
            p[Sampler.argmax(logits, offset, vocab)] = 1;
            return p;
        }
        Sampler.Nucleus nucleus = Sampler.nucleus(logits, offset, vocab, settings);
        for (int i = 0; i < nucleus.ids().length; i++) {
            p[nucleus.ids()[i]] = nucleus.weights()[i] / nucleus.total();
        }
        return p;
    }

    /**
     * A token drawn from {@code distribution} (non-negative weights, need not sum to 1) with one
     * {@code nextDouble}. Falls back to the last token with weight if rounding leaves the draw past
     * the end.
     */
    public static int draw(double[] distribution, RandomGenerator random) {
        double total = 0;
        for (double weight : distribution) {
            total += weight;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("cannot draw from a distribution with total weight " + total);
        }
        double target = random.nextDouble() * total;
        int last = -1;
        for (int token = 0; token < distribution.length; token++) {
            if (distribution[token] > 0) {
                target -= distribution[token];
                last = token;
                if (target < 0) {
                    return token;
                }
            }
        }
        return last;
    }

}
