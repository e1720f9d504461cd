package org.farnode.app.node;

import java.util.concurrent.TimeUnit;

/**
 * Whether a node still takes requests, and how many of those it took are not done yet: what a
 * node that is leaving waits for before it tells its gateways. Requests that come after it
 * stopped taking them are not counted; they are answered with a refusal in their turn.
 */
final class Admission {
    private boolean closed;
    private int pending;

    /** Counts a request that has just arrived, unless the node has stopped taking them: then returns false. */
    synchronized boolean admit() {
        if (closed) {
            return false;
        }
        pending++;
        return true;
    }

    /** An admitted request is done, answered or dropped. */
    synchronized void done() {
        pending--;
        notifyAll();
    }

    /** From now on {@link #admit} refuses. */
    synchronized void close() {
        closed = true;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Admitted requests not yet done. */
    synchronized int pending() {
        return pending;
    }

    /** Waits until every admitted request is done or {@code timeoutNanos} have passed; true when all are done. */
    synchronized boolean awaitDone(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (pending > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
