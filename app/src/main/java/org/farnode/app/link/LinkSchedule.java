package org.farnode.app.link;

/**
 * When each chunk of one direction reaches the far side, the way a real link decides it: a chunk
 * waits for the chunks ahead of it to leave (queueing), occupies the link for n·8/rate
 * (serialization), then travels for the delay (propagation). Times are {@link System#nanoTime()}
 * values; one schedule serves one direction of one connection, from a single thread.
 */
final class LinkSchedule {
    private final OneWayLink link;
    /** When the last scheduled chunk finished serializing: the next one cannot start earlier. */
    private long linkFreeAtNanos = Long.MIN_VALUE;

    LinkSchedule(OneWayLink link) {
        this.link = link;
    }

    /** Schedules {@code bytes} that arrived at {@code arrivedNanos}; returns when they may be delivered. */
    long releaseNanos(long arrivedNanos, int bytes) {
        long start = Math.max(arrivedNanos, linkFreeAtNanos);
        long finish = start + link.serializationNanos(bytes);
        linkFreeAtNanos = finish;
        return finish + link.delayNanos();
    }
}
