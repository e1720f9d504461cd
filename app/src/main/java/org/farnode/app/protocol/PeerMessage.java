package org.farnode.app.protocol;

import java.util.Arrays;

/**
 * Every message of the peer protocol, one record each. The byte layout of each lives in
 * {@link MessageCodec} and in {@code docs/protocol.md}.
 *
 * <p>A connection starts with {@link Hello} from the gateway and {@link Welcome} from the node;
 * after that the gateway opens sessions and sends requests, and the node answers each request of
 * a session, in order, with its result or an {@link ErrorReply}. A session has at most one request
 * in flight, so replies are matched by session id.
 */
public sealed interface PeerMessage {

    /** The current protocol version; a node refuses any other. */
    int PROTOCOL_VERSION = 1;

    /** The session this message belongs to, or 0 for connection-level messages. */
    long sessionId();

    /** Gateway → node: the first message on a connection. */
    record Hello(int protocolVersion, ModelId modelId) implements PeerMessage {
        @Override
        public long sessionId() {
            return 0;
        }
    }

    /** Node → gateway: the answer to {@link Hello}, describing what this node serves. */
    record Welcome(int protocolVersion, String nodeId, ModelId modelId, int firstLayer, int endLayer,
                   String backend, long freeKvBytes, int openSessions) implements PeerMessage {
        @Override
        public long sessionId() {
            return 0;
        }
    }

    /** Gateway → node: start a session whose hidden states travel in codec {@code codecId}. */
    record OpenSession(long sessionId, int codecId) implements PeerMessage {
    }

    /** Node → gateway: the session exists, with an empty KV cache. */
    record SessionOpened(long sessionId, int codecId, int contextLength) implements PeerMessage {
    }

    /**
     * Gateway → node: run positions {@code [startPosition, startPosition + positions)} through the
     * node's layers; {@code payload} holds their hidden states in codec {@code codecId}.
     */
    record Forward(long sessionId, int startPosition, int positions, int codecId, byte[] payload)
            implements PeerMessage {
        public Forward {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Forward f && f.sessionId == sessionId && f.startPosition == startPosition
                    && f.positions == positions && f.codecId == codecId && Arrays.equals(f.payload, payload);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sessionId) * 31 + startPosition * 17 + positions + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Forward[session " + sessionId + ", positions " + startPosition + "+" + positions + ", codec "
                    + codecId + ", " + payload.length + " bytes]";
        }
    }

    /** Node → gateway: the hidden states after the node's layers, same window, same codec. */
    record ForwardResult(long sessionId, int startPosition, int positions, int codecId, byte[] payload)
            implements PeerMessage {
        public ForwardResult {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ForwardResult f && f.sessionId == sessionId && f.startPosition == startPosition
                    && f.positions == positions && f.codecId == codecId && Arrays.equals(f.payload, payload);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sessionId) * 31 + startPosition * 17 + positions + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "ForwardResult[session " + sessionId + ", positions " + startPosition + "+" + positions
                    + ", codec " + codecId + ", " + payload.length + " bytes]";
        }
    }

    /** Gateway → node: forget cached positions at and after {@code length} (rejected speculation). */
    record Truncate(long sessionId, int length) implements PeerMessage {
    }

    /** Node → gateway: the cache now holds {@code length} positions. */
    record Truncated(long sessionId, int length) implements PeerMessage {
    }

    /** Gateway → node: end the session and wipe its cache. */
    record CloseSession(long sessionId) implements PeerMessage {
    }

    /**
     * Node → gateway: the session is gone. Carries the node's count of the session's traffic:
     * every frame of the session it received and sent, up to and including {@link CloseSession}
     * (this reply excluded), so the gateway can check both ends saw the same bytes.
     */
    record SessionClosed(long sessionId, long bytesReceived, long bytesSent, int windows, long positions)
            implements PeerMessage {
    }

    /** Node → gateway: a request failed; {@code sessionId} 0 when it concerns the connection. */
    record ErrorReply(long sessionId, ErrorCode code, String message) implements PeerMessage {
    }
}
