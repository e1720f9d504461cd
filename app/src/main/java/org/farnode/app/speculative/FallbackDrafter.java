package org.farnode.app.speculative;

/**
 * Asks one drafter, then another where the first has no guess: prompt lookup where the text
 * repeats itself (free, and right often when it matches), a draft model elsewhere. Which drafter
 * proposes depends only on the history, never on the target's verdicts, so the sampling rule
 * stays exact: each round's draft carries the distribution of the drafter that made it.
 */
public final class FallbackDrafter implements Drafter {
    private final Drafter first;
    private final Drafter fallback;

    public FallbackDrafter(Drafter first, Drafter fallback) {
        this.first = first;
        this.fallback = fallback;
    }

    @Override
    public void observe(int[] history) {
        first.observe(history);
        fallback.observe(history);
    }

    @Override
    public Draft propose(int[] history, int maxLength) {
        Draft draft = first.propose(history, maxLength);
        return draft.length() > 0 ? draft : fallback.propose(history, maxLength);
    }
}
