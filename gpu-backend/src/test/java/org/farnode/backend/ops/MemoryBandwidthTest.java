package org.farnode.backend.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemoryBandwidthTest {

    @Test
    void measuresAPositiveFiniteRateOnASmallBuffer() {
        MemoryBandwidth bandwidth = MemoryBandwidth.measure(2, 32L << 20, 1);
        assertThat(bandwidth.gigabytesPerSecond()).isPositive().isFinite();
        assertThat(bandwidth.threads()).isEqualTo(2);
        assertThat(bandwidth.bufferBytes()).isEqualTo(32L << 20);
        assertThat(bandwidth.toString()).contains("GB/s");
    }

    @Test
    void rejectsBuffersSmallerThanOneChunk() {
        assertThatThrownBy(() -> MemoryBandwidth.measure(1, 1024, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
