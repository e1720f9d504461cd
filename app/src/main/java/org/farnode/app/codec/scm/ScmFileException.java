package org.farnode.app.codec.scm;

/**
 * Bytes that are not a usable .scm codebook, or a codebook calibrated on another model: the
 * message names the file (when there is one), says what is wrong and what is allowed. Unchecked,
 * like {@link org.farnode.app.model.ModelLoadException}: the caller can only report it.
 */
public final class ScmFileException extends RuntimeException {
    public ScmFileException(String message) {
        super(message);
    }

    public ScmFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
