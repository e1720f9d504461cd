package org.farnode.app.cli;

import java.io.PrintWriter;
import java.util.List;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.gateway.GenerationResult;
import org.farnode.app.gateway.Generator;
import org.farnode.app.gateway.SamplingSettings;
import org.farnode.app.model.LoadedModel;
import org.farnode.app.shard.ShardStage;
import org.farnode.backend.Backend;
import picocli.CommandLine.Option;

/** The prompt and sampling options of every command that generates text, and the streaming loop they share. */
final class GenerationOptions {

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

    private long usedSeed;

    /** Checks the values and fixes the seed; call before any slow work so bad input fails fast. */
    SamplingSettings sampling() {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("--max-tokens must be >= 0, got " + maxTokens);
        }
        usedSeed = seed != null ? seed : System.nanoTime();
        return new SamplingSettings(temperature, topK, topP, usedSeed);
    }

    long usedSeed() {
        return usedSeed;
    }

    /** Generates through {@code route}, printing the prompt and then each piece of text as it is produced. */
    GenerationResult generate(LoadedModel loaded, Backend gatewayBackend, List<? extends ShardStage> route,
                              SamplingSettings sampling, PrintWriter out) {
        Generator generator = new Generator(GatewayModel.on(gatewayBackend, loaded.weights()), loaded.tokenizer(),
                List.copyOf(route));
        int[] promptTokens = generator.promptTokens(prompt);
        out.print(prompt);
        out.flush();
        GenerationResult result;
        try {
            result = generator.generate(promptTokens, maxTokens, sampling, (id, text) -> {
                out.print(text);
                out.flush();
            });
        } finally {
            out.println(); // ends the text's line, also when generation stops on an error
        }
        out.flush();
        return result;
    }
}
