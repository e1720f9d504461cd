package org.farnode.app.link;

import java.util.List;

/** What {@link LinkMeasurement} found: per direction, the setting next to the measured delay and rate. */
public record LinkReport(Direction up, Direction down) {

    /**
     * @param name            "up" or "down"
     * @param set             the direction's settings
     * @param delayMs         median one-way delay of small probes, in milliseconds
     * @param probes          how many probes the median is over
     * @param bitsPerSecond   payload rate of a bulk transfer: the slope of bytes received against time
     * @param bulkBytes       size of that transfer
     */
    public record Direction(String name, OneWayLink set, double delayMs, int probes, double bitsPerSecond, long bulkBytes) {

        /** Relative error of the delay, e.g. 0.01 for 1% over; NaN when the setting is 0 (no relative error to speak of). */
        public double delayError() {
            return set.delayNanos() == 0 ? Double.NaN : (delayMs - set.delayMs()) / set.delayMs();
        }

        /** Relative error of the rate; NaN when the direction is unlimited. */
        public double rateError() {
            return set.unlimited() ? Double.NaN : (bitsPerSecond - set.bitsPerSecond()) / set.bitsPerSecond();
        }

        String row() {
            String delayError = set.delayNanos() == 0 ? "-" : LinkFormat.error(delayMs, set.delayMs());
            String rateSet = set.unlimited() ? "unlimited" : LinkFormat.rate(set.bitsPerSecond());
            String rateError = set.unlimited() ? "-" : LinkFormat.error(bitsPerSecond, set.bitsPerSecond());
            return String.format("%-5s %10s %10s %8s %14s %14s %8s", name, LinkFormat.millis(set.delayMs()),
                    LinkFormat.millis(delayMs), delayError, rateSet, LinkFormat.rate(bitsPerSecond), rateError);
        }
    }

    /** A table: one header line and one line per direction. */
    public List<String> lines() {
        return List.of(String.format("%-5s %10s %10s %8s %14s %14s %8s", "dir", "delay set", "measured", "error",
                "rate set", "measured", "error"), up.row(), down.row());
    }
}
