package org.farnode.app.cli;

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

    @Mixin
    GenerationOptions generation;

    @Option(names = "--shards", description = "Run as a local route of shards, e.g. 0:2,2:5 (default: one shard with every layer).")
    String shards;

    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--stats", description = "Print token counts and speeds to stderr when done.")
    boolean stats;

    @Override
    public Integer call() throws Exception {
        SamplingSettings sampling = generation.sampling();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LoadedModel loaded = model.open()) {
            // Refuse a prompt that does not fit before starting a backend (which may print a notice).
            Generator.promptTokens(loaded.tokenizer(), loaded.config().contextLength(), generation.prompt);
            List<LayerRange> ranges = layerRanges(loaded);
            try (Backend backend = backendOptions.open(err)) {
                List<ShardStage> route = route(loaded, backend, ranges);
                GenerationResult result = generation.generate(loaded, backend, route, sampling, out);
                route.forEach(ShardStage::close);
                if (stats) {
                    err.printf("prompt %d tokens, %.1f tokens/s; generated %d tokens, %.2f tokens/s; stopped: %s; seed %d; %s%n",
                            result.promptTokens().length, result.prefillTokensPerSecond(), result.generatedTokens().length,
                            result.decodeTokensPerSecond(), result.stopReason(), generation.usedSeed(), backend.description());
                    generation.speculationReport().ifPresent(err::println);
                }
            }
        }
        return 0;
    }

    /** The layer ranges of the local route: one covering every layer, or those of --shards. */
    private List<LayerRange> layerRanges(LoadedModel loaded) {
        int blocks = loaded.config().blockCount();
        if (shards == null) {
            return List.of(LayerRange.all(blocks));
        }
        List<LayerRange> ranges = java.util.Arrays.stream(shards.split(",")).map(part -> LayerRange.parse(part, blocks)).toList();
        LayerRange.requireChain(ranges, blocks);
        return ranges;
    }

    private static List<ShardStage> route(LoadedModel loaded, Backend backend, List<LayerRange> ranges) {
        List<ShardStage> route = new ArrayList<>();
        for (LayerRange range : ranges) {
            route.add(ShardRunner.on(backend, loaded.weights(), range).openSession());
        }
        return route;
    }
}
