package org.farnode.app.protocol;

import java.nio.ByteBuffer;

/**
 * Every message of the peer protocol, one record each. The byte layout of each lives in
 * {@link MessageCodec} and in {@code docs/protocol.md}.
 *
 * <p>A connection starts with {@link Hello} from the gateway and {@link Welcome} from the node;
 * after that the gateway opens sessions and sends requests, and the node answers each request of
 * a session, in order, with its result or an {@link ErrorReply}. A session has at most one request
 * in flight, so replies are matched by session id.
 *
 * <p>{@link Ping} and {@link Pong} stand apart: a node answers a ping at once, at any time (before
 * the handshake, between a session's requests, while paused), so a pong may overtake replies the
 * node is still computing; the gateway matches it to its ping by nonce.
 */
public sealed interface PeerMessage {

    /** The current protocol version; a node refuses any other. Version 3 added {@link Ping} and {@link Pong}. */
    int PROTOCOL_VERSION = 3;

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

    /**
     * Gateway → node: start a session whose hidden states travel in codec {@code codecId}. A
     * calibrated codec (SCM) names the codebook it uses by its SHA-256, {@code calibrationHash};
     * the node refuses the session unless it holds the same one. 32 zero bytes for the others.
     */
    record OpenSession(long sessionId, int codecId, byte[] calibrationHash) implements PeerMessage {
        public static final int HASH_BYTES = 32;

        public OpenSession {
            if (calibrationHash.length != HASH_BYTES) {
                throw new IllegalArgumentException("a calibration hash is " + HASH_BYTES + " bytes, got " + calibrationHash.length);
            }
            calibrationHash = calibrationHash.clone();
        }

        /** A session in a codec that needs no calibration. */
        public OpenSession(long sessionId, int codecId) {
            this(sessionId, codecId, new byte[HASH_BYTES]);
        }

        @Override
        public byte[] calibrationHash() {
            return calibrationHash.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof OpenSession o && o.sessionId == sessionId && o.codecId == codecId
                    && java.util.Arrays.equals(o.calibrationHash, calibrationHash);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sessionId) * 31 + codecId;
        }

        @Override
        public String toString() {
            return "OpenSession[session " + sessionId + ", codec " + codecId + ", calibration "
                    + java.util.HexFormat.of().formatHex(calibrationHash).substring(0, 12) + "]";
        }
    }

    /** Node → gateway: the session exists, with an empty KV cache. */
    record SessionOpened(long sessionId, int codecId, int contextLength) implements PeerMessage {
    }

    /**
     * Gateway → node: run positions {@code [startPosition, startPosition + positions)} through the
     * node's layers; {@code payload} holds their hidden states in codec {@code codecId}.
     */
    record Forward(long sessionId, int startPosition, int positions, int codecId, byte[] payload)
            implements PeerMessage, Window {
        public Forward {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public int payloadLength() {
            return payload.length;
        }

        @Override
        public ByteBuffer payloadView() {
            return ByteBuffer.wrap(payload).asReadOnlyBuffer();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Forward f && Window.same(this, f);
        }

        @Override
        public int hashCode() {
            return Window.hash(this);
        }

        @Override
        public String toString() {
            return Window.describe("Forward", this);
        }
    }

    /** Node → gateway: the hidden states after the node's layers, same window, same codec. */
    record ForwardResult(long sessionId, int startPosition, int positions, int codecId, byte[] payload)
            implements PeerMessage, Window {
        public ForwardResult {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public int payloadLength() {
            return payload.length;
        }

        @Override
        public ByteBuffer payloadView() {
            return ByteBuffer.wrap(payload).asReadOnlyBuffer();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ForwardResult f && Window.same(this, f);
        }

        @Override
        public int hashCode() {
            return Window.hash(this);
        }

        @Override
        public String toString() {
            return Window.describe("ForwardResult", this);
        }
    }

    /**
     * What {@link Forward} and {@link ForwardResult} share: a window of positions and its encoded
     * hidden states. The payload can be read without a copy, for framing on the hot path.
     */
    sealed interface Window permits Forward, ForwardResult {
        long sessionId();

        int startPosition();

        int positions();

        int codecId();

        /** A copy of the encoded hidden states. */
        byte[] payload();

        int payloadLength();

        /** The encoded hidden states, read-only and not copied. */
        ByteBuffer payloadView();

        static boolean same(Window a, Window b) {
            return a.sessionId() == b.sessionId() && a.startPosition() == b.startPosition() && a.positions() == b.positions()
                    && a.codecId() == b.codecId() && a.payloadView().equals(b.payloadView());
        }

        static int hash(Window w) {
            return Long.hashCode(w.sessionId()) * 31 + w.startPosition() * 17 + w.positions() + w.payloadView().hashCode();
        }

        static String describe(String kind, Window w) {
            return kind + "[session " + w.sessionId() + ", positions " + w.startPosition() + "+" + w.positions() + ", codec "
                    + w.codecId() + ", " + w.payloadLength() + " bytes]";
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

    /**
     * Gateway → node: measure the round trip. Carries nothing but a {@code nonce} of the gateway's
     * choosing, which the {@link Pong} returns.
     */
    record Ping(long nonce) implements PeerMessage {
        @Override
        public long sessionId() {
            return 0;
        }
    }

    /** Node → gateway: the answer to the {@link Ping} with the same {@code nonce}, sent as soon as the ping is read. */
    record Pong(long nonce) implements PeerMessage {
        @Override
        public long sessionId() {
            return 0;
        }
    }

    /** Node → gateway: a request failed; {@code sessionId} 0 when it concerns the connection. */
    record ErrorReply(long sessionId, ErrorCode code, String message) implements PeerMessage {
    }
}
