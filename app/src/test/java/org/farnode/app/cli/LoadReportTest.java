package org.farnode.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.farnode.app.bench.LatencyHistogram;
import org.farnode.app.bench.LoadSample;
import org.farnode.app.bench.SessionErrors;
import org.farnode.app.shard.LayerRange;
import org.junit.jupiter.api.Test;

/** far bench load's verdict and exit code from its samples, and its text and JSON agreeing. */
class LoadReportTest {
    private static final long MIB = 1 << 20;
    private static final LoadReport.Settings SETTINGS = new LoadReport.Settings("model.gguf",
            List.of(new LayerRange(0, 3), new LayerRange(3, 5)), 32, 10, 128, 30, "fp32", 0.8f, 1, 120, true);

    @Test
    void flatMemoryAndNoErrorsExitWithZero() throws Exception {
        LoadReport report = report(new SessionErrors(), 400 * MIB, 405 * MIB);
        assertThat(report.memoryFlat()).hasValue(true);
        assertThat(BenchLoadCommand.exitCode(report)).isZero();
        assertThat(text(report)).contains("errors          0\n").contains("memory          flat:")
                .contains("  node 1        400.0 MiB at 120 s -> 405.0 MiB at 600 s: +5.0 MiB (+1.3%), flat")
                .doesNotContain("note:");
        JsonNode json = new ObjectMapper().readTree(LoadReportJson.write(report));
        assertThat(json.path("memory").path("flat").asBoolean()).isTrue();
        assertThat(json.path("samples")).hasSize(4);
        assertThat(json.path("samples").get(3).path("residentBytes").path("node 1").asLong()).isEqualTo(405 * MIB);
        assertThat(json.path("timePerTokenMs").path("p50").asDouble()).isEqualTo(19.999999);
    }

    @Test
    void aNodeThatGrewAfterTheWarmUpExitsWithTwo() throws Exception {
        LoadReport report = report(new SessionErrors(), 400 * MIB, 480 * MIB);
        assertThat(report.memoryFlat()).hasValue(false);
        assertThat(BenchLoadCommand.exitCode(report)).isEqualTo(2);
        assertThat(text(report)).contains("memory          GREW:").contains("+80.0 MiB (+20.0%), GREW");
        assertThat(new ObjectMapper().readTree(LoadReportJson.write(report)).path("memory").path("flat").asBoolean(true)).isFalse();
    }

    @Test
    void withoutAFixedHeapTheReportSaysThatGrowthMayBeTheCollectorsAndHowToRunInstead() throws Exception {
        LoadReport.Settings unfixed = new LoadReport.Settings("model.gguf", SETTINGS.nodeLayers(), 32, 10, 128, 30, "fp32", 0.8f, 1,
                120, false);
        LoadReport grown = report(new SessionErrors(), 400 * MIB, 480 * MIB);
        LoadReport report = new LoadReport(unfixed, grown.processes(), grown.samples(), 600, 10, 32, 3000, histogram(), histogram(),
                new SessionErrors());
        assertThat(text(report)).contains("  note: the heaps are not fixed and touched at start, so resident memory also grows as the "
                + "collector enlarges them, which is no leak; for a soak run with FAR_JAVA_OPTS=\"-Xms512m -Xmx512m -XX:+AlwaysPreTouch\"");
        assertThat(new ObjectMapper().readTree(LoadReportJson.write(report)).path("settings").path("heapFixedAndPreTouched").asBoolean(true))
                .isFalse();
    }

    @Test
    void anErrorExitsWithOneWhateverTheMemoryDidAndIsPrintedWithItsCount() {
        SessionErrors errors = new SessionErrors();
        errors.add(new IllegalStateException("node 2 went away"));
        errors.add(new IllegalStateException("node 2 went away"));
        assertThat(BenchLoadCommand.exitCode(report(errors, 400 * MIB, 405 * MIB))).isEqualTo(1);
        assertThat(BenchLoadCommand.exitCode(report(errors, 400 * MIB, 480 * MIB))).isEqualTo(1);
        assertThat(text(report(errors, 400 * MIB, 405 * MIB))).contains("errors          2\n  2× IllegalStateException: node 2 went away\n");
    }

    @Test
    void memoryThatCannotBeReadIsNotJudgedAndDoesNotFailTheRun() throws Exception {
        List<LoadSample> samples = new ArrayList<>();
        for (double seconds : new double[] {0, 200, 400, 600}) {
            samples.add(new LoadSample(seconds, 1000, 0, OptionalLong.of(20_000_000),
                    List.of(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty()), 50 * MIB));
        }
        LoadReport report = new LoadReport(SETTINGS, List.of("gateway", "node 1", "node 2"), samples, 600, 10, 32, 1000,
                histogram(), histogram(), new SessionErrors());
        assertThat(report.memoryFlat()).isEmpty();
        assertThat(BenchLoadCommand.exitCode(report)).isZero();
        assertThat(text(report)).contains("memory          not judged: resident memory cannot be read on this system");
        assertThat(new ObjectMapper().readTree(LoadReportJson.write(report)).path("memory").path("flat").isNull()).isTrue();
    }

    /** Samples at 0, 200, 400 and 600 s; node 1 holds {@code node1AtWarmUp} at 200 s and {@code node1AtEnd} at 600 s, the others stay put. */
    private static LoadReport report(SessionErrors errors, long node1AtWarmUp, long node1AtEnd) {
        long[] node1 = {100 * MIB, node1AtWarmUp, (node1AtWarmUp + node1AtEnd) / 2, node1AtEnd};
        double[] seconds = {0, 120, 400, 600};
        List<LoadSample> samples = new ArrayList<>();
        for (int i = 0; i < seconds.length; i++) {
            samples.add(new LoadSample(seconds[i], 1000L * i, errors.count(), OptionalLong.of(20_000_000),
                    List.of(OptionalLong.of(300 * MIB), OptionalLong.of(node1[i]), OptionalLong.of(350 * MIB)), 50 * MIB));
        }
        return new LoadReport(SETTINGS, List.of("gateway", "node 1", "node 2"), samples, 600, 10, 32, 3000, histogram(), histogram(),
                errors);
    }

    private static LatencyHistogram histogram() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 100; i++) {
            histogram.record(19_999_999); // reported exactly: no percentile exceeds the largest value recorded
        }
        return histogram;
    }

    private static String text(LoadReport report) {
        StringWriter out = new StringWriter();
        LoadReportText.print(report, new PrintWriter(out, true));
        return out.toString();
    }
}
