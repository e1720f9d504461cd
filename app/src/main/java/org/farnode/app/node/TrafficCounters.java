package org.farnode.app.node;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Frames' bytes in and out, windows and positions processed: kept per session and for the whole
 * node. Bytes are whole frames (length prefix included) of the peer protocol, before TLS.
 */
public final class TrafficCounters {
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong windows = new AtomicLong();
    private final AtomicLong positions = new AtomicLong();

    void received(long bytes) {
        bytesReceived.addAndGet(bytes);
    }

    void sent(long bytes) {
        bytesSent.addAndGet(bytes);
    }

    void window(int positionCount) {
        windows.incrementAndGet();
        positions.addAndGet(positionCount);
    }

    public long bytesReceived() {
        return bytesReceived.get();
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    public long windows() {
        return windows.get();
    }

    public long positions() {
        return positions.get();
    }

    @Override
    public String toString() {
        return bytesReceived() + " bytes in, " + bytesSent() + " bytes out, " + windows() + " windows, "
                + positions() + " positions";
    }
}
