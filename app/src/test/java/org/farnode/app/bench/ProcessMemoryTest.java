package org.farnode.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessMemoryTest {
    @TempDir
    Path work;

    @Test
    void readsTheResidentSetFromTheVmRssLineInKibibytes() throws Exception {
        Path status = work.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmPeak:\t 9999999 kB\nVmRSS:\t  204800 kB\nVmData:\t 1 kB\n");
        assertThat(ProcessMemory.residentBytes(status)).hasValue(200L << 20);
    }

    @Test
    void givesNothingWithoutAVmRssLineOrAFile() throws Exception {
        Path status = work.resolve("status");
        Files.writeString(status, "Name:\tkthreadd\nState:\tS (sleeping)\n"); // kernel threads have no VmRSS
        assertThat(ProcessMemory.residentBytes(status)).isEmpty();
        assertThat(ProcessMemory.residentBytes(work.resolve("missing"))).isEmpty();
    }

    @Test
    void theHeapAfterTheLastCollectionIsPositiveAndAtMostTheHeapsSize() {
        long bytes = ProcessMemory.heapBytesAfterLastCollection();
        assertThat(bytes).isPositive().isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
    }
}
