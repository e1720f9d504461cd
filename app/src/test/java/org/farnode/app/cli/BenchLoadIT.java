package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.farnode.app.testing.FarProcess;
import org.farnode.app.testing.Stories260K;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** far bench load on stories260K, run as a user runs it: a short soak through two node processes, its text report and its JSON. */
class BenchLoadIT {
    private static final Pattern TIME_PER_TOKEN = Pattern.compile(
            "time per token  p50 ([0-9.]+) ms, p90 ([0-9.]+) ms, p99 ([0-9.]+) ms, max ([0-9.]+) ms, mean [0-9.]+ ms \\((\\d+) decode steps\\)");
    private static final Pattern TOKENS = Pattern.compile("tokens          (\\d+) in [0-9.]+ s: [0-9.]+ tokens/s");
    private static final Pattern NODE_PID = Pattern.compile("^node \\d+: pid (\\d+)", Pattern.MULTILINE);

    @TempDir
    Path work;

    @Test
    void fourSessionsForFifteenSecondsThroughTwoNodesGiveNoErrorsAndTheSameFiguresInTextAndJson() throws Exception {
        Path json = work.resolve("load.json");
        // a fixed, pre-touched heap, as docs/performance.md advises for a soak; the nodes inherit it
        FarProcess.Outcome run = FarProcess.run(Map.of("FAR_JAVA_OPTS", "-Xms256m -Xmx256m -XX:+AlwaysPreTouch"), "bench", "load", "--model", Stories260K.gguf().toString(), "--nodes", "2",
                "--sessions", "4", "--minutes", "0.25", "--sample-seconds", "2", "--tokens-per-session", "48", "--json", json.toString());
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        // 0 with flat memory, 2 when a process grew: fifteen seconds are mostly warm-up, so either may happen; never 1 (errors)
        boolean flat = report.path("memory").path("flat").asBoolean();
        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isEqualTo(flat ? 0 : 2);
        assertThat(run.stdout()).contains("errors          0\n");
        assertThat(report.path("errors").path("count").asLong()).isZero();

        Matcher tokens = TOKENS.matcher(run.stdout());
        assertThat(tokens.find()).as(run.stdout()).isTrue();
        assertThat(Long.parseLong(tokens.group(1))).isPositive().isEqualTo(report.path("tokens").asLong());
        Matcher perToken = TIME_PER_TOKEN.matcher(run.stdout());
        assertThat(perToken.find()).as(run.stdout()).isTrue();
        double p50 = Double.parseDouble(perToken.group(1));
        double p90 = Double.parseDouble(perToken.group(2));
        double p99 = Double.parseDouble(perToken.group(3));
        double max = Double.parseDouble(perToken.group(4));
        assertThat(p50).isPositive().isLessThanOrEqualTo(p90);
        assertThat(p90).isLessThanOrEqualTo(p99);
        assertThat(p99).isLessThanOrEqualTo(max);
        JsonNode timePerToken = report.path("timePerTokenMs");
        assertThat(timePerToken.path("p50").asDouble()).isCloseTo(p50, org.assertj.core.data.Offset.offset(0.006));
        assertThat(timePerToken.path("p99").asDouble()).isCloseTo(p99, org.assertj.core.data.Offset.offset(0.006));
        assertThat(timePerToken.path("count").asLong()).isEqualTo(Long.parseLong(perToken.group(5)));
        // every token after a session's first is one decode step
        long sessions = report.path("sessionsCompleted").asLong() + report.path("sessionsCutShort").asLong();
        assertThat(sessions).isPositive();
        assertThat(timePerToken.path("count").asLong()).isEqualTo(report.path("tokens").asLong() - sessions);

        // a sample every 2 s for 15 s, plus the start and the end; each with the memory of the gateway and both nodes
        List<String> sampleLines = run.stdout().lines().filter(l -> l.matches("^\\s+[0-9]+\\.[0-9] .*MiB.*")).toList();
        assertThat(sampleLines).hasSizeGreaterThanOrEqualTo(8);
        JsonNode samples = report.path("samples");
        assertThat(samples.size()).isEqualTo(sampleLines.size());
        for (JsonNode sample : samples) {
            for (String process : List.of("gateway", "node 1", "node 2")) {
                assertThat(sample.path("residentBytes").path(process).asLong()).as(process).isGreaterThan(10L << 20);
            }
        }
        assertThat(report.path("memory").path("processes").size()).isEqualTo(3);
        assertThat(run.stdout()).containsPattern("memory          (flat|GREW): resident memory from the first sample after the warm-up")
                .doesNotContain("note:");
        assertThat(report.path("settings").path("heapFixedAndPreTouched").asBoolean()).isTrue();

        assertThat(run.stderr()).contains("stopped 2 nodes (exit codes 0, 0)");
        Matcher pids = NODE_PID.matcher(run.stderr());
        int nodes = 0;
        while (pids.find()) {
            nodes++;
            assertThat(ProcessHandle.of(Long.parseLong(pids.group(1))).map(ProcessHandle::isAlive).orElse(false))
                    .as("node process %s is gone", pids.group(1)).isFalse();
        }
        assertThat(nodes).isEqualTo(2);
    }

    @Test
    void refusesASampleIntervalThatLeavesMemoryUnjudged() throws Exception {
        FarProcess.expectOneLineError(new String[] {"bench", "load", "--model", Stories260K.gguf().toString(), "--minutes", "0.25",
                "--sample-seconds", "10"}, "--sample-seconds must be 0.1 to 3.0 (a fifth of the run, so memory is sampled several "
                + "times after the warm-up), got 10.0");
    }
}
