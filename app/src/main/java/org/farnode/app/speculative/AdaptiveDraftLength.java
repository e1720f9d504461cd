package org.farnode.app.speculative;

/**
 * How many tokens to draft next round, from how the last round went. A round whose drafts were
 * all accepted suggests the drafter is on a run (repeated text), so try one more; a round that
 * kept fewer than half wasted most of the window's compute on the peers, so try one fewer.
 * Otherwise keep the length. Always within {@code [1, maxLength]}.
 *
 * <p>The last round alone is the "recent acceptance rate": text switches between copying and
 * free writing abruptly, and a step of one per round already smooths the response.
 * A round with nothing drafted (the drafter had no guess) says nothing about the length and
 * changes nothing.
 */
public final class AdaptiveDraftLength {
    private final int maxLength;
    private int length;

    public AdaptiveDraftLength(int initialLength, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("the longest draft must be >= 1, got " + maxLength);
        }
        if (initialLength < 1 || initialLength > maxLength) {
            throw new IllegalArgumentException("the first draft length must be in [1, " + maxLength + "], got " + initialLength);
        }
        this.maxLength = maxLength;
        this.length = initialLength;
    }

    /** The draft length for the next round. */
    public int next() {
        return length;
    }

    /** Adjusts the length after a round that drafted {@code drafted} tokens and accepted {@code accepted} of them. */
    public void record(int drafted, int accepted) {
        if (drafted < 0 || accepted < 0 || accepted > drafted) {
            throw new IllegalArgumentException("need 0 <= accepted <= drafted, got " + accepted + " of " + drafted);
        }
        if (drafted == 0) {
            return;
        }
        if (accepted == drafted) {
            length = Math.min(maxLength, length + 1);
        } else if (2 * accepted < drafted) {
            length = Math.max(1, length - 1);
        }
    }
}
