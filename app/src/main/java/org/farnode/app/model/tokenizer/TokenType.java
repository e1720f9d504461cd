package org.farnode.app.model.tokenizer;

/** The token types of GGUF {@code tokenizer.ggml.token_type}, with their stored codes. */
public enum TokenType {
    /** Code 0: no type given; treated like {@link #NORMAL}. */
    UNDEFINED(0),
    /** Code 1: an ordinary piece of text. */
    NORMAL(1),
    /** Code 2: the unknown token ({@code <unk>}). */
    UNKNOWN(2),
    /** Code 3: a control token such as BOS or EOS; it has no text. */
    CONTROL(3),
    /** Code 4: a piece the encoder keeps whole wherever its text occurs. */
    USER_DEFINED(4),
    /** Code 5: a reserved piece the encoder never produces. */
    UNUSED(5),
    /** Code 6: one raw byte, written {@code <0xNN>}. */
    BYTE(6);

    private static final TokenType[] BY_CODE = values();

    private final int code;

    TokenType(int code) {
        this.code = code;
    }

    /** The code stored in GGUF. */
    public int code() {
        return code;
    }

    /** The type stored as {@code code}; throws {@link TokenizerFormatException} for an unknown code. */
    public static TokenType ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new TokenizerFormatException("token type code " + code + " is not one of 0..6");
        }
        return BY_CODE[code];
    }

    /** Whether tokens of this type stand for text that the encoder may produce by merging. */
    boolean isMergeable() {
        return this == NORMAL || this == UNDEFINED || this == USER_DEFINED;
    }
}
