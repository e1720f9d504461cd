package org.farnode.backend.ops;

/**
 * Which two values of a head one rotary pair rotates together, for a rope dimension {@code d}.
 */
public enum RopeStyle {
    /** Adjacent values: pair {@code i} is {@code (2i, 2i+1)} (Llama, Mistral). */
    INTERLEAVED,
    /** Halves: pair {@code i} is {@code (i, i + d/2)} (GPT-NeoX, Qwen2). */
    NEOX;

    /** Index within the head of the first value of pair {@code pair}. */
    public int first(int pair, int ropeDimension) {
        return this == INTERLEAVED ? 2 * pair : pair;
    }

    /** Index within the head of the second value of pair {@code pair}. */
    public int second(int pair, int ropeDimension) {
        return this == INTERLEAVED ? 2 * pair + 1 : pair + ropeDimension / 2;
    }
}
