package org.farnode.app.speculative;

/**
 * How many tokens to draft next round: the length that makes the most tokens per second, from
 * what the session has measured. A round that sends k drafts returns 1 + α + α² + … + α^k tokens
 * on average, where α is the chance that a draft stands given the ones before it stood, and takes
 * a + b·(k + 1) + d·k: a, the trip's fixed cost (the links' latency, each hop's per-window
 * overhead); b, each position's cost on the hops; d, drafting one token on the gateway. Across the
 * internet a is hundreds of milliseconds and b is a millisecond, so long drafts pay even when most
 * are rejected; in one process a is a millisecond and b is comparable, so only drafts likely to
 * stand are worth sending. One rule covers both.
 *
 * <p>Estimates: α from the rounds' outcomes (a draft that stood is a success, the first rejected
 * one a failure; drafts after it were never judged), weighted towards recent rounds, as text
 * switches between copying and free writing; b from the prompt's prefill (its time per position,
 * which with the trip's latency spread over the prompt overstates b, so errs towards shorter
 * drafts); a from each round's time less b's share; d from the drafter's time per drafted token.
 */
public final class DraftLengthPlanner {
    /** The first rounds' length, before any round has been measured. */
    private static final int INITIAL_LENGTH = 4;
    /** Weight of the past in the running estimates: about the last ten rounds count. */
    private static final double DECAY = 0.9;
    /** α never quite reaches 1: a run of accepted drafts ends some time. */
    private static final double MAX_ACCEPTANCE = 0.99;
    /** While drafting does not pay, one round in this many still drafts a token, to notice when it starts to. */
    private static final int PROBE_EVERY = 8;

    private final int minLength;
    private final int maxLength;
    // α's estimate: successes over trials, starting from one of each (α = 0.5 before any round).
    private double successes = 1;
    private double trials = 2;
    private double fixedNanos = Double.NaN;
    private double positionNanos;
    private double draftTokenNanos;
    private int roundsWithoutDrafts;

    public DraftLengthPlanner(int maxLength) {
        this(0, maxLength);
    }

    /** Plans lengths in [{@code minLength}, {@code maxLength}]; a minimum above 0 drafts every round, whether it pays or not. */
    public DraftLengthPlanner(int minLength, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("the longest draft must be >= 1, got " + maxLength);
        }
        if (minLength < 0 || minLength > maxLength) {
            throw new IllegalArgumentException("the shortest draft must be in [0, " + maxLength + "], got " + minLength);
        }
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    /** The prompt's prefill took {@code nanos} for {@code positions} positions: b's estimate. */
    public void prefillMeasured(long nanos, int positions) {
        if (nanos < 0 || positions < 1) {
            throw new IllegalArgumentException("need a prefill time >= 0 over >= 1 positions, got " + nanos + " ns over " + positions);
        }
        positionNanos = (double) nanos / positions;
    }

    /**
     * A round drafted {@code drafted} tokens in {@code draftingNanos}, kept {@code accepted} of
     * them, and spent {@code roundNanos} sending its window of {@code drafted + 1} positions through
     * the route and judging it.
     */
    public void record(int drafted, int accepted, long draftingNanos, long roundNanos) {
        if (drafted < 0 || accepted < 0 || accepted > drafted || draftingNanos < 0 || roundNanos < 0) {
            throw new IllegalArgumentException("need 0 <= accepted <= drafted and times >= 0, got " + accepted + " of " + drafted
                    + ", " + draftingNanos + " and " + roundNanos + " ns");
        }
        if (drafted > 0) {
            roundsWithoutDrafts = 0;
            successes = DECAY * successes + accepted;
            trials = DECAY * trials + accepted + (accepted < drafted ? 1 : 0);
            double perToken = (double) draftingNanos / drafted;
            draftTokenNanos = draftTokenNanos == 0 ? perToken : DECAY * draftTokenNanos + (1 - DECAY) * perToken;
        }
        double fixed = Math.max(0, roundNanos - positionNanos * (drafted + 1));
        fixedNanos = Double.isNaN(fixedNanos) ? fixed : DECAY * fixedNanos + (1 - DECAY) * fixed;
    }

    /**
     * The draft length for the next round, in [min, max]: 0 where no draft is expected to pay for
     * itself (a drafter that is almost never right, or one slower than the trip it saves), except
     * for an occasional round of 1, so that a change in the text can show.
     */
    public int next() {
        if (Double.isNaN(fixedNanos)) {
            return Math.max(minLength, Math.min(INITIAL_LENGTH, maxLength));
        }
        double alpha = acceptance();
        int best = 0;
        double bestRate = 1 / (fixedNanos + positionNanos);
        double expectedTokens = 1;
        double standing = 1;
        for (int k = 1; k <= maxLength; k++) {
            standing *= alpha;
            expectedTokens += standing;
            double rate = expectedTokens / (fixedNanos + positionNanos * (k + 1) + draftTokenNanos * k);
            if (rate > bestRate) {
                best = k;
                bestRate = rate;
            }
        }
        if (best == 0 && ++roundsWithoutDrafts % PROBE_EVERY == 0) {
            best = 1;
        }
        return Math.max(minLength, best);
    }

    /** The current estimate of α, the chance that a draft stands given the ones before it did. */
    public double acceptance() {
        return Math.min(MAX_ACCEPTANCE, successes / trials);
    }
}
