package org.farnode.app.cli;

import java.util.Locale;

/** The text of a download's progress: share done, bytes done of total, speed and time left. */
final class ProgressLine {
    private ProgressLine() {
    }

    /** For example {@code m.gguf  45%  120.5 MB / 266.6 MB  12.3 MB/s  ETA 0:12}. */
    static String format(String name, long done, long total, double bytesPerSecond) {
        long percent = total == 0 ? 100 : done * 100 / total;
        String eta = bytesPerSecond > 0 ? duration((long) Math.ceil((total - done) / bytesPerSecond)) : "--:--";
        return String.format(Locale.ROOT, "%s  %3d%%  %s / %s  %.1f MB/s  ETA %s", name, percent, bytes(done), bytes(total),
                bytesPerSecond / 1e6, eta);
    }

    /** A byte count in decimal units (as the hub shows file sizes): {@code 950 B}, {@code 1.2 kB}, {@code 807.7 MB}, {@code 4.92 GB}. */
    static String bytes(long count) {
        if (count < 1_000) {
            return count + " B";
        }
        if (count < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", count / 1e3);
        }
        if (count < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f MB", count / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f GB", count / 1e9);
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String duration(long seconds) {
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        return hours > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, rest)
                : String.format(Locale.ROOT, "%d:%02d", minutes, rest);
    }
}
