package org.farnode.app.cli;

import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.GenerationResult;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardStage;
import org.farnode.backend.Backend;
import org.farnode.backend.ops.Ops;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code far generate}: streams a completion of a prompt, produced on this machine. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt, printing it as it is produced.")
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--prompt", defaultValue = "", description = "Prompt text (default: empty, start from BOS).")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "256", description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "0 = greedy; higher = more random (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", defaultValue = "40", description = "Sample among the k most likely tokens; 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.95", description = "Nucleus sampling threshold in (0, 1] (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--seed", description = "Random seed for sampling (default: from the clock; printed with --stats).")
    Long seed;

    @Option(names = "--shards", description = "Run as a local route of shards, e.g. 0:2,2:5 (default: one shard with every layer).")
    String shards;

    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--stats", description = "Print token counts and speeds to stderr when done.")
    boolean stats;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("--max-tokens must be >= 0, got " + maxTokens);
        }
        long usedSeed = seed != null ? seed : System.nanoTime();
        SamplingSettings sampling = new SamplingSettings(temperature, topK, topP, usedSeed);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LoadedModel loaded = model.open();
             Backend backend = backendOptions.open()) {
            Ops ops = backend.ops();
            List<ShardStage> route = route(loaded, ops);
            Generator generator = new Generator(new GatewayModel(loaded.weights(), ops), loaded.tokenizer(), route);
            int[] promptTokens = generator.promptTokens(prompt);
            out.print(prompt);
            out.flush();
            GenerationResult result = generator.generate(promptTokens, maxTokens, sampling, (id, text) -> {
                out.print(text);
                out.flush();
            });
            out.println();
            out.flush();
            route.forEach(ShardStage::close);
            if (stats) {
                err.printf("prompt %d tokens, %.1f tokens/s; generated %d tokens, %.2f tokens/s; stopped: %s; seed %d; %s%n",
                        result.promptTokens().length, result.prefillTokensPerSecond(), result.generatedTokens().length,
                        result.decodeTokensPerSecond(), result.stopReason(), usedSeed, backend.description());
            }
        }
        return 0;
    }

    private List<ShardStage> route(LoadedModel loaded, Ops ops) {
        int blocks = loaded.config().blockCount();
        List<ShardStage> route = new ArrayList<>();
        if (shards == null) {
            route.add(new ShardRunner(loaded.weights(), LayerRange.all(blocks), ops).openSession());
            return route;
        }
        for (String part : shards.split(",")) {
            route.add(new ShardRunner(loaded.weights(), LayerRange.parse(part, blocks), ops).openSession());
        }
        return route;
    }
}
