package org.farnode.app.peer;

/**
 * What the gateway saw of one session on one hop: bytes of every frame it sent and received for
 * the session (the node's {@code SessionClosed} reply excluded, as the node counts it), windows
 * and positions sent, and time spent waiting for results.
 */
public record HopTraffic(long bytesSent, long bytesReceived, int windows, long positions, long waitNanos) {

    /** Positions per second of waiting on this hop: its share of the route's speed. */
    public double positionsPerSecond() {
        return waitNanos == 0 ? 0 : positions / (waitNanos / 1e9);
    }
}
