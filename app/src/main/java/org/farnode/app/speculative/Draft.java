package org.farnode.app.speculative;

import java.util.Arrays;

/**
 * Tokens a {@link Drafter} proposes for the next positions, with the distribution each one was
 * drawn from. A deterministic drafter (prompt lookup) has no distributions: each of its tokens is
 * a point mass, {@code q(token) = 1}, which is what the sampling rule needs to stay exact.
 *
 * @param tokens        the drafted tokens d_1..d_k, in order
 * @param distributions {@code null} for a deterministic draft; otherwise {@code distributions[i]}
 *                      is q_{i+1}, the full vocabulary distribution d_{i+1} was sampled from
 */
public record Draft(int[] tokens, double[][] distributions) {
    private static final Draft EMPTY = new Draft(new int[0], null);

    public Draft {
        if (distributions != null && distributions.length != tokens.length) {
            throw new IllegalArgumentException("a sampled draft needs one distribution per token: "
                    + tokens.length + " tokens, " + distributions.length + " distributions");
        }
    }

    /** No proposal: the round verifies only the target's own next token. */
    public static Draft empty() {
        return EMPTY;
    }

    /** Tokens chosen without randomness; each is a point mass for the sampling rule. */
    public static Draft deterministic(int[] tokens) {
        return new Draft(tokens.clone(), null);
    }

    /** Tokens sampled by a draft model, {@code tokens[i]} from {@code distributions[i]}. */
    public static Draft sampled(int[] tokens, double[][] distributions) {
        return new Draft(tokens.clone(), distributions.clone());
    }

    public int length() {
        return tokens.length;
    }

    public boolean isDeterministic() {
        return distributions == null;
    }

    /** q_{position+1}(token): the probability the drafter gave {@code token} at that drafted position. */
    public double probability(int position, int token) {
        if (distributions == null) {
            return token == tokens[position] ? 1 : 0;
        }
        return distributions[position][token];
    }

    @Override
    public String toString() {
        return (isDeterministic() ? "deterministic" : "sampled") + " draft " + Arrays.toString(tokens);
    }
}
