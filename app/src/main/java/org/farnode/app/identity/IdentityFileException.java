package org.farnode.app.identity;

/**
 * A node identity file that exists but cannot be used: the message names the file and says what
 * is wrong with it. The identity is never regenerated over such a file, because that would
 * silently give the node a new id.
 */
public final class IdentityFileException extends RuntimeException {
    public IdentityFileException(String message) {
        super(message);
    }

    public IdentityFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
