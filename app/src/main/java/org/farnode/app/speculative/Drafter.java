package org.farnode.app.speculative;

/** Proposes the tokens the target model is likely to produce next; runs on the gateway. */
public interface Drafter {

    /**
     * Up to {@code maxLength} tokens to follow {@code history} (prompt and generated tokens so far,
     * oldest first). May return fewer, or {@link Draft#empty()} when it has no guess.
     */
    Draft propose(int[] history, int maxLength);
}
