package org.farnode.app.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.farnode.app.bench.LoadSample;
import org.farnode.app.bench.ProcessMemory;
import org.farnode.app.bench.SoakSessions;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.directory.Route;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.swarm.NodeProcess;
import org.farnode.backend.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code far bench load}: a load and soak test. Starts node processes on this machine sharing the
 * model's layers, runs many generation sessions through them side by side for a set time (each
 * session opening its own route, generating, closing, and the next starting at once), samples the
 * memory of every process as it goes, and reports the time per token, the errors, and whether
 * memory stayed flat. Exits with 1 when any session failed, with 2 when none did but a process's
 * memory grew, so a script running the soak notices either.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Run many generation sessions at once through local node processes for a set time; report the time per "
                + "token (p50/p90/p99), errors, and the memory of every process over time. Exit code 1: a session failed; "
                + "2: none did, but a process's memory grew after the warm-up.")
final class BenchLoadCommand implements Callable<Integer> {
    private static final Duration NODE_START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration NODE_STOP_GRACE = Duration.ofSeconds(10);
    /** How long a hop may take to answer before the session fails: generous, as a loaded 2-core machine is slow. */
    private static final Duration HOP_TIMEOUT = Duration.ofSeconds(60);
    /** Memory is judged from the first sample after this share of the run: before it the processes are still warming up. */
    static final double WARM_UP_SHARE = 0.2;
    static final int MOST_SESSIONS = 1024;
    /** Sampling limits as far generate's defaults, so the sessions pick tokens as a user's would. */
    private static final int TOP_K = 40;
    private static final float TOP_P = 0.95f;
    /** Story openings (the sessions cycle through them, each sampling with its own seed, so no two sessions are alike). */
    static final List<String> PROMPTS = List.of("Once upon a time", "One day, a little girl named Lily", "Tom had a red ball",
            "The sun was shining and", "There was a big tree in the park", "Sam and his dog went", "A little bird wanted to fly",
            "Mom said it was time to", "The cat saw a fish", "In a small house lived", "Ben found a shiny rock",
            "It was a rainy day, so", "The boy wanted to play with", "Anna liked to draw", "Once there was a kind old man",
            "The little car went fast");

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--nodes", defaultValue = "2", description = "Node processes to start, the layers split evenly among them (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--sessions", defaultValue = "32", description = "Generation sessions running at once (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--minutes", defaultValue = "10", description = "How long to keep starting sessions; decimals allowed, e.g. 0.5 "
            + "(default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--tokens-per-session", defaultValue = "128", description = "Tokens each session generates (fewer when the model "
            + "ends its text) before it closes and the next one opens (default: ${DEFAULT-VALUE}).")
    int tokensPerSession;

    @Option(names = "--sample-seconds", defaultValue = "10", description = "Seconds between memory samples and progress lines "
            + "(default: ${DEFAULT-VALUE}).")
    double sampleSeconds;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Sampling temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the first session's sampling; session n uses seed + n "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures and every memory sample to FILE as JSON.")
    Path json;

    @Mixin
    CodecOptions codecOptions;

    @Mixin
    BackendOptions backendOptions;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LoadedModel loaded = model.open(); Backend backend = backendOptions.openCpu()) {
            List<int[]> prompts = promptTokens(loaded);
            List<LayerRange> split = Route.evenSplit(loaded.config().blockCount(), nodes);
            ModelId modelId = ModelFingerprint.of(loaded.path());
            HiddenStateCodec codec = codecOptions.codec(modelId);
            Path work = Files.createTempDirectory("far-load-");
            List<NodeProcess> started = new ArrayList<>();
            try {
                List<PeerAddress> peers = startNodes(split, work, started, err);
                ProcessMemory.residentUnavailableReason().ifPresent(why -> err.println("far: resident memory is not measured: " + why));
                err.flush();
                SoakSessions load = new SoakSessions(new GatewayModel(loaded.weights(), backend.ops()), loaded.tokenizer(),
                        () -> PeerRoute.open(peers, modelId, LayerRange.all(loaded.config().blockCount()), codec, HOP_TIMEOUT),
                        prompts, tokensPerSession, new SamplingSettings(temperature, TOP_K, TOP_P, seed));
                err.println("warming up: one session, not measured...");
                err.flush();
                try {
                    load.warmUp();
                } catch (RuntimeException e) {
                    throw new IllegalStateException("the warm-up session failed, so the load test did not start: " + e.getMessage(), e);
                }
                LoadReport.Settings settings = new LoadReport.Settings(loaded.path().getFileName().toString(), split, sessions,
                        minutes, tokensPerSession, sampleSeconds, codec.name(), temperature, seed, WARM_UP_SHARE * minutes * 60,
                        ProcessMemory.heapFixedAndPreTouched());
                if (!settings.heapFixed()) {
                    err.println("far: note: " + LoadReportText.HEAP_NOT_FIXED);
                }
                LoadReport report = new LoadRun(load, started, settings, out).run();
                LoadReportText.print(report, out);
                if (json != null) {
                    Files.writeString(json, LoadReportJson.write(report));
                }
                return exitCode(report);
            } finally {
                stopAll(started, err);
                SwarmCommand.deleteQuietly(work);
            }
        }
    }

    /** Starts one node per range of {@code split}, adding each to {@code started} at once (so it is stopped whatever happens next). */
    private List<PeerAddress> startNodes(List<LayerRange> split, Path work, List<NodeProcess> started, PrintWriter err) throws Exception {
        List<PeerAddress> peers = new ArrayList<>();
        for (int i = 0; i < split.size(); i++) {
            NodeProcess node = NodeProcess.start(nodeArguments(i, split.get(i), work), work.resolve("node-" + (i + 1) + ".log"),
                    NODE_START_TIMEOUT);
            started.add(node);
            peers.add(node.ready().address());
            err.printf("node %d: pid %d, layers %s, %s%n", i + 1, node.pid(), node.ready().layers(), node.ready().address().describe());
        }
        return peers;
    }

    /** 1 when a session failed, else 2 when memory grew after the warm-up, else 0 (also when memory could not be judged). */
    static int exitCode(LoadReport report) {
        if (report.errors().count() > 0) {
            return 1;
        }
        return report.memoryFlat().orElse(true) ? 0 : 2;
    }

    /** Refuses options that cannot make a run, before the model is loaded or a node started. */
    private void checkOptions() {
        if (nodes < 1) {
            throw new IllegalArgumentException("--nodes must be at least 1, got " + nodes);
        }
        if (sessions < 1 || sessions > MOST_SESSIONS) {
            throw new IllegalArgumentException("--sessions must be 1 to " + MOST_SESSIONS + " (each runs on a thread of its own), got " + sessions);
        }
        if (!(minutes > 0) || Double.isInfinite(minutes)) {
            throw new IllegalArgumentException("--minutes must be a number more than 0 (decimals allowed, e.g. 0.5), got " + minutes);
        }
        if (tokensPerSession < 1) {
            throw new IllegalArgumentException("--tokens-per-session must be at least 1, got " + tokensPerSession);
        }
        double mostSampleSeconds = minutes * 60 / 5;
        if (!(sampleSeconds >= 0.1) || sampleSeconds > mostSampleSeconds) {
            throw new IllegalArgumentException(String.format("--sample-seconds must be 0.1 to %.1f (a fifth of the run, so memory is "
                    + "sampled several times after the warm-up), got %s", Math.max(0.1, mostSampleSeconds), sampleSeconds));
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be 0 (greedy) or more, got " + temperature);
        }
        if (json != null && json.toAbsolutePath().getParent() != null && !Files.isDirectory(json.toAbsolutePath().getParent())) {
            throw new IllegalArgumentException("--json " + json + ": the directory " + json.toAbsolutePath().getParent() + " does not exist");
        }
        codecOptions.checkName();
    }

    /** Each prompt's token ids; refuses a --tokens-per-session that leaves the longest prompt no room in the context. */
    private List<int[]> promptTokens(LoadedModel loaded) {
        int context = loaded.config().contextLength();
        List<int[]> prompts = PROMPTS.stream().map(p -> Generator.promptTokens(loaded.tokenizer(), context, p)).toList();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        if (longest + tokensPerSession > context) {
            throw new IllegalArgumentException("--tokens-per-session must be at most " + (context - longest) + ": the model's context holds "
                    + context + " tokens and the longest prompt takes " + longest + ", got " + tokensPerSession);
        }
        return prompts;
    }

    private List<String> nodeArguments(int index, LayerRange layers, Path work) {
        List<String> more = new ArrayList<>(backendOptions.asArguments());
        if (codecOptions.scm != null) {
            more.addAll(List.of("--scm", codecOptions.scm.toString()));
        }
        return LocalNodeArguments.of(model, layers, work.resolve("node-" + (index + 1)), more);
    }

    private static void stopAll(List<NodeProcess> nodes, PrintWriter err) throws InterruptedException {
        List<String> codes = new ArrayList<>();
        for (NodeProcess node : nodes) {
            codes.add(String.valueOf(node.stop(NODE_STOP_GRACE)));
        }
        if (!codes.isEmpty()) {
            err.println("stopped " + codes.size() + " nodes (exit codes " + String.join(", ", codes) + ")");
            err.flush();
        }
    }
}
