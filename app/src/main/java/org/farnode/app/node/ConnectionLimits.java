package org.farnode.app.node;

import java.time.Duration;

/**
 * What one remote address may ask of a node's listener, against connection floods and slow-loris
 * clients. An address is an IPv4 address or an IPv6 /64 (one host usually holds a whole /64, so
 * counting single IPv6 addresses would limit nothing).
 *
 * @param maxPerAddress          connections one address may hold open at once; one more is refused
 * @param maxNewPerSecond        new connections one address may open per second: a bucket of this many,
 *                               refilled at this rate, so a burst of up to this many passes at once
 * @param handshakeTimeout       time from accepting a connection to the node's Welcome (TLS, then the
 *                               gateway's Hello); a connection that has not got that far is closed
 */
public record ConnectionLimits(int maxPerAddress, int maxNewPerSecond, Duration handshakeTimeout) {
    /**
     * A gateway opens one connection per session to each node of its route, so one gateway's
     * address holds as many connections as it has sessions on this node: the default leaves room
     * for a busy gateway (the 32-session soak of docs/performance.md holds 32), and still stops
     * one address from holding thousands.
     */
    public static final int DEFAULT_MAX_PER_ADDRESS = 256;
    /** Room for a gateway starting its sessions together (32 in the soak), not for a flood. */
    public static final int DEFAULT_MAX_NEW_PER_SECOND = 64;
    public static final int DEFAULT_HANDSHAKE_TIMEOUT_SECONDS = 10;

    public ConnectionLimits {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("the connections one address may hold open must be at least 1, got " + maxPerAddress);
        }
        if (maxNewPerSecond < 1) {
            throw new IllegalArgumentException("the new connections one address may open per second must be at least 1, got "
                    + maxNewPerSecond);
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the handshake timeout must be positive, got " + handshakeTimeout);
        }
    }

    /** 256 open connections per address, 64 new ones per second, 10 s to complete the handshake. */
    public static ConnectionLimits defaults() {
        return new ConnectionLimits(DEFAULT_MAX_PER_ADDRESS, DEFAULT_MAX_NEW_PER_SECOND,
                Duration.ofSeconds(DEFAULT_HANDSHAKE_TIMEOUT_SECONDS));
    }
}
