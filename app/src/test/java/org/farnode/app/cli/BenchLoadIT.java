package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    void aNodeKilledDuringTheRunEndsItWithErrorsAndExitCodeOne() throws Exception {
        List<String> command = new ArrayList<>(List.of(FarProcess.launcher().toString(), "bench", "load", "--model",
                Stories260K.gguf().toString(), "--nodes", "2", "--sessions", "4", "--minutes", "1", "--sample-seconds", "1"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("FAR_NO_BUILD", "1");
        Process run = builder.start();
        run.getOutputStream().close();
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> FarProcess.readAll(run.getErrorStream()));
        BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder stdout = new StringBuilder();
        // kill node 2 once the measured run has generated tokens: a progress line "time tokens ..." with tokens above 0
        Pattern progress = Pattern.compile("^\\s+[0-9.]+\\s+([1-9]\\d*) .*");
        String line;
        while ((line = out.readLine()) != null) {
            stdout.append(line).append('\n');
            if (progress.matcher(line).matches()) {
                break;
            }
        }
        assertThat(line).as("a progress line with tokens; so far:\n" + stdout).isNotNull();
        // the launcher execs the JVM, so the node processes are its children; node 2 serves layers 3:5
        long node2 = ProcessHandle.of(run.pid()).orElseThrow().children()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("--layers 3:5")).orElse(false))
                .findFirst().orElseThrow().pid();
        ProcessHandle.of(node2).orElseThrow().destroyForcibly();
        CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> out.lines().reduce("", (a, b) -> a + b + "\n"));
        assertThat(run.waitFor(3, TimeUnit.MINUTES)).as("far bench load ends after its node was killed").isTrue();
        String report = stdout + rest.join();
        String errors = new String(stderr.join(), StandardCharsets.UTF_8);
        assertThat(run.exitValue()).as(report + errors).isEqualTo(1);
        assertThat(report).contains("node 2 exited: the run ends").containsPattern("errors          [1-9]\\d*\n")
                .containsPattern("node 2 \\(pid " + node2 + "\\) exited during the run; its log ends with: ");
        // the run ended at once, not after its minute
        Matcher tokens = Pattern.compile("tokens          \\d+ in ([0-9.]+) s").matcher(report);
        assertThat(tokens.find()).as(report).isTrue();
        assertThat(Double.parseDouble(tokens.group(1))).isLessThan(40);
    }

    @Test
    void refusesASampleIntervalThatLeavesMemoryUnjudged() throws Exception {
        FarProcess.expectOneLineError(new String[] {"bench", "load", "--model", Stories260K.gguf().toString(), "--minutes", "0.25",
                "--sample-seconds", "10"}, "--sample-seconds must be 0.1 to 3.0 (a fifth of the run, so memory is sampled several "
                + "times after the warm-up), got 10.0");
    }
}
