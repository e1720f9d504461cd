package org.farnode.app.model.tokenizer;

/** Tokenizer data that cannot be used: the message says what is wrong and where. */
public class TokenizerFormatException extends RuntimeException {
    public TokenizerFormatException(String message) {
        super(message);
    }

    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
