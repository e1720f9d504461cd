package org.farnode.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
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

    @Option(names = "--speculate", defaultValue = "none",
            description = "Draft tokens and verify them in one trip: none, prompt-lookup (n-grams of the text so far), or draft-model "
                    + "(a small model run here: --draft-model, --draft-layers), or prompt-lookup,draft-model (prompt lookup where the last 3 "
                    + "tokens occurred before, the draft model elsewhere). Greedy text stays the same; sampled text keeps the "
                    + "model's distribution (default: ${DEFAULT-VALUE}).")
    String speculate;

    @Option(names = "--draft-model", description = "With --speculate draft-model: a GGUF model with the target's tokenizer "
            + "(default: the target's own file, which then needs --draft-layers).")
    Path draftModel;

    @Option(names = "--draft-layers", description = "With --speculate draft-model: how many of the draft model's layers run, from "
            + "the first, before its LM head (default: all of them).")
    Integer draftLayers;

    @Option(names = "--draft-max", defaultValue = "8", description = "Most drafted tokens per trip with --speculate (default: ${DEFAULT-VALUE}).")
    int draftMax;

    @Option(names = "--draft-min", defaultValue = "0", description = "Fewest drafted tokens per trip with --speculate; above 0, "
            + "every trip drafts even where drafting does not pay (by default the length is planned from measured costs and "
            + "acceptance, and can be 0) (default: ${DEFAULT-VALUE}).")
    int draftMin;

    private org.farnode.app.speculative.Speculation speculation;

    /** Checks the values and fixes the seed; call before any slow work so bad input fails fast. */
    SamplingSettings sampling() {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("--max-tokens must be >= 0, got " + maxTokens);
        }
        if (!List.of("none", "prompt-lookup", "draft-model", "prompt-lookup,draft-model").contains(speculate)) {
            throw new IllegalArgumentException("--speculate takes none, prompt-lookup, draft-model or prompt-lookup,draft-model, got '"
                    + speculate + "'");
        }
        checkDraftModelOptions();
        if (draftMax < 1 || draftMax > 64) {
            throw new IllegalArgumentException("--draft-max must be 1..64, got " + draftMax);
        }
        if (draftMin < 0 || draftMin > draftMax) {
            throw new IllegalArgumentException("--draft-min must be 0..--draft-max (" + draftMax + "), got " + draftMin);
        }
        usedSeed = seed != null ? seed : System.nanoTime();
        return new SamplingSettings(temperature, topK, topP, usedSeed);
    }

    private void checkDraftModelOptions() {
        if (!speculate.endsWith("draft-model")) {
            if (draftModel != null || draftLayers != null) {
                throw new IllegalArgumentException("--draft-model and --draft-layers go with --speculate draft-model (or prompt-lookup,draft-model)");
            }
            return;
        }
        if (draftLayers != null && draftLayers < 1) {
            throw new IllegalArgumentException("--draft-layers must be >= 1, got " + draftLayers);
        }
        if (draftModel == null && draftLayers == null) {
            // All of the target's layers would draft exactly what the target says, at the target's cost.
            throw new IllegalArgumentException("--speculate draft-model without --draft-model drafts with the target's own file: "
                    + "give --draft-layers N, fewer than its layers");
        }
    }

    /** The last generation's speculation statistics, as one line; empty without --speculate. */
    java.util.Optional<String> speculationReport() {
        return speculation == null ? java.util.Optional.empty()
                : java.util.Optional.of(speculation.name() + " " + speculation.stats());
    }

    long usedSeed() {
        return usedSeed;
    }

    /**
     * Generates through {@code route}, printing the prompt and then each piece of text as it is
     * produced. A draft model computes on {@code gatewayBackend}, beside the embedding and LM head.
     */
    GenerationResult generate(LoadedModel loaded, Backend gatewayBackend, List<? extends ShardStage> route,
                              SamplingSettings sampling, PrintWriter out) throws Exception {
        Generator generator = new Generator(GatewayModel.on(gatewayBackend, loaded.weights()), loaded.tokenizer(),
                List.copyOf(route));
        int[] promptTokens = generator.promptTokens(prompt);
        try (OpenedSpeculation opened = openSpeculation(loaded, gatewayBackend, sampling)) {
            speculation = opened.speculation() == null || draftMin == 0 ? opened.speculation()
                    : opened.speculation().withMinimumDraft(draftMin);
            out.print(prompt);
            out.flush();
            GenerationResult result;
            try {
                result = generator.generate(promptTokens, maxTokens, sampling, (id, text) -> {
                    out.print(text);
                    out.flush();
                }, speculation);
            } finally {
                out.println(); // ends the text's line, also when generation stops on an error
            }
            out.flush();
            return result;
        }
    }

    private OpenedSpeculation openSpeculation(LoadedModel loaded, Backend backend, SamplingSettings sampling) throws Exception {
        return switch (speculate) {
            case "prompt-lookup" -> OpenedSpeculation.promptLookup(draftMax);
            case "draft-model" -> OpenedSpeculation.draftModel(loaded, draftModel, draftLayers, backend, sampling, draftMax, false);
            case "prompt-lookup,draft-model" ->
                    OpenedSpeculation.draftModel(loaded, draftModel, draftLayers, backend, sampling, draftMax, true);
            default -> OpenedSpeculation.none();
        };
    }
}
