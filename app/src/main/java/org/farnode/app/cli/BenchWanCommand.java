package org.farnode.app.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.farnode.app.codec.Fp16Codec;
import org.farnode.app.codec.HiddenStateCodec;
import org.farnode.app.codec.HiddenStateCodecs;
import org.farnode.app.directory.Route;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.GenerationResult;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.PeerRoute;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.link.LinkEmulator;
import org.farnode.app.link.LinkSettings;
import org.farnode.app.link.OneWayLink;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.model.ModelFingerprint;
import org.farnode.app.peer.PeerAddress;
import org.farnode.app.peer.RemoteShardStage;
import org.farnode.app.protocol.ModelId;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardSession;
import org.farnode.app.shard.ShardStage;
import org.farnode.app.speculative.Speculation;
import org.farnode.app.swarm.NodeProcess;
import org.farnode.backend.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code far bench wan}: generation through separate node processes, each behind a link emulator
 * with a one-way delay and rate limits, comparing the usual way (the prompt in one window, hop
 * after hop, then one token per trip, fp16 hidden states) with the SVS codec and pipelined prompt
 * windows, and with those plus speculation (prompt lookup, and a draft model when asked for).
 * Greedy, so speculation must not change a run's tokens; it says whether it did.
 */
@Command(name = "wan", mixinStandardHelpOptions = true,
        description = "Compare one-token-per-trip fp16, the SVS codec, and SVS + speculation over emulated internet links.")
