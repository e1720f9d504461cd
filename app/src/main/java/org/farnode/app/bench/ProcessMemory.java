package org.farnode.app.bench;

import com.sun.management.GcInfo;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/** How much memory a process holds: its resident set (Linux only), and this JVM's heap after its last collection. */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /** The resident set size of process {@code pid}, from the {@code VmRSS} line of {@code /proc/PID/status}; empty where there is none. */
    public static OptionalLong residentBytes(long pid) {
        return residentBytes(Path.of("/proc", Long.toString(pid), "status"));
    }

    /** {@link #residentBytes(long)} of this process. */
    public static OptionalLong residentBytesOfThisProcess() {
        return residentBytes(ProcessHandle.current().pid());
    }

    /** Why {@link #residentBytes(long)} gives nothing here, or empty when it works. */
    public static Optional<String> residentUnavailableReason() {
        Path self = Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "status");
        return residentBytes(self).isPresent() ? Optional.empty()
                : Optional.of(self + " has no VmRSS line (resident memory is read from /proc, which only Linux has)");
    }

    static OptionalLong residentBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    // "VmRSS:     123456 kB": the kernel always writes kibibytes
                    String[] fields = line.substring("VmRSS:".length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(fields[0]) * 1024);
                }
            }
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty(); // no /proc (not Linux), or the process has exited
        }
    }

    /**
     * Whether this JVM's heap has a fixed size that was touched at start ({@code -Xms} equal to
     * {@code -Xmx}, and {@code -XX:+AlwaysPreTouch}). Only then does its resident memory stay flat
     * under a steady load: otherwise it grows for minutes as the collector enlarges the heap
     * towards its maximum (a quarter of the machine's memory by default), which is no leak.
     */
    public static boolean heapFixedAndPreTouched() {
        var flags = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        return flags.getVMOption("InitialHeapSize").getValue().equals(flags.getVMOption("MaxHeapSize").getValue())
                && Boolean.parseBoolean(flags.getVMOption("AlwaysPreTouch").getValue());
    }

    /**
     * This JVM's heap in use just after its most recent garbage collection (of any generation),
     * or the heap in use now when none has run yet. Unlike the heap in use at an arbitrary moment,
     * it does not count the garbage made since that collection.
     */
    public static long heapBytesAfterLastCollection() {
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        GcInfo latest = null;
        for (var collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof com.sun.management.GarbageCollectorMXBean detailed) {
                GcInfo info = detailed.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : latest.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }
}
