package org.farnode.app.bench;

/**
 * Durations in nanoseconds, counted in a fixed set of buckets: below 128 ns each value has its
 * own bucket, above it each power of two is cut into 128 equal buckets. A percentile is reported
 * as the highest value its bucket holds, so it is never below the true (nearest-rank) percentile
 * and at most 1/128 (0.8%) above it; the maximum is kept exactly.
 *
 * <p>Fixed memory is the point: a soak test records millions of steps, and a recorder that grew
 * with them would itself make the measured process's memory grow. Safe for concurrent recording.
 */
public final class LatencyHistogram {
    private static final int SUB_BUCKET_BITS = 7;
    private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    /** Exact buckets for [0, 128), then 128 per power of two for every exponent 7..62 of a positive long. */
    private static final int BUCKETS = (Long.SIZE - SUB_BUCKET_BITS) * SUB_BUCKETS;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long totalNanos;
    private long maxNanos;

    /** Adds one duration. */
    public synchronized void record(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a duration must be 0 or more nanoseconds, got " + nanos);
        }
        counts[bucketOf(nanos)]++;
        count++;
        totalNanos += nanos;
        maxNanos = Math.max(maxNanos, nanos);
    }

    public synchronized long count() {
        return count;
    }

    public synchronized long maxNanos() {
        requireValues();
        return maxNanos;
    }

    public synchronized double meanNanos() {
        requireValues();
        return (double) totalNanos / count;
    }

    /**
     * The nearest-rank {@code percent} percentile: the smallest recorded value that at least
     * {@code percent}% of the values do not exceed, rounded up to the top of its bucket.
     *
     * @throws IllegalArgumentException unless {@code 0 < percent <= 100}
     * @throws IllegalStateException when nothing was recorded
     */
    public synchronized long percentileNanos(double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("a percentile must be in (0, 100], got " + percent);
        }
        requireValues();
        long rank = Math.max(1, (long) Math.ceil(percent / 100 * count));
        long seen = 0;
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            seen += counts[bucket];
            if (seen >= rank) {
                return Math.min(highestValueIn(bucket), maxNanos);
            }
        }
        throw new AssertionError("the buckets hold " + seen + " values, the count says " + count);
    }

    private void requireValues() {
        if (count == 0) {
            throw new IllegalStateException("no durations were recorded");
        }
    }

    /** Values below 128 are their own bucket; above, the exponent picks a row and the 7 bits after the leading one a column. */
    static int bucketOf(long value) {
        if (value < SUB_BUCKETS) {
            return (int) value;
        }
        int shift = (Long.SIZE - 1 - Long.numberOfLeadingZeros(value)) - SUB_BUCKET_BITS;
        long top = value >>> shift; // in [128, 256)
        return (shift + 1) * SUB_BUCKETS + (int) (top - SUB_BUCKETS);
    }

    /** The largest value {@link #bucketOf} puts in {@code bucket}. */
    static long highestValueIn(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return bucket;
        }
        int shift = bucket / SUB_BUCKETS - 1;
        long top = SUB_BUCKETS + bucket % SUB_BUCKETS;
        return ((top + 1) << shift) - 1;
    }
}
