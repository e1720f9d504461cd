package org.farnode.app.bench;

import java.util.List;
import java.util.Optional;

/**
 * Whether one process's memory stayed flat through a soak: its sample at the end of the warm-up
 * against its last sample. A process's memory grows while it warms up (compiled code, a heap sized
 * to the load, connection pools), so earlier samples say nothing about leaks; after the warm-up a
 * process serving the same load should hold about the same memory, and one that leaks keeps
 * growing.
 *
 * <p>Flat means grown by at most {@link #ALLOWED_GROWTH_SHARE} of the memory at the end of the
 * warm-up, or by {@link #ALLOWED_GROWTH_FLOOR_BYTES}, whichever is more.
 */
public record MemoryTrend(String process, Point from, Point to) {
    /** Growth allowed, as a share of the memory at the end of the warm-up. */
    public static final double ALLOWED_GROWTH_SHARE = 0.10;
    /**
     * Growth always allowed, however small the process: a JVM's resident set moves by several MiB
     * from sample to sample as collections touch and release pages.
     */
    public static final long ALLOWED_GROWTH_FLOOR_BYTES = 16L << 20;

    /** One sample: bytes held {@code seconds} into the run. */
    public record Point(double seconds, long bytes) {
    }

    public MemoryTrend {
        if (to.seconds() < from.seconds()) {
            throw new IllegalArgumentException("the last sample (" + to.seconds() + " s) is before the first (" + from.seconds() + " s)");
        }
    }

    /**
     * The trend of {@code points} (in time order) from the first taken at or after
     * {@code warmUpSeconds} to the last; empty when fewer than two were taken that late.
     */
    public static Optional<MemoryTrend> of(String process, List<Point> points, double warmUpSeconds) {
        List<Point> afterWarmUp = points.stream().filter(p -> p.seconds() >= warmUpSeconds).toList();
        if (afterWarmUp.size() < 2) {
            return Optional.empty();
        }
        return Optional.of(new MemoryTrend(process, afterWarmUp.getFirst(), afterWarmUp.getLast()));
    }

    public long growthBytes() {
        return to.bytes() - from.bytes();
    }

    /** Growth as a share of the memory at the end of the warm-up (negative when it shrank). */
    public double growthShare() {
        return from.bytes() == 0 ? 0 : (double) growthBytes() / from.bytes();
    }

    public long allowedGrowthBytes() {
        return Math.max(ALLOWED_GROWTH_FLOOR_BYTES, (long) (ALLOWED_GROWTH_SHARE * from.bytes()));
    }

    public boolean flat() {
        return growthBytes() <= allowedGrowthBytes();
    }
}
