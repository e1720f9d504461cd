package org.farnode.app.speculative;

import org.farnode.app.gateway.Sampler;
import org.farnode.app.gateway.SamplingSettings;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The distribution {@link Sampler} draws from, as a full probability vector: logits divided by
 * the temperature, softmax over the {@code topK} most likely tokens, cut to the smallest set (in
 * rank order) whose probability reaches {@code topP}, renormalized; every other token 0. Greedy
 * settings give a point mass on {@link Sampler#argmax}. The speculative sampling rule needs p(x)
 * for arbitrary x, which {@code Sampler} does not expose; this repeats its arithmetic step for
 * step (same ranking, ties to the lower id) so both describe one distribution.
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
        int[] order = rankedIds(logits, offset, vocab);
        int kept = settings.topK() == 0 ? vocab : Math.min(settings.topK(), vocab);
        double max = logits[offset + order[0]];
        double[] weights = new double[kept];
        double total = 0;
        for (int i = 0; i < kept; i++) {
            weights[i] = Math.exp((logits[offset + order[i]] - max) / settings.temperature());
            total += weights[i];
        }
        int nucleus = kept;
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += weights[i] / total;
            if (cumulative >= settings.topP()) {
                nucleus = i + 1;
                break;
            }
        }
        double nucleusTotal = 0;
        for (int i = 0; i < nucleus; i++) {
            nucleusTotal += weights[i];
        }
        for (int i = 0; i < nucleus; i++) {
            p[order[i]] = weights[i] / nucleusTotal;
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

    /** Token ids by logit, highest first, ties to the lower id: the order {@code Sampler} cuts top-k and top-p in. */
    private static int[] rankedIds(float[] logits, int offset, int vocab) {
        long[] keys = new long[vocab];
        for (int id = 0; id < vocab; id++) {
            int bits = Float.floatToIntBits(logits[offset + id]);
            int ascending = bits ^ ((bits >> 31) & 0x7FFFFFFF); // float order as signed-int order
            keys[id] = ((long) ~ascending << 32) | id;
        }
        Arrays.sort(keys);
        int[] ids = new int[vocab];
        for (int i = 0; i < vocab; i++) {
            ids[i] = (int) keys[i];
        }
        return ids;
    }
}
