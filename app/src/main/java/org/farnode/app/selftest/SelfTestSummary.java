package org.farnode.app.selftest;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * What a passed self-test found, printed as one block a user can paste into a bug report: the
 * runtime, the machine, the devices and backend, the model, the swarm and the generation.
 *
 * @param devices    the Vulkan devices found
 * @param backend    what this node computed on, and why not the GPU where that needed saying
 * @param model      the model run
 * @param nodes      each node of the swarm, this node first
 * @param run        the generation
 * @param prompt     the prompt generated from
 * @param totalNanos the whole self-test
 */
record SelfTestSummary(DeviceFinding devices, String backend, ModelUnderTest model, List<String> nodes, GreedyRun run,
                       String prompt, long totalNanos) {

    static final String PASS_LINE = "far-node self-test: PASS";

    void print(PrintWriter out) {
        out.println(PASS_LINE);
        field(out, "java", Runtime.version() + " (" + System.getProperty("java.vendor") + ") at " + System.getProperty("java.home"));
        field(out, "system", System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + "), " + Runtime.getRuntime().availableProcessors() + " cores");
        field(out, "devices", devices.summary());
        field(out, "backend", backend);
        field(out, "model", model.summary());
        field(out, "swarm", nodes.size() + " nodes: " + String.join("; ", nodes));
        field(out, "tokens", String.format(Locale.ROOT, "%d in %d ms, %.1f tokens/s (greedy after a %d-token prompt, "
                        + "%s between the nodes; each node computed %d positions)", run.tokens(), Math.round(run.nanos() / 1e6),
                run.tokensPerSecond(), run.promptTokens(), run.codec(), run.nodePositions().getFirst()));
        field(out, "text", quoted(prompt) + " -> " + quoted(run.text())
                + (model.synthetic() ? " (random weights: the text means nothing)" : ""));
        field(out, "total", String.format(Locale.ROOT, "%.1f s", totalNanos / 1e9));
        out.flush();
    }

    private static void field(PrintWriter out, String name, String value) {
        out.printf("  %-8s %s%n", name, value);
    }

    /** {@code text} in quotes on one line: a synthetic model's text is any bytes, and a line break would split the block. */
    static String quoted(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || !Character.isDefined(c) || c == 0xFFFD) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", c));
                    } else {
                        quoted.appendCodePoint(c);
                    }
                }
            }
        });
        return quoted.append('"').toString();
    }
}
