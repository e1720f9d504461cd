package org.farnode.app.node;

import java.time.Instant;

/**
 * One gateway connection as its node sees it at one moment: the gateway's {@code host:port},
 * when it connected, its open sessions, and its traffic in frame bytes (as {@link TrafficCounters}
 * counts them: handshake and session frames, pings excluded), windows and positions computed,
 * and how the link is protected ({@code security}: TLS protocol and cipher suite).
 */
public record ConnectionStats(String remoteAddress, String security, Instant connectedAt, int openSessions, long bytesReceived,
                              long bytesSent, long windows, long positions) {
}
