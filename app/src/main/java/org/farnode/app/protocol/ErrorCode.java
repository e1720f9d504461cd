package org.farnode.app.protocol;

/**
 * Why a node refused a request, as sent in {@link PeerMessage.ErrorReply}. The numeric codes are
 * part of the wire protocol and never change meaning; {@link #closesConnection} says whether the
 * node hangs up after sending it (the stream can no longer be trusted, or the peer is not one
 * this node can serve at all).
 */
public enum ErrorCode {
    MALFORMED_FRAME(1, true),
    FRAME_TOO_LARGE(2, true),
    UNKNOWN_MESSAGE_TYPE(3, true),
    WRONG_PROTOCOL_VERSION(4, true),
    WRONG_MODEL(5, true),
    HANDSHAKE_REQUIRED(6, true),
    UNKNOWN_SESSION(7, false),
    SESSION_EXISTS(8, false),
    UNKNOWN_CODEC(9, false),
    WINDOW_OUT_OF_RANGE(10, false),
    BAD_HIDDEN_STATE(11, false),
    /**
     * The session's cache was wiped: it went unused for the idle timeout, or it was evicted, idle,
     * to make room for another session's window. Its message says which.
     */
    SESSION_EXPIRED(12, false),
    OUT_OF_CAPACITY(13, false),
    INTERNAL(14, false),
    /** The session's codec needs a calibration this node does not hold (none, or another one). */
    CODEC_CALIBRATION_MISMATCH(15, false),
    /** The node's operator paused it: no windows until resumed; sessions and their caches are kept. */
    NODE_PAUSED(16, false),
    /**
     * The node is leaving the network: it takes no new sessions or windows. On a session, the
     * request it refuses; on session 0, the notice that it finished the windows it had and is
     * about to hang up. Either way the gateway should move its sessions to other nodes.
     */
    NODE_LEAVING(17, false);

    private final int code;
    private final boolean closesConnection;

    ErrorCode(int code, boolean closesConnection) {
        this.code = code;
        this.closesConnection = closesConnection;
    }

    public int code() {
        return code;
    }

    public boolean closesConnection() {
        return closesConnection;
    }

    /** The code with this number; a number this version does not know is a malformed frame. */
    public static ErrorCode of(int code) {
        for (ErrorCode value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        throw new ProtocolException(MALFORMED_FRAME, "unknown error code " + code);
    }
}
