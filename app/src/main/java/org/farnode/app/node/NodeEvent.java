package org.farnode.app.node;

import java.time.Instant;

/**
 * Something that happened on a node, for its operator's log: when, what kind, and a short
 * sentence that names the gateway's address (and, for an error, its code and cause).
 */
public record NodeEvent(Instant time, Kind kind, String message) {

    public enum Kind {
        PEER_CONNECTED,
        PEER_DISCONNECTED,
        /**
         * A connection refused by the per-address limits ({@link ConnectionLimits}), or closed for
         * not completing its handshake in time.
         */
        CONNECTION_REFUSED,
        SESSION_OPENED,
        /** Closed by its gateway, or wiped because its connection ended. */
        SESSION_CLOSED,
        /** Wiped after the idle timeout without use. */
        SESSION_EXPIRED,
        /** The node refused a request with an error reply, or dropped a connection after a failure. */
        ERROR,
        PAUSED,
        RESUMED,
        /** Wiped while idle to make room in the KV budget for another session's window. */
        SESSION_EVICTED,
        /** The node is leaving: it takes no new sessions or windows, finishes those it has, then tells its gateways. */
        LEAVING
    }
}
