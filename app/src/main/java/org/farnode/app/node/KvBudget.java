package org.farnode.app.node;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The node-wide bound on KV cache memory: every cached position of every session costs
 * {@code bytesPerPosition} (keys and values of all the node's layers, as floats).
 */
final class KvBudget {
    private final long limitBytes;
    private final long bytesPerPosition;
    private final AtomicLong usedBytes = new AtomicLong();

    KvBudget(long limitBytes, long bytesPerPosition) {
        this.limitBytes = limitBytes;
        this.bytesPerPosition = bytesPerPosition;
    }

    /** Takes room for {@code positions} more cached positions, or returns false when it is not there. */
    boolean tryReserve(int positions) {
        long bytes = positions * bytesPerPosition;
        while (true) {
            long used = usedBytes.get();
            if (used + bytes > limitBytes) {
                return false;
            }
            if (usedBytes.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    void release(int positions) {
        usedBytes.addAndGet(-positions * bytesPerPosition);
    }

    long freeBytes() {
        return limitBytes - usedBytes.get();
    }

    long limitBytes() {
        return limitBytes;
    }

    long bytesPerPosition() {
        return bytesPerPosition;
    }
}
