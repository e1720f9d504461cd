package org.farnode.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.farnode.app.bench.MemoryTrend.Point;
import org.junit.jupiter.api.Test;

class MemoryTrendTest {
    private static final long MIB = 1 << 20;

    @Test
    void judgesFromTheFirstSampleAfterTheWarmUpToTheLast() {
        // steep growth while warming up (before 60 s) is not held against the process
        List<Point> points = List.of(new Point(0, 100 * MIB), new Point(30, 300 * MIB), new Point(60, 400 * MIB),
                new Point(90, 420 * MIB), new Point(120, 430 * MIB));
        MemoryTrend trend = MemoryTrend.of("node 1", points, 60).orElseThrow();
        assertThat(trend.from()).isEqualTo(new Point(60, 400 * MIB));
        assertThat(trend.to()).isEqualTo(new Point(120, 430 * MIB));
        assertThat(trend.growthBytes()).isEqualTo(30 * MIB);
        assertThat(trend.growthShare()).isEqualTo(0.075);
        assertThat(trend.flat()).isTrue();
    }

    @Test
    void growthOfMoreThanTenPercentIsNotFlat() {
        MemoryTrend trend = MemoryTrend.of("node 1", List.of(new Point(60, 400 * MIB), new Point(600, 441 * MIB)), 60).orElseThrow();
        assertThat(trend.allowedGrowthBytes()).isEqualTo(40 * MIB);
        assertThat(trend.flat()).isFalse();
        MemoryTrend atTheLimit = MemoryTrend.of("node 1", List.of(new Point(60, 400 * MIB), new Point(600, 440 * MIB)), 60).orElseThrow();
        assertThat(atTheLimit.flat()).isTrue();
    }

    @Test
    void aSmallProcessMayGrowBySixteenMebibytes() {
        MemoryTrend within = MemoryTrend.of("gateway", List.of(new Point(10, 50 * MIB), new Point(50, 66 * MIB)), 10).orElseThrow();
        assertThat(within.growthShare()).isEqualTo(0.32);
        assertThat(within.flat()).isTrue();
        MemoryTrend beyond = MemoryTrend.of("gateway", List.of(new Point(10, 50 * MIB), new Point(50, 66 * MIB + 1)), 10).orElseThrow();
        assertThat(beyond.flat()).isFalse();
    }

    @Test
    void shrinkingIsFlat() {
        MemoryTrend trend = MemoryTrend.of("node 2", List.of(new Point(60, 400 * MIB), new Point(600, 200 * MIB)), 60).orElseThrow();
        assertThat(trend.growthShare()).isEqualTo(-0.5);
        assertThat(trend.flat()).isTrue();
    }

    @Test
    void fewerThanTwoSamplesAfterTheWarmUpGiveNoTrend() {
        List<Point> points = List.of(new Point(0, 100 * MIB), new Point(50, 100 * MIB), new Point(70, 100 * MIB));
        assertThat(MemoryTrend.of("node 1", points, 60)).isEmpty();
        assertThat(MemoryTrend.of("node 1", points, 50)).isPresent();
        assertThat(MemoryTrend.of("node 1", List.of(), 0)).isEmpty();
    }
}
