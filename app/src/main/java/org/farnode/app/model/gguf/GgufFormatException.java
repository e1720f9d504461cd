package org.farnode.app.model.gguf;

/** A file that is not a readable GGUF: the message says what is wrong and where. */
public final class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }
}
