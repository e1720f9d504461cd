package org.farnode.app.privacy;

/**
 * How much of the prompts an attack recovered: the share of positions whose token it named
 * exactly, and the share of prompts it named entirely. Position 0 is not counted: it is BOS in
 * every prompt, so naming it tells nothing.
 */
public final class RecoveryTally {
    private long positions;
    private long recoveredPositions;
    private long prompts;
    private long recoveredPrompts;

    /** Counts one prompt: {@code truth} against the attack's {@code guesses}, position for position. */
    public void add(int[] truth, int[] guesses) {
        if (truth.length != guesses.length) {
            throw new IllegalArgumentException("the attack named " + guesses.length + " tokens for a prompt of " + truth.length);
        }
        boolean whole = true;
        for (int p = 1; p < truth.length; p++) {
            positions++;
            if (truth[p] == guesses[p]) {
                recoveredPositions++;
            } else {
                whole = false;
            }
        }
        prompts++;
        if (whole) {
            recoveredPrompts++;
        }
    }

    public double tokenRate() {
        return positions == 0 ? Double.NaN : (double) recoveredPositions / positions;
    }

    public double promptRate() {
        return prompts == 0 ? Double.NaN : (double) recoveredPrompts / prompts;
    }

    public long positions() {
        return positions;
    }

    public long prompts() {
        return prompts;
    }
}
