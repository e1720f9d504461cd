package org.farnode.app.gateway;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token from logits according to {@link SamplingSettings}; reproducible for a seed. */
public final class Sampler {
    private final SamplingSettings settings;
    private final SplittableRandom random;

    public Sampler(SamplingSettings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
    }

    /** The token for the logits in {@code logits[offset, offset + vocab)}. */
    public int sample(float[] logits, int offset, int vocab) {
        if (settings.isGreedy()) {
            return argmax(logits, offset, vocab);
        }
        Nucleus nucleus = nucleus(logits, offset, vocab, settings);
        int[] order = nucleus.ids();
        double[] probabilities = nucleus.weights();
        double nucleusTotal = nucleus.total();
        double target = random.nextDouble() * nucleusTotal;
        for (int i = 0; i < order.length; i++) {
            target -= probabilities[i];
            if (target < 0) {
                return order[i];
            }
        }
        return order[order.length - 1];
    }

    /**
     * The tokens sampling may pick, most likely first, with their unnormalized weights (their
     * sum is {@code total}): logits divided by the temperature, softmax over the {@code topK}
     * most likely, cut to the smallest set whose probability reaches {@code topP}.
     */
    public record Nucleus(int[] ids, double[] weights, double total) {
    }

    /** The {@link Nucleus} of the logits in {@code logits[offset, offset + vocab)} under non-greedy {@code settings}. */
    public static Nucleus nucleus(float[] logits, int offset, int vocab, SamplingSettings settings) {
        int[] order = rankedIds(logits, offset, vocab);
        int kept = settings.topK() == 0 ? vocab : Math.min(settings.topK(), vocab);
        double max = logits[offset + order[0]];
        double[] probabilities = new double[kept];
        double total = 0;
        for (int i = 0; i < kept; i++) {
            probabilities[i] = Math.exp((logits[offset + order[i]] - max) / settings.temperature());
            total += probabilities[i];
        }
        double cumulative = 0;
        int nucleus = kept;
        for (int i = 0; i < kept; i++) {
            cumulative += probabilities[i] / total;
            if (cumulative >= settings.topP()) {
                nucleus = i + 1;
                break;
            }
        }
        double nucleusTotal = 0;
        for (int i = 0; i < nucleus; i++) {
            nucleusTotal += probabilities[i];
        }
        return new Nucleus(Arrays.copyOf(order, nucleus), Arrays.copyOf(probabilities, nucleus), nucleusTotal);
    }

    /**
     * Token ids by logit, highest first, ties by lower id (so the result does not depend on a
     * sort's stability). Sorts one primitive key per id — the logit's bits made order-preserving
     * and inverted, above the id — which for a 32,000-token vocabulary costs a small fraction of
     * sorting boxed ids with a comparator.
     */
    static int[] rankedIds(float[] logits, int offset, int vocab) {
        long[] keys = new long[vocab];
        for (int id = 0; id < vocab; id++) {
            int bits = Float.floatToIntBits(logits[offset + id]);
            int ascending = bits ^ ((bits >> 31) & 0x7FFFFFFF); // signed-int order == float order
            keys[id] = ((long) ~ascending << 32) | id;
        }
        Arrays.sort(keys);
        int[] ids = new int[vocab];
        for (int i = 0; i < vocab; i++) {
            ids[i] = (int) keys[i];
        }
        return ids;
    }

    /** Index of the largest value; the first one on ties. */
    public static int argmax(float[] values, int offset, int count) {
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
