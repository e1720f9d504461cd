package org.farnode.app.node;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The share of time a node's compute thread may work under full load, in percent. After it
 * answers a window, having worked for {@code t} since its last rest, the compute thread rests
 * {@code t × (100 − p) / p} before its next turn, so that over a busy stretch it works {@code p}%
 * of the time and the GPU (or CPU) is left to the operator's other programs the rest. At 100% it
 * never rests.
 *
 * <p>The rest is a wait on the compute thread (what is queued behind it waits), but it
 * ends early when the share changes, so a new share applies from the next window on, and when
 * {@code stopResting} says so (the node was paused, or is leaving), so that waiting windows get
 * their refusal, or their turn, at once rather than after the rest.
 */
final class ComputeShare {
    private final Object lock = new Object();
    private final BooleanSupplier stopResting;
    private volatile int percent = 100;

    /** @param stopResting checked whenever the rest is woken: true ends it at once */
    ComputeShare(BooleanSupplier stopResting) {
        this.stopResting = stopResting;
    }

    int percent() {
        return percent;
    }

    /** Sets the share; a rest in progress is measured again against the new share. */
    void setPercent(int newPercent) {
        if (newPercent < 1 || newPercent > 100) {
            throw new IllegalArgumentException("the compute share must be 1 to 100 percent of the time, got " + newPercent);
        }
        synchronized (lock) {
            percent = newPercent;
            lock.notifyAll();
        }
    }

    /** Makes a rest in progress check {@code stopResting} now rather than when it ends. */
    void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** How long to rest after {@code workNanos} of work at {@code percent}. */
    static long restNanos(long workNanos, int percent) {
        if (percent >= 100 || workNanos <= 0) {
            return 0;
        }
        return workNanos * (100 - percent) / percent; // no overflow below some years of work
    }

    /**
     * Rests, on the calling thread, as long as the share asks after {@code workNanos} of work
     * that has just ended. Returns early when the thread is interrupted (keeping its interrupt
     * status), which is how the node's close ends it.
     */
    void restAfter(long workNanos) {
        long restStart = System.nanoTime();
        synchronized (lock) {
            while (!stopResting.getAsBoolean()) {
                long left = restNanos(workNanos, percent) - (System.nanoTime() - restStart);
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
