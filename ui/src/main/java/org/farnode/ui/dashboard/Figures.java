package org.farnode.ui.dashboard;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** How the dashboard writes numbers: bytes, rates and times in the units a person reads at a glance. */
public final class Figures {
    private Figures() {
    }

    public static String bytes(double bytes) {
        if (Double.isNaN(bytes)) {
            return "—";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        while (bytes >= 1024 && unit < units.length - 1) {
            bytes /= 1024;
            unit++;
        }
        return unit == 0 ? String.format(Locale.ROOT, "%.0f %s", bytes, units[0])
                : String.format(Locale.ROOT, "%.1f %s", bytes, units[unit]);
    }

    public static String rate(double bytesPerSecond) {
        return Double.isNaN(bytesPerSecond) ? "—" : bytes(bytesPerSecond) + "/s";
    }

    public static String number(double value, int decimals) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "—" : String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    public static String latency(Optional<Duration> latency) {
        return latency.map(d -> String.format(Locale.ROOT, "%.2f ms", d.toNanos() / 1e6)).orElse("no answer");
    }
}
