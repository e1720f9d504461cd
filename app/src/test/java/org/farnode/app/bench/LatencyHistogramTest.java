package org.farnode.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void valuesBelow128AreExactAndPercentilesAreNearestRank() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long v = 100; v >= 1; v--) { // out of order: the histogram sorts
            histogram.record(v);
        }
        assertThat(histogram.percentileNanos(50)).isEqualTo(50);
        assertThat(histogram.percentileNanos(90)).isEqualTo(90);
        assertThat(histogram.percentileNanos(99)).isEqualTo(99);
        assertThat(histogram.percentileNanos(99.5)).isEqualTo(100); // rank ceil(99.5) = 100
        assertThat(histogram.percentileNanos(100)).isEqualTo(100);
        assertThat(histogram.percentileNanos(0.1)).isEqualTo(1);
        assertThat(histogram.maxNanos()).isEqualTo(100);
        assertThat(histogram.meanNanos()).isEqualTo(50.5);
        assertThat(histogram.count()).isEqualTo(100);
    }

    @Test
    void percentilesOfMillisecondLatenciesAreNeverBelowTheExactOnesAndAtMostOneBucketAbove() {
        SplittableRandom random = new SplittableRandom(7);
        long[] values = new long[20_000];
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            // log-uniform from 1 µs to 10 s, as decode steps and stalls spread
            values[i] = (long) Math.pow(10, 3 + 7 * random.nextDouble());
            histogram.record(values[i]);
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        for (double percent : new double[] {1, 10, 50, 90, 99, 99.9, 100}) {
            long exact = sorted[(int) Math.ceil(percent / 100 * sorted.length) - 1];
            assertThat(histogram.percentileNanos(percent)).as("p%s", percent)
                    .isGreaterThanOrEqualTo(exact).isLessThanOrEqualTo(exact + exact / 128);
        }
        assertThat(histogram.maxNanos()).isEqualTo(sorted[sorted.length - 1]);
        assertThat(histogram.percentileNanos(100)).isEqualTo(sorted[sorted.length - 1]);
    }

    @Test
    void everyValueFallsInABucketWhoseHighestValueIsAtLeastItAndWithinOneBucketWidth() {
        for (long value : new long[] {0, 1, 127, 128, 129, 255, 256, 257, 1_000_000, 123_456_789_012L, Long.MAX_VALUE / 3, Long.MAX_VALUE}) {
            int bucket = LatencyHistogram.bucketOf(value);
            long highest = LatencyHistogram.highestValueIn(bucket);
            assertThat(highest).as("bucket of %d", value).isGreaterThanOrEqualTo(value);
            assertThat(highest - value).as("bucket of %d", value).isLessThanOrEqualTo(value / 128);
            if (bucket > 0) {
                assertThat(LatencyHistogram.highestValueIn(bucket - 1)).as("the bucket before that of %d", value).isLessThan(value);
            }
        }
    }

    @Test
    void refusesNegativeDurationsPercentilesOutsideTheRangeAndQuestionsAboutNothing() {
        LatencyHistogram histogram = new LatencyHistogram();
        assertThatThrownBy(() -> histogram.percentileNanos(50)).isInstanceOf(IllegalStateException.class)
                .hasMessage("no durations were recorded");
        assertThatThrownBy(() -> histogram.record(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a duration must be 0 or more nanoseconds, got -1");
        histogram.record(5);
        assertThatThrownBy(() -> histogram.percentileNanos(0)).hasMessage("a percentile must be in (0, 100], got 0.0");
        assertThatThrownBy(() -> histogram.percentileNanos(100.5)).hasMessage("a percentile must be in (0, 100], got 100.5");
    }

    @Test
    void concurrentRecordingLosesNoValue() throws InterruptedException {
        LatencyHistogram histogram = new LatencyHistogram();
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= 10_000; i++) {
                    histogram.record(i);
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(histogram.count()).isEqualTo(80_000);
        assertThat(histogram.meanNanos()).isEqualTo(5000.5);
    }
}
