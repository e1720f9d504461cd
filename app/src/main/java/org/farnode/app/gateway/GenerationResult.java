package org.farnode.app.gateway;

/**
 * What one generation did: the ids it produced, why it stopped, and its timing
 * (prefill = pushing the prompt through the route; decode = one position per step).
 */
public record GenerationResult(int[] promptTokens, int[] generatedTokens, StopReason stopReason,
                               long prefillNanos, long decodeNanos) {

    public enum StopReason { END_OF_TEXT, MAX_TOKENS, CONTEXT_FULL }

    /** Prompt positions per second during prefill. */
    public double prefillTokensPerSecond() {
        return prefillNanos == 0 ? 0 : promptTokens.length * 1e9 / prefillNanos;
    }

    /**
     * Tokens per second during decode: every generated token after the first needs one decode step
     * (the first comes from the prefill's last logits).
     */
    public double decodeTokensPerSecond() {
        int steps = Math.max(0, generatedTokens.length - 1);
        return decodeNanos == 0 ? 0 : steps * 1e9 / decodeNanos;
    }
}
