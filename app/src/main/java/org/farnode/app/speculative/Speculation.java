package org.farnode.app.speculative;

/**
 * Speculation for one generation: the drafter, the draft length planned from round to round
 * ({@link DraftLengthPlanner}), and the session's statistics so far.
 */
public final class Speculation {
    private final String name;
    private final Drafter drafter;
    private final DraftLengthPlanner planner;
    private final int maxDraft;
    private long lastDraftingNanos;
    private SpeculationStats stats = SpeculationStats.none();

    public Speculation(String name, Drafter drafter, int maxDraft) {
        this(name, drafter, 0, maxDraft);
    }

    /** Drafts of {@code minDraft} to {@code maxDraft} tokens, as planned; a minimum above 0 drafts every round. */
    public Speculation(String name, Drafter drafter, int minDraft, int maxDraft) {
        this.name = name;
        this.drafter = drafter;
        this.planner = new DraftLengthPlanner(minDraft, maxDraft);
        this.maxDraft = maxDraft;
    }

    /** This speculation's drafter with drafts of at least {@code minDraft} tokens every round. */
    public Speculation withMinimumDraft(int minDraft) {
        return new Speculation(name, drafter, minDraft, maxDraft);
    }

    /** Prompt lookup (n-gram match against the text so far), drafts of at most {@code maxDraft} tokens. */
    public static Speculation promptLookup(int maxDraft) {
        return new Speculation("prompt-lookup", new PromptLookupDrafter(), maxDraft);
    }

    /**
     * A draft model run on the gateway, drafts of at most {@code maxDraft} tokens. The caller keeps
     * {@code drafter} and closes it after the generation.
     */
    public static Speculation draftModel(DraftModelDrafter drafter, int maxDraft) {
        return new Speculation("draft-model", drafter, maxDraft);
    }

    /**
     * Prompt lookup where the last 3 tokens occurred before, {@code drafter} elsewhere
     * ({@link FallbackDrafter}). The caller keeps {@code drafter} and closes it after the generation.
     */
    public static Speculation promptLookupThenDraftModel(DraftModelDrafter drafter, int maxDraft) {
        // Only 3-token matches: on stories260K a shorter match was right less often than the draft model.
        Drafter combined = new FallbackDrafter(new PromptLookupDrafter(3, 3), drafter);
        return new Speculation("prompt-lookup,draft-model", combined, maxDraft);
    }

    /** The prompt's prefill took {@code nanos} for {@code positions} positions (what a position costs on the route). */
    public void prefillMeasured(long nanos, int positions) {
        planner.prefillMeasured(nanos, positions);
    }

    /** A draft of at most {@code room} tokens after {@code history}. */
    public Draft draft(int[] history, int room) {
        int length = Math.min(room, planner.next());
        lastDraftingNanos = 0;
        if (length == 0) {
            return Draft.empty(); // nothing to draft: the drafter catches up when a round next drafts
        }
        drafter.observe(history); // catching up with the text is not part of a draft's cost per token
        long start = System.nanoTime();
        Draft draft = drafter.propose(history, length);
        lastDraftingNanos = System.nanoTime() - start;
        return draft;
    }

    /**
     * Counts a round that drafted {@code drafted} tokens and ended with {@code verdict}, its window
     * having taken {@code roundNanos} through the route and the verdict.
     */
    public void record(int drafted, Verdict verdict, long roundNanos) {
        planner.record(drafted, verdict.accepted(), lastDraftingNanos, roundNanos);
        stats = stats.plus(drafted, verdict);
    }

    public SpeculationStats stats() {
        return stats;
    }

    public String name() {
        return name;
    }
}