final class BenchWanCommand implements Callable<Integer> {
    private static final Duration NODE_START_TIMEOUT = Duration.ofSeconds(120);
    private static final SamplingSettings GREEDY = new SamplingSettings(0, 0, 1, 0);

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--nodes", defaultValue = "4", description = "Node processes, each behind its own emulated link (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--delay-ms", defaultValue = "40", description = "One-way delay of every link, each direction (default: ${DEFAULT-VALUE}).")
    double delayMs;

    @Option(names = "--up-mbit", defaultValue = "20", description = "Rate from the gateway to each node, Mbit/s; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    double upMbit;

    @Option(names = "--down-mbit", defaultValue = "0", description = "Rate from each node to the gateway, Mbit/s; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    double downMbit;

    @Option(names = "--prompt-file", required = true, paramLabel = "FILE", description = "Text whose first --prompt-tokens tokens are the prompt.")
    Path promptFile;

    @Option(names = "--prompt-tokens", defaultValue = "400", description = "Prompt length in tokens, BOS included (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--max-tokens", defaultValue = "96", description = "Tokens generated per run (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--scm", required = true, paramLabel = "FILE", description = "SCM codebook (far calibrate) for the SVS runs.")
    Path scm;

    @Option(names = "--svs-codec", defaultValue = "scm8", description = "The codec of the runs after the baseline: an SVS (SCM) "
            + "codec, or int8 / int4 to compare plain quantization (default: ${DEFAULT-VALUE}).")
    String svsCodec;

    @Option(names = "--draft-max", defaultValue = "8", description = "Most drafted tokens per trip (default: ${DEFAULT-VALUE}).")
    int draftMax;

    @Option(names = "--draft-model", paramLabel = "FILE", description = "Adds runs with a draft model (alone, and after prompt "
            + "lookup): a GGUF with the target's tokenizer (default with --draft-layers: the target's own file).")
    Path draftModel;

    @Option(names = "--draft-layers", description = "Adds a run with a draft model of the first N layers of --draft-model (or of "
            + "the target) and its head (default with --draft-model: all of its layers).")
    Integer draftLayers;

    @Option(names = "--prefill-window", defaultValue = "32",
            description = "Prompt positions per window in the SVS runs, the windows pipelined through the hops; the baseline sends "
                    + "the whole prompt in one window, hop after hop (default: ${DEFAULT-VALUE}).")
    int prefillWindow;

    @Mixin
    LocalLayersOptions localLayers;

    /** One configuration's outcome. */
    private record Outcome(String name, GenerationResult result, long decodeBytes, double tokensPerTrip) {
    }

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || promptTokens < 2 || maxTokens < 2 || delayMs < 0 || upMbit < 0 || downMbit < 0 || draftMax < 1
                || prefillWindow < 1 || (draftLayers != null && draftLayers < 1)) {
            throw new IllegalArgumentException("--nodes, --draft-max, --prefill-window, --draft-layers at least 1; --prompt-tokens "
                    + "and --max-tokens at least 2; delays and rates not negative");
        }
        localLayers.checkSign();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LoadedModel loaded = model.open(); Backend backend = Backend.cpu(null);
             OpenedSpeculation drafted = openDraftModel(loaded, backend, false);
             OpenedSpeculation lookupThenDrafted = openDraftModel(loaded, backend, true)) {
            int context = loaded.config().contextLength();
            if (promptTokens + maxTokens > context) {
                throw new IllegalArgumentException("--prompt-tokens " + promptTokens + " + --max-tokens " + maxTokens
                        + " do not fit the model's context of " + context);
            }
            ModelId modelId = ModelFingerprint.of(loaded.path());
            HiddenStateCodec svs = HiddenStateCodecs.byName(svsCodec, CodecOptions.calibration(scm, modelId));
            GatewayModel gateway = new GatewayModel(loaded.weights(), backend.ops());
            int[] all = loaded.tokenizer().encodeWithBos(Files.readString(promptFile));
            if (all.length < promptTokens) {
                throw new IllegalArgumentException(promptFile + " holds " + all.length + " tokens; --prompt-tokens asks for " + promptTokens);
            }
            int[] prompt = Arrays.copyOf(all, promptTokens);
            LinkSettings link = new LinkSettings(OneWayLink.of(delayMs, upMbit), OneWayLink.of(delayMs, downMbit));
            Path work = Files.createTempDirectory("far-wan-");
            List<NodeProcess> started = new ArrayList<>();
            List<LinkEmulator> links = new ArrayList<>();
            try {
                List<LayerRange> split = Route.evenSplit(localLayers.remoteLayers(loaded.config().blockCount()), nodes);
                List<PeerAddress> peers = new ArrayList<>();
                for (int i = 0; i < split.size(); i++) {
                    NodeProcess node = NodeProcess.start(nodeArguments(i, split.get(i), work), work.resolve("node-" + (i + 1) + ".log"),
                            NODE_START_TIMEOUT);
                    started.add(node);
                    PeerAddress direct = node.ready().address();
                    LinkEmulator emulator = LinkEmulator.start("127.0.0.1", 0, new InetSocketAddress(direct.host(), direct.port()), link);
                    links.add(emulator);
                    peers.add(new PeerAddress("127.0.0.1", emulator.address().getPort(), direct.nodeId()));
                    err.printf("node %d: layers %s behind a link of %s%n", i + 1, split.get(i), link.describe());
                }
                err.flush();
                // Untimed first, once per codec: the processes' JIT compiles the layers' and the codecs' code on the first windows.
                run("warm-up, fp16", loaded, backend, modelId, peers, gateway, prompt, new Fp16Codec(), Generator.WHOLE_PROMPT, null, err);
                run("warm-up, " + svs.name(), loaded, backend, modelId, peers, gateway, prompt, svs, prefillWindow, null, err);
                List<Outcome> outcomes = new ArrayList<>();
                outcomes.add(run("one token per trip, fp16", loaded, backend, modelId, peers, gateway, prompt, new Fp16Codec(),
                        Generator.WHOLE_PROMPT, null, err));
                // An SCM codec is the SVS codec; a plain quantizing one (int8, int4) is named as itself.
                boolean scm = HiddenStateCodecs.needsCalibrationName(svs.name());
                String codecRun = scm ? "SVS codec (" + svs.name() + ")" : svs.name() + " codec";
                String speculating = scm ? "SVS + DSV" : svs.name() + " + DSV";
                outcomes.add(run(codecRun, loaded, backend, modelId, peers, gateway, prompt, svs, prefillWindow, null, err));
                outcomes.add(run(speculating + ", prompt lookup", loaded, backend, modelId, peers, gateway, prompt, svs, prefillWindow,
                        Speculation.promptLookup(draftMax), err));
                if (drafted.speculation() != null) {
                    String source = (draftModel == null ? "the target's" : draftModel.getFileName() + "'s")
                            + (draftLayers == null ? " layers" : " first " + draftLayers + " layers");
                    outcomes.add(run(speculating + ", draft model (" + source + ")", loaded, backend, modelId, peers, gateway, prompt,
                            svs, prefillWindow, drafted.speculation(), err));
                    outcomes.add(run(speculating + ", prompt lookup, else the draft model", loaded, backend, modelId, peers, gateway,
                            prompt, svs, prefillWindow, lookupThenDrafted.speculation(), err));
                }
                print(out, outcomes, prompt.length, link);
            } finally {
                links.forEach(LinkEmulator::close);
                for (NodeProcess node : started) {
                    node.stop(Duration.ofSeconds(10));
                }
            }
        }
        return 0;
    }

