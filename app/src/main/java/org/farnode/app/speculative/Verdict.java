package org.farnode.app.speculative;

/**
 * The outcome of verifying one draft window.
 *
 * @param accepted how many drafted tokens were kept (a prefix of the draft)
 * @param emitted  the tokens to append to the output: the kept drafts, then one token of the
 *                 target's own (the correction at the first rejection, or the bonus token after a
 *                 fully accepted draft); always {@code accepted + 1} tokens
 */
public record Verdict(int accepted, int[] emitted) {

    public Verdict {
        if (emitted.length != accepted + 1) {
            throw new IllegalArgumentException("a verdict emits the accepted drafts and one more token: "
                    + accepted + " accepted, " + emitted.length + " emitted");
        }
    }

    /**
     * How many cached positions the peers drop: the window held the last emitted token and the
     * {@code drafted} drafts; the positions after the last accepted draft are rejected.
     */
    public int rejected(int drafted) {
        return drafted - accepted;
    }
}
