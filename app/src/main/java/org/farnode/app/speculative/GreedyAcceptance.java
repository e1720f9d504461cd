package org.farnode.app.speculative;

import org.farnode.app.gateway.Sampler;

/**
 * Greedy verification. The window sent through the pipeline is the last emitted token followed by
 * the drafts d_1..d_k, so its k + 1 rows of logits give t_0 = the target's argmax after the history
 * and t_i = its argmax after d_1..d_i. Draft d_i stands iff d_i == t_{i-1} and every earlier draft
 * stood; then t_accepted is appended, the token plain greedy decoding would produce next.
 * Every emitted token is therefore an argmax of the target after the tokens before it: the output
 * is exactly plain greedy output, only produced in fewer round trips.
 */
public final class GreedyAcceptance {
    private GreedyAcceptance() {
    }

    /**
     * @param drafted      d_1..d_k
     * @param targetArgmax t_0..t_k, the target's argmax after the history and after each draft
     */
    public static Verdict accept(int[] drafted, int[] targetArgmax) {
        if (targetArgmax.length != drafted.length + 1) {
            throw new IllegalArgumentException("verifying " + drafted.length + " drafts needs " + (drafted.length + 1)
                    + " target tokens, got " + targetArgmax.length);
        }
        int accepted = 0;
        while (accepted < drafted.length && drafted[accepted] == targetArgmax[accepted]) {
            accepted++;
        }
        int[] emitted = new int[accepted + 1];
        System.arraycopy(drafted, 0, emitted, 0, accepted);
        emitted[accepted] = targetArgmax[accepted];
        return new Verdict(accepted, emitted);
    }

    /**
     * {@link #accept(int[], int[])} from the window's logits: {@code (k + 1) × vocab} values, row i
     * after the history and d_1..d_i. Argmax as {@link Sampler#argmax} (first on ties), so the
     * result matches the non-speculative greedy path token for token.
     */
    public static Verdict accept(int[] drafted, float[] windowLogits, int vocab) {
        int rows = drafted.length + 1;
        if (windowLogits.length != rows * vocab) {
            throw new IllegalArgumentException("verifying " + drafted.length + " drafts needs " + rows + " rows of "
                    + vocab + " logits, got " + windowLogits.length + " values");
        }
        int[] argmax = new int[rows];
        for (int row = 0; row < rows; row++) {
            argmax[row] = Sampler.argmax(windowLogits, row * vocab, vocab);
        }
        return accept(drafted, argmax);
    }
}
