package org.farnode.app.cli;

import java.io.PrintWriter;
import java.util.OptionalLong;
import org.farnode.app.bench.LatencyHistogram;
import org.farnode.app.bench.MemoryTrend;

/** {@code far bench load}'s report as text: one line per figure, then one per process for memory. */
final class LoadReportText {
    /** Distinct error messages printed; the JSON report keeps all that were kept. */
    static final int ERRORS_PRINTED = 5;

    /** Why resident memory may grow without a leak, and how to run so that it does not. */
    static final String HEAP_NOT_FIXED = "the heaps are not fixed and touched at start, so resident memory also grows as the collector "
            + "enlarges them, which is no leak; for a soak run with FAR_JAVA_OPTS=\"-Xms512m -Xmx512m -XX:+AlwaysPreTouch\" "
            + "(the nodes get the same options)";

    private LoadReportText() {
    }

    static void print(LoadReport report, PrintWriter out) {
        out.printf("sessions        %d completed, %d stopped when the time was up (%d at once, up to %d tokens each)%n",
                report.sessionsCompleted(), report.sessionsCutShort(), report.settings().sessions(), report.settings().tokensPerSession());
        out.printf("tokens          %d in %.1f s: %.1f tokens/s%n", report.tokens(), report.seconds(), report.tokensPerSecond());
        out.printf("time per token  %s%n", percentiles(report.timePerToken(), "decode steps"));
        out.printf("first token     %s, from opening the route%n", percentiles(report.timeToFirstToken(), "sessions"));
        out.printf("errors          %d%n", report.errors().count());
        report.errors().countByMessage().entrySet().stream().limit(ERRORS_PRINTED)
                .forEach(e -> out.printf("  %d× %s%n", e.getValue(), e.getKey()));
        printMemory(report, out);
        out.flush();
    }

    private static String percentiles(LatencyHistogram histogram, String what) {
        if (histogram.count() == 0) {
            return "none measured (0 " + what + ")";
        }
        return String.format("p50 %s, p90 %s, p99 %s, max %s, mean %s (%d %s)", millis(histogram.percentileNanos(50)),
                millis(histogram.percentileNanos(90)), millis(histogram.percentileNanos(99)), millis(histogram.maxNanos()),
                millis(histogram.meanNanos()), histogram.count(), what);
    }

    private static void printMemory(LoadReport report, PrintWriter out) {
        var flat = report.memoryFlat();
        if (flat.isEmpty()) {
            out.printf("memory          not judged: %s%n", report.trends().isEmpty() && report.samples().stream()
                    .allMatch(s -> s.residentBytes().getFirst().isEmpty())
                    ? "resident memory cannot be read on this system"
                    : "fewer than two samples after the warm-up (" + Math.round(report.settings().warmUpSeconds())
                            + " s); run longer or sample more often");
            return;
        }
        out.printf("memory          %s: resident memory from the first sample after the warm-up to the last; flat means grown by "
                        + "at most %.0f%% or %s MiB, whichever is more%n", flat.get() ? "flat" : "GREW",
                100 * MemoryTrend.ALLOWED_GROWTH_SHARE, MemoryTrend.ALLOWED_GROWTH_FLOOR_BYTES >> 20);
        if (!report.settings().heapFixed()) {
            out.printf("  note: %s%n", HEAP_NOT_FIXED);
        }
        for (MemoryTrend trend : report.trends()) {
            out.printf("  %-13s %s at %.0f s -> %s at %.0f s: %+.1f MiB (%+.1f%%), %s%n", trend.process(),
                    mebibytes(trend.from().bytes()), trend.from().seconds(), mebibytes(trend.to().bytes()), trend.to().seconds(),
                    trend.growthBytes() / 1048576.0, 100 * trend.growthShare(), trend.flat() ? "flat" : "GREW");
        }
        var first = report.samples().stream().filter(s -> s.seconds() >= report.settings().warmUpSeconds()).findFirst();
        first.ifPresent(from -> out.printf("  %-13s %s -> %s (the gateway's heap after its last collection, not judged: it "
                        + "includes garbage promoted since the last full collection)%n", "gateway heap",
                mebibytes(from.gatewayHeapBytes()), mebibytes(report.samples().getLast().gatewayHeapBytes())));
    }

    static String millis(double nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }

    static String mebibytes(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    /** {@link #mebibytes(long)}, or "n/a" where the figure could not be read. */
    static String mebibytes(OptionalLong bytes) {
        return bytes.isPresent() ? mebibytes(bytes.getAsLong()) : "n/a";
    }
}
