package org.farnode.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.farnode.backend.ops.CpuOps;
import org.junit.jupiter.api.Test;

class BackendTest {

    @Test
    void describesTheThreadsAndTheKernelPath() {
        try (Backend backend = Backend.cpu(2)) {
            assertThat(backend.threads()).isEqualTo(2);
            assertThat(backend.description()).startsWith("CPU, 2 threads, ");
            if (CpuOps.scalarReason().isEmpty()) {
                assertThat(backend.description()).endsWith("Java Vector API");
            }
        }
    }

    @Test
    void saysWhyItRunsTheScalarKernels() {
        String before = System.getProperty(CpuOps.VECTORS_PROPERTY);
        System.setProperty(CpuOps.VECTORS_PROPERTY, "false");
        try (Backend backend = Backend.cpu(1)) {
            assertThat(backend.description()).isEqualTo("CPU, 1 thread, scalar kernels, slower: far.cpu.vectors=false is set");
        } finally {
            if (before == null) {
                System.clearProperty(CpuOps.VECTORS_PROPERTY);
            } else {
                System.setProperty(CpuOps.VECTORS_PROPERTY, before);
            }
        }
    }

    @Test
    void refusesThreadCountsOutsideTheAllowedRange() {
        assertThatThrownBy(() -> Backend.cpu(0)).hasMessage("--threads must be between 1 and 1024, got 0");
        assertThatThrownBy(() -> Backend.cpu(5000)).hasMessageContaining("between 1 and 1024");
    }
}
