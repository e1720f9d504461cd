package org.farnode.app.model;

/** A model file that is readable but cannot be used: the message says what is wrong and what is allowed. */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }
}
