package org.farnode.app.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.farnode.app.bench.LatencyHistogram;
import org.farnode.app.bench.LoadSample;
import org.farnode.app.bench.MemoryTrend;
import org.farnode.app.bench.SessionErrors;
import org.farnode.app.shard.LayerRange;

/**
 * What {@code far bench load} measured: its settings, the totals, the time per token, the errors,
 * the memory samples, and whether each process's memory stayed flat after the warm-up.
 *
 * @param processes the names of the measured processes, in the order of each sample's memory figures
 * @param seconds from starting the sessions until the last one finished
 * @param sessionsCompleted sessions that generated all their tokens (or until the model ended its text)
 * @param sessionsCutShort sessions stopped because the time was up
 */
record LoadReport(Settings settings, List<String> processes, List<LoadSample> samples, double seconds, long sessionsCompleted,
                  long sessionsCutShort, long tokens,
                  LatencyHistogram timePerToken, LatencyHistogram timeToFirstToken, SessionErrors errors) {

    /**
     * The run's settings, as the command line gave them, with the layers each node served and
     * whether the heaps were fixed and touched at start ({@link org.farnode.app.bench.ProcessMemory#heapFixedAndPreTouched}).
     */
    record Settings(String model, List<LayerRange> nodeLayers, int sessions, double minutes, int tokensPerSession,
                    double sampleSeconds, String codec, float temperature, long seed, double warmUpSeconds, boolean heapFixed) {
    }

    LoadReport {
        processes = List.copyOf(processes);
        samples = List.copyOf(samples);
    }

    double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : 0;
    }

    /** Per process whose resident memory could be read, its trend from the end of the warm-up to the last sample. */
    List<MemoryTrend> trends() {
        List<MemoryTrend> trends = new ArrayList<>();
        for (int p = 0; p < processes.size(); p++) {
            List<MemoryTrend.Point> points = new ArrayList<>();
            for (LoadSample sample : samples) {
                var bytes = sample.residentBytes().get(p);
                if (bytes.isPresent()) {
                    points.add(new MemoryTrend.Point(sample.seconds(), bytes.getAsLong()));
                }
            }
            MemoryTrend.of(processes.get(p), points, settings.warmUpSeconds()).ifPresent(trends::add);
        }
        return trends;
    }

    /** Whether every process's memory stayed flat; empty when there is no trend to judge (no samples after the warm-up, or no /proc). */
    Optional<Boolean> memoryFlat() {
        List<MemoryTrend> trends = trends();
        return trends.size() < processes.size() ? Optional.empty() : Optional.of(trends.stream().allMatch(MemoryTrend::flat));
    }
}
