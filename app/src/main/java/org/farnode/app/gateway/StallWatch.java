package org.farnode.app.gateway;

import java.util.OptionalLong;

/**
 * A hop node's measured speed, and the deadline it sets for the next window: the time per position
 * of its answers so far (an exponential average, so a node that becomes slower is learned, and
 * one slow answer does not dominate), times the window's positions, times the policy's factor.
 * Not thread-safe: used under its hop's lock.
 */
final class StallWatch {
    /** Weight of the newest answer in the average. */
    private static final double SMOOTHING = 0.2;
    private final StallPolicy policy;
    private int measured;
    private double nanosPerPosition;

    StallWatch(StallPolicy policy) {
        this.policy = policy;
    }

    /** The node answered a window of {@code positions} positions {@code nanos} after it was sent. */
    void answered(int positions, long nanos) {
        double perPosition = (double) nanos / positions;
        nanosPerPosition = measured == 0 ? perPosition : nanosPerPosition + SMOOTHING * (perPosition - nanosPerPosition);
        measured++;
    }

    /** How long to wait for a window of {@code positions} before calling the node stalled; none while still learning. */
    OptionalLong deadlineNanos(int positions) {
        if (measured < policy.warmupWindows()) {
            return OptionalLong.empty();
        }
        double predicted = nanosPerPosition * positions * policy.factor();
        return OptionalLong.of(Math.max(policy.floor().toNanos(), (long) Math.min(Long.MAX_VALUE / 2.0, predicted)));
    }

    /** Milliseconds per position, as measured so far (for messages). */
    double millisPerPosition() {
        return nanosPerPosition / 1e6;
    }
}