    /** The draft-model speculation the options ask for (none without them); with {@code lookupFirst}, prompt lookup drafts first. */
    private OpenedSpeculation openDraftModel(LoadedModel loaded, Backend backend, boolean lookupFirst) throws Exception {
        return draftModel != null || draftLayers != null
                ? OpenedSpeculation.draftModel(loaded, draftModel, draftLayers, backend, GREEDY, draftMax, lookupFirst)
                : OpenedSpeculation.none();
    }

    private Outcome run(String name, LoadedModel loaded, Backend backend, ModelId modelId, List<PeerAddress> peers, GatewayModel gateway,
                        int[] prompt, HiddenStateCodec codec, int window, Speculation speculation, PrintWriter err) {
        LayerRange remoteLayers = localLayers.remoteLayers(loaded.config().blockCount());
        try (ShardSession local = localLayers.openLocalStage(backend, loaded.weights());
             PeerRoute route = PeerRoute.open(peers, modelId, remoteLayers, codec, Duration.ofSeconds(300))) {
            List<ShardStage> stages = new ArrayList<>();
            if (local != null) {
                stages.add(local);
            }
            stages.addAll(route.stages());
            Generator generator = new Generator(gateway, loaded.tokenizer(), stages, window);
            long[] atFirstToken = new long[1];
            boolean[] first = {true};
            GenerationResult result = generator.generate(prompt, maxTokens, GREEDY, (id, text) -> {
                if (first[0]) {
                    first[0] = false;
                    atFirstToken[0] = bytes(route.stages());
                }
            }, speculation);
            long decodeBytes = bytes(route.stages()) - atFirstToken[0];
            route.closeSessions();
            double perTrip = speculation == null ? 1 : speculation.stats().tokensPerRoundTrip();
            err.printf("%s: done%s%n", name, speculation == null ? "" : "; " + speculation.stats());
            err.flush();
            return new Outcome(name, result, decodeBytes, perTrip);
        }
    }

    private static long bytes(List<RemoteShardStage> stages) {
        return stages.stream().mapToLong(s -> s.traffic().bytesSent() + s.traffic().bytesReceived()).sum();
    }

    private void print(PrintWriter out, List<Outcome> outcomes, int promptLength, LinkSettings link) {
        Outcome baseline = outcomes.getFirst();
        out.printf("%d nodes, each behind %s; prompt %d tokens, %d generated, greedy; the baseline sends the prompt in one window, "
                + "hop after hop, the SVS runs in pipelined windows of %d%s%n", nodes, link.describe(), promptLength, maxTokens,
                prefillWindow, localLayers.any() ? "; the gateway runs the first " + localLayers.localLayers + " layers itself" : "");
        out.println("| run | time to first token | decode tokens/s | bytes per generated token | tokens per round trip | output |");
        out.println("| --- | --- | --- | --- | --- | --- |");
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            int generated = o.result().generatedTokens().length;
            // speculation must not change a run's tokens: it is compared with the run of the same codec without it;
            // the SVS codec is lossy, so it is compared with fp16 for information
            Outcome reference = i >= 2 ? outcomes.get(1) : baseline;
            boolean same = Arrays.equals(o.result().generatedTokens(), reference.result().generatedTokens());
            out.printf("| %s | %.0f ms (%.2f× faster) | %.2f (%.2f×) | %.0f | %.2f | %s |%n", o.name(), o.result().prefillNanos() / 1e6,
                    (double) baseline.result().prefillNanos() / o.result().prefillNanos(), o.result().decodeTokensPerSecond(),
                    o.result().decodeTokensPerSecond() / baseline.result().decodeTokensPerSecond(),
                    generated > 1 ? (double) o.decodeBytes() / (generated - 1) : Double.NaN, o.tokensPerTrip(),
                    o == baseline ? "the reference" : (same ? "identical to " : "differs from ") + reference.name());
        }
        out.flush();
    }

    private List<String> nodeArguments(int index, LayerRange layers, Path work) {
        return LocalNodeArguments.of(model, layers, work.resolve("node-" + (index + 1)), List.of("--backend", "cpu", "--scm", scm.toString()));
    }
}
