package org.farnode.app.speculative;

/** Proposes the tokens the target model is likely to produce next; runs on the gateway. */
public interface Drafter {

    /**
     * Up to {@code maxLength} tokens to follow {@code history} (prompt and generated tokens so far,
     * oldest first). May return fewer, or {@link Draft#empty()} when it has no guess.
     */
    Draft propose(int[] history, int maxLength);

    /**
     * Catches up with {@code history} before a round, whether or not the round drafts: a drafter
     * with state (a draft model's KV cache) runs the tokens it has not seen yet here, so that the
     * time of {@link #propose} is the time of drafting alone, and a round that drafts nothing still
     * keeps the drafter in step with the text.
     */
    default void observe(int[] history) {
    }
}
