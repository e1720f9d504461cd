package org.farnode.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.OptionalLong;
import org.farnode.app.bench.LatencyHistogram;
import org.farnode.app.bench.LoadSample;
import org.farnode.app.bench.MemoryTrend;

/**
 * {@code far bench load --json}: the report's figures and every memory sample, for scripts. Times
 * are in milliseconds, memory in bytes; a figure that could not be measured is {@code null}. Field
 * names are spelled out here, so renaming a Java method never changes the document.
 */
final class LoadReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LoadReportJson() {
    }

    static String write(LoadReport report) throws Exception {
        ObjectNode root = MAPPER.createObjectNode();
        settings(root.putObject("settings"), report.settings());
        root.put("seconds", report.seconds());
        root.put("sessionsCompleted", report.sessionsCompleted());
        root.put("sessionsCutShort", report.sessionsCutShort());
        root.put("tokens", report.tokens());
        root.put("tokensPerSecond", report.tokensPerSecond());
        root.set("timePerTokenMs", percentiles(report.timePerToken()));
        root.set("timeToFirstTokenMs", percentiles(report.timeToFirstToken()));
        ObjectNode errors = root.putObject("errors").put("count", report.errors().count());
        ArrayNode messages = errors.putArray("messages");
        for (Map.Entry<String, Long> e : report.errors().countByMessage().entrySet()) {
            messages.addObject().put("message", e.getKey()).put("count", e.getValue());
        }
        ObjectNode memory = root.putObject("memory");
        report.memoryFlat().ifPresentOrElse(flat -> memory.put("flat", flat), () -> memory.putNull("flat"));
        memory.put("allowedGrowthShare", MemoryTrend.ALLOWED_GROWTH_SHARE).put("allowedGrowthFloorBytes", MemoryTrend.ALLOWED_GROWTH_FLOOR_BYTES);
        ArrayNode trends = memory.putArray("processes");
        for (MemoryTrend trend : report.trends()) {
            trends.addObject().put("process", trend.process()).put("fromSeconds", trend.from().seconds())
                    .put("fromBytes", trend.from().bytes()).put("toSeconds", trend.to().seconds()).put("toBytes", trend.to().bytes())
                    .put("growthBytes", trend.growthBytes()).put("flat", trend.flat());
        }
        ArrayNode samples = root.putArray("samples");
        for (LoadSample sample : report.samples()) {
            samples.add(sample(sample, report));
        }
        return MAPPER.writeValueAsString(root);
    }

    private static void settings(ObjectNode node, LoadReport.Settings settings) {
        node.put("model", settings.model()).put("nodes", settings.nodeLayers().size()).put("sessions", settings.sessions())
                .put("minutes", settings.minutes()).put("tokensPerSession", settings.tokensPerSession())
                .put("sampleSeconds", settings.sampleSeconds()).put("codec", settings.codec()).put("temperature", settings.temperature())
                .put("seed", settings.seed()).put("warmUpSeconds", settings.warmUpSeconds())
                .put("heapFixedAndPreTouched", settings.heapFixed());
        ArrayNode layers = node.putArray("nodeLayers");
        settings.nodeLayers().forEach(range -> layers.addObject().put("start", range.start()).put("end", range.end()));
    }

    private static ObjectNode percentiles(LatencyHistogram histogram) {
        ObjectNode node = MAPPER.createObjectNode().put("count", histogram.count());
        if (histogram.count() == 0) {
            return node.putNull("p50").putNull("p90").putNull("p99").putNull("max").putNull("mean");
        }
        return node.put("p50", histogram.percentileNanos(50) / 1e6).put("p90", histogram.percentileNanos(90) / 1e6)
                .put("p99", histogram.percentileNanos(99) / 1e6).put("max", histogram.maxNanos() / 1e6)
                .put("mean", histogram.meanNanos() / 1e6);
    }

    private static ObjectNode sample(LoadSample sample, LoadReport report) {
        ObjectNode node = MAPPER.createObjectNode().put("seconds", sample.seconds()).put("tokens", sample.tokens())
                .put("errors", sample.errors());
        putOptional(node, "p50TimePerTokenMs", sample.medianNanosPerToken(), 1e-6);
        ObjectNode resident = node.putObject("residentBytes");
        for (int p = 0; p < report.processes().size(); p++) {
            putOptional(resident, report.processes().get(p), sample.residentBytes().get(p), 1);
        }
        node.put("gatewayHeapBytesAfterLastCollection", sample.gatewayHeapBytes());
        return node;
    }

    private static void putOptional(ObjectNode node, String field, OptionalLong value, double scale) {
        if (value.isEmpty()) {
            node.putNull(field);
        } else if (scale == 1) {
            node.put(field, value.getAsLong());
        } else {
            node.put(field, value.getAsLong() * scale);
        }
    }
}
