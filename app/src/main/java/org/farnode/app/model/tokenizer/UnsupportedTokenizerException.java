package org.farnode.app.model.tokenizer;

/** A well-formed tokenizer of a kind this program does not implement; the message names the supported kinds. */
public final class UnsupportedTokenizerException extends TokenizerFormatException {
    public UnsupportedTokenizerException(String message) {
        super(message);
    }
}
