package org.farnode.app.model.tokenizer;

/** The ids of the beginning-of-sequence, end-of-sequence and unknown tokens; {@code unknown} may be {@link #NONE}. */
public record SpecialTokens(int bos, int eos, int unknown) {
    /** The unknown id of a vocabulary that has no unknown token (byte-level BPE covers every byte). */
    public static final int NONE = -1;

    /** The SentencePiece/Llama convention: {@code <unk>} 0, {@code <s>} 1, {@code </s>} 2. */
    public static final SpecialTokens LLAMA_DEFAULTS = new SpecialTokens(1, 2, 0);

    /** Throws {@link TokenizerFormatException} when an id is outside {@code vocabulary}. */
    void checkAgainst(Vocabulary vocabulary) {
        check("BOS", bos, vocabulary);
        check("EOS", eos, vocabulary);
        if (unknown != NONE) {
            check("unknown", unknown, vocabulary);
        }
    }

    private static void check(String what, int id, Vocabulary vocabulary) {
        if (id < 0 || id >= vocabulary.size()) {
            throw new TokenizerFormatException("the " + what + " token id " + id + " is outside the vocabulary (0.."
                    + (vocabulary.size() - 1) + ")");
        }
    }
}
