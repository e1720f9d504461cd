package org.farnode.app.link;

import java.time.Duration;

/**
 * One direction of an emulated link: a propagation delay and a serialization rate.
 *
 * @param delayNanos    one-way propagation delay every byte waits, in nanoseconds (0 = none)
 * @param bitsPerSecond payload rate the direction is paced to; 0 means unlimited
 */
public record OneWayLink(long delayNanos, long bitsPerSecond) {

    public static final OneWayLink UNLIMITED = new OneWayLink(0, 0);

    public OneWayLink {
        if (delayNanos < 0 || delayNanos > Duration.ofSeconds(60).toNanos()) {
            throw new IllegalArgumentException("link delay must be 0..60 s, got " + delayNanos / 1e6 + " ms");
        }
        if (bitsPerSecond < 0) {
            throw new IllegalArgumentException("link rate must be 0 (unlimited) or positive, got " + bitsPerSecond + " bit/s");
        }
    }

    /** A link with {@code delayMs} milliseconds of delay and {@code mbit} Mbit/s (10^6 bit/s; 0 = unlimited). */
    public static OneWayLink of(double delayMs, double mbit) {
        if (!(delayMs >= 0) || !(mbit >= 0)) {
            throw new IllegalArgumentException("delay (ms) and rate (Mbit/s) must be 0 or more, got " + delayMs + " and " + mbit);
        }
        return new OneWayLink(Math.round(delayMs * 1e6), Math.round(mbit * 1e6));
    }

    public boolean unlimited() {
        return bitsPerSecond == 0;
    }

    /** How long {@code bytes} occupy the link: n·8/rate, in nanoseconds (0 when unlimited). */
    public long serializationNanos(long bytes) {
        // 8e9 * 64 KiB still fits a long by five orders of magnitude; chunks are never larger than that.
        return unlimited() ? 0 : bytes * 8_000_000_000L / bitsPerSecond;
    }

    /** Bytes the link carries in {@code nanos}; {@code Long.MAX_VALUE} when unlimited. */
    public long bytesIn(long nanos) {
        return unlimited() ? Long.MAX_VALUE : (long) (bitsPerSecond / 8.0 * nanos / 1e9);
    }

    public double delayMs() {
        return delayNanos / 1e6;
    }

    /** "40 ms, 20 Mbit/s" or "40 ms, unlimited". */
    public String describe() {
        return LinkFormat.millis(delayMs()) + ", " + (unlimited() ? "unlimited" : LinkFormat.rate(bitsPerSecond));
    }
}
