package org.farnode.app.peer;

import org.farnode.app.protocol.ErrorCode;

/** A peer failed the gateway: it refused a request, hung up, or did not answer in time. */
public final class PeerException extends RuntimeException {
    private final ErrorCode code;

    public PeerException(String message, ErrorCode code) {
        super(message);
        this.code = code;
    }

    public PeerException(String message, Throwable cause) {
        super(message, cause);
        this.code = null;
    }

    /** The node's error code, or null when the failure was not a reply (lost connection, timeout). */
    public ErrorCode code() {
        return code;
    }
}
