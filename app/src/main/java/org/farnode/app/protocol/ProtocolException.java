package org.farnode.app.protocol;

/** A peer broke the protocol: carries the {@link ErrorCode} the reply should say. */
public final class ProtocolException extends RuntimeException {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
