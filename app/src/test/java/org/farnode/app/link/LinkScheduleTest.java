package org.farnode.app.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The delay model on made-up clocks: propagation + serialization + queueing, nothing measured. */
class LinkScheduleTest {
    private static final long MS = 1_000_000L;

    @Test
    void aChunkOnAnIdleLinkArrivesAfterItsSerializationAndTheDelay() {
        LinkSchedule schedule = new LinkSchedule(OneWayLink.of(40, 20)); // 20 Mbit/s: 2500 bytes take 1 ms
        assertThat(schedule.releaseNanos(1000 * MS, 2500)).isEqualTo(1000 * MS + MS + 40 * MS);
    }

    @Test
    void chunksReadTogetherQueueBehindEachOther() {
        LinkSchedule schedule = new LinkSchedule(OneWayLink.of(40, 20));
        assertThat(schedule.releaseNanos(0, 2500)).isEqualTo(41 * MS);
        assertThat(schedule.releaseNanos(0, 2500)).isEqualTo(42 * MS);
        assertThat(schedule.releaseNanos(0, 5000)).isEqualTo(44 * MS);
    }

    @Test
    void aChunkAfterTheLinkWentIdleDoesNotQueue() {
        LinkSchedule schedule = new LinkSchedule(OneWayLink.of(40, 20));
        schedule.releaseNanos(0, 2500);
        assertThat(schedule.releaseNanos(10 * MS, 2500)).isEqualTo(51 * MS);
    }

    @Test
    void anUnlimitedLinkOnlyDelays() {
        LinkSchedule schedule = new LinkSchedule(OneWayLink.of(40, 0));
        assertThat(schedule.releaseNanos(5 * MS, 1 << 20)).isEqualTo(45 * MS);
        assertThat(schedule.releaseNanos(5 * MS, 1 << 20)).isEqualTo(45 * MS);
    }

    @Test
    void endOfStreamWaitsBehindTheBytesBeforeIt() {
        LinkSchedule schedule = new LinkSchedule(OneWayLink.of(10, 20));
        schedule.releaseNanos(0, 25_000); // 10 ms of serialization
        assertThat(schedule.releaseNanos(MS, 0)).isEqualTo(20 * MS);
    }
}
