package org.farnode.app.desktop;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Whether the rest of the computer is idle, for "serve only while this computer is idle": the CPU
 * time used by every program but this one. This process is left out because its own load is the
 * node's work, which must not count as the operator being busy. Each reading covers the time
 * since the one before, so a caller samples every few seconds and decides on what it reads (no
 * smoothing here).
 */
public final class ComputerIdleness {
    /** Other programs using less than a quarter of all cores leave the computer idle enough to serve. */
    public static final double DEFAULT_THRESHOLD = 0.25;

    private final OperatingSystemMXBean system;

    private ComputerIdleness(OperatingSystemMXBean system) {
        this.system = system;
    }

    /** Reads this computer through the JDK's operating system bean. */
    public static ComputerIdleness ofThisComputer() {
        return new ComputerIdleness(ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class));
    }

    /**
     * The share of all cores' time that other programs used since the last reading, 0 to 1; empty
     * when the system does not say (the JDK reports a negative load then).
     */
    public Optional<Double> othersCpuLoad() {
        return othersLoad(system.getCpuLoad(), system.getProcessCpuLoad());
    }

    /**
     * Whether other programs use less than {@code threshold} of all cores. An unknown load is not
     * idle: a node told to serve only when the computer is idle does not serve on a guess.
     *
     * @throws IllegalArgumentException unless {@code threshold} is between 0 and 1
     */
    public boolean isIdle(double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("the idle threshold is a share of all cores, 0 to 1, got " + threshold);
        }
        return othersCpuLoad().map(load -> load < threshold).orElse(false);
    }

    /** The whole computer's load less this process's, both shares of all cores; empty where either is unknown (negative). */
    static Optional<Double> othersLoad(double computerLoad, double processLoad) {
        if (computerLoad < 0 || processLoad < 0 || Double.isNaN(computerLoad) || Double.isNaN(processLoad)) {
            return Optional.empty();
        }
        // The two are read at slightly different moments, so this process can seem to use more than all.
        return Optional.of(Math.max(0, computerLoad - processLoad));
    }
}
