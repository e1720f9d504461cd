package org.farnode.app.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.farnode.app.bench.LoadSample;
import org.farnode.app.bench.ProcessMemory;
import org.farnode.app.bench.SoakSessions;
import org.farnode.app.swarm.NodeProcess;

/**
 * One run of {@code far bench load}: starts the sessions, samples every {@code sampleSeconds}
 * until they have all finished (a progress line each time), stops starting sessions early if a
 * node exits, and takes a last sample at the end.
 */
final class LoadRun {
    private final SoakSessions load;
    private final List<NodeProcess> nodes;
    private final LoadReport.Settings settings;
    private final PrintWriter out;
    private final List<LoadSample> samples = new ArrayList<>();
    private final List<String> processes = new ArrayList<>();
    private long startNanos;

    LoadRun(SoakSessions load, List<NodeProcess> nodes, LoadReport.Settings settings, PrintWriter out) {
        this.load = load;
        this.nodes = nodes;
        this.settings = settings;
        this.out = out;
        processes.add("gateway");
        for (int i = 0; i < nodes.size(); i++) {
            processes.add("node " + (i + 1));
        }
    }

    LoadReport run() throws InterruptedException {
        printHeading();
        Duration interval = Duration.ofNanos((long) (settings.sampleSeconds() * 1e9));
        startNanos = System.nanoTime();
        load.start(settings.sessions(), Duration.ofNanos((long) (settings.minutes() * 60e9)));
        sample();
        boolean nodeLost = false;
        for (long next = 1; ; next++) {
            long wait = startNanos + next * interval.toNanos() - System.nanoTime();
            if (load.awaitFinished(Duration.ofNanos(Math.max(0, wait)))) {
                break;
            }
            sample();
            if (!nodeLost) {
                nodeLost = checkNodes();
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        sample();
        return new LoadReport(settings, processes, samples, seconds, load.sessionsCompleted(),
                load.sessionsCutShort(), load.tokens(), load.timePerToken(),
                load.timeToFirstToken(), load.errors());
    }

    /** Counts a node that exited as an error and ends the run (sessions through it fail on their own); returns whether one did. */
    private boolean checkNodes() {
        for (int i = 0; i < nodes.size(); i++) {
            NodeProcess node = nodes.get(i);
            if (!node.isAlive()) {
                // the log's directory is deleted when the command ends, so its end goes into the message
                load.errors().add("node " + (i + 1) + " (pid " + node.pid() + ") exited during the run; its log ends with: "
                        + node.logTail());
                load.stopNow();
                out.printf("node %d exited: the run ends%n", i + 1);
                return true;
            }
        }
        return false;
    }

    private void printHeading() {
        out.printf("%d sessions at once through %d nodes %s, %d tokens each, for %s minutes; memory sampled every %s s, "
                        + "judged from %.0f s (the first %.0f%% of the run is warm-up)%n", settings.sessions(), nodes.size(),
                settings.nodeLayers(), settings.tokensPerSession(), trim(settings.minutes()), trim(settings.sampleSeconds()),
                settings.warmUpSeconds(), 100 * BenchLoadCommand.WARM_UP_SHARE);
        StringBuilder heading = new StringBuilder(String.format("%8s %9s %9s %9s %7s %12s %12s", "time s", "tokens", "tokens/s",
                "p50 ms", "errors", "gateway RSS", "gateway heap"));
        for (int i = 1; i < processes.size(); i++) {
            heading.append(String.format(" %12s", "node " + i + " RSS"));
        }
        out.println(heading);
        out.flush();
    }

    private void sample() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        List<OptionalLong> resident = new ArrayList<>();
        resident.add(ProcessMemory.residentBytesOfThisProcess());
        for (NodeProcess node : nodes) {
            resident.add(ProcessMemory.residentBytes(node.pid()));
        }
        var perToken = load.timePerToken();
        OptionalLong median = perToken.count() == 0 ? OptionalLong.empty() : OptionalLong.of(perToken.percentileNanos(50));
        LoadSample sample = new LoadSample(seconds, load.tokens(), load.errors().count(), median, resident,
                ProcessMemory.heapBytesAfterLastCollection());
        LoadSample previous = samples.isEmpty() ? null : samples.getLast();
        samples.add(sample);
        printSample(sample, previous);
    }

    private void printSample(LoadSample sample, LoadSample previous) {
        double rate = previous == null || sample.seconds() <= previous.seconds() ? 0
                : (sample.tokens() - previous.tokens()) / (sample.seconds() - previous.seconds());
        StringBuilder line = new StringBuilder(String.format("%8.1f %9d %9.1f %9s %7d %12s %12s", sample.seconds(), sample.tokens(),
                rate, sample.medianNanosPerToken().isPresent() ? String.format("%.2f", sample.medianNanosPerToken().getAsLong() / 1e6) : "-",
                sample.errors(), LoadReportText.mebibytes(sample.residentBytes().getFirst()),
                LoadReportText.mebibytes(OptionalLong.of(sample.gatewayHeapBytes()))));
        for (int i = 1; i < sample.residentBytes().size(); i++) {
            line.append(String.format(" %12s", LoadReportText.mebibytes(sample.residentBytes().get(i))));
        }
        out.println(line);
        out.flush();
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
