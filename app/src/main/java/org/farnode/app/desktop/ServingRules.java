package org.farnode.app.desktop;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.farnode.app.settings.OperatorSettings;
import org.farnode.app.settings.WeeklySchedule;

/**
 * The operator's rules for when this node may serve: inside the weekly schedule, only while the
 * computer is otherwise idle, and under the daily data cap. {@link #check} gives the reasons it
 * may not serve now (none: it may). Kept apart from the timer that applies them, so the rules are
 * tested at any moment and load one likes.
 */
public final class ServingRules {
    /** Other programs' share of all cores above which the computer counts as in use. */
    public static final double BUSY_CPU_SHARE = ComputerIdleness.DEFAULT_THRESHOLD;

    private final OperatorSettings settings;
    private LocalDate day;
    private long bytesAtDayStart;

    public ServingRules(OperatorSettings settings) {
        this.settings = settings;
    }

    /**
     * Why the node may not serve at {@code now}, given the bytes the node has moved since it started
     * (both ways) and other programs' CPU share ({@code othersCpuLoad}, 0..1; empty when the
     * system does not say).
     */
    public List<String> check(LocalDateTime now, long bytesMoved, Optional<Double> othersCpuLoad) {
        List<String> reasons = new ArrayList<>();
        if (!settings.schedule().isEmpty() && !WeeklySchedule.allows(settings.schedule(), now)) {
            reasons.add("outside the weekly schedule (" + WeeklySchedule.format(settings.schedule()) + ")");
        }
        if (settings.onlyWhenIdle() && othersCpuLoad.isPresent() && othersCpuLoad.get() > BUSY_CPU_SHARE) {
            reasons.add(String.format(Locale.ROOT, "the computer is in use (other programs use %.0f%% of the CPU)",
                    othersCpuLoad.get() * 100));
        }
        long bytes = bytesMoved;
        if (day == null || !day.equals(now.toLocalDate())) {
            day = now.toLocalDate();
            bytesAtDayStart = bytes;
        }
        double capBytes = settings.dailyDataCapGib() * (1L << 30);
        if (settings.dailyDataCapGib() > 0 && bytes - bytesAtDayStart >= capBytes) {
            reasons.add(String.format(Locale.ROOT, "today's data cap of %s GiB is reached", trim(settings.dailyDataCapGib())));
        }
        return reasons;
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
