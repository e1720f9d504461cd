package org.farnode.app.model.tokenizer;

import java.util.Arrays;
import java.util.Objects;

/**
 * The token table of a model: for each id its text ("piece"), score and {@link TokenType}.
 *
 * <p>Immutable; the constructor copies its arrays and checks that they have the same, non-zero length.
 */
public final class Vocabulary {
    private final String[] pieces;
    private final float[] scores;
    private final TokenType[] types;

    /** Throws {@link TokenizerFormatException} when the arrays differ in length, are empty, or hold nulls. */
    public Vocabulary(String[] pieces, float[] scores, TokenType[] types) {
        Objects.requireNonNull(pieces, "pieces");
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(types, "types");
        if (pieces.length == 0) {
            throw new TokenizerFormatException("the vocabulary has no tokens");
        }
        if (scores.length != pieces.length || types.length != pieces.length) {
            throw new TokenizerFormatException("the vocabulary has " + pieces.length + " tokens but "
                    + scores.length + " scores and " + types.length + " token types; the counts must match");
        }
        for (int id = 0; id < pieces.length; id++) {
            if (pieces[id] == null || types[id] == null) {
                throw new TokenizerFormatException("token " + id + " has no " + (pieces[id] == null ? "text" : "type"));
            }
        }
        this.pieces = pieces.clone();
        this.scores = scores.clone();
        this.types = types.clone();
    }

    public int size() {
        return pieces.length;
    }

    public String piece(int id) {
        return pieces[checkId(id)];
    }

    public float score(int id) {
        return scores[checkId(id)];
    }

    public TokenType type(int id) {
        return types[checkId(id)];
    }

    /** {@code id} itself, or an {@link IllegalArgumentException} naming the valid range. */
    public int checkId(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (pieces.length - 1) + ")");
        }
        return id;
    }

    /** The number of tokens of {@code type}. */
    public long count(TokenType type) {
        return Arrays.stream(types).filter(t -> t == type).count();
    }
}
