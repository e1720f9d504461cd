package org.farnode.app.link;

import java.util.Locale;

/** How the emulator writes delays and rates for people: one place, so the ready line and the report agree. */
final class LinkFormat {
    private LinkFormat() {
    }

    static String millis(double ms) {
        return String.format(Locale.ROOT, "%.2f ms", ms);
    }

    static String rate(double bitsPerSecond) {
        return String.format(Locale.ROOT, "%.2f Mbit/s", bitsPerSecond / 1e6);
    }

    /** Signed relative error in percent, "+1.23%". */
    static String error(double measured, double set) {
        return String.format(Locale.ROOT, "%+.2f%%", 100 * (measured - set) / set);
    }
}
