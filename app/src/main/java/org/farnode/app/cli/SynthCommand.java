package org.farnode.app.cli;

import org.farnode.app.model.SyntheticLlama;
import org.farnode.app.model.WeightRecipe;
import org.farnode.backend.tensor.GgmlType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code far synth}: writes a synthetic Llama GGUF with deterministic weights, for benchmarks and tests. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a synthetic Llama model (deterministic seeded weights) as GGUF.")
final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--shape", defaultValue = "tinyllama",
            description = "tinyllama (dim 2048, ffn 5632, 22 layers, 32 heads, 4 KV heads, vocab 32000), wide (TinyLlama's width "
                    + "with 4 layers and ffn 512: hidden states as large, far less compute; for link benchmarks) or small "
                    + "(default: ${DEFAULT-VALUE}).")
    String shape;

    @Option(names = "--type", defaultValue = "Q8_0", description = "Weight type: F32, F16, BF16, Q8_0, Q4_0, Q2_K, Q3_K, "
            + "Q4_K, Q5_K, Q6_K, or Q4_K_M (llama.cpp's mixture: Q4_K, with Q6_K for output.weight and some layers' attn_v "
            + "and ffn_down) (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--seed", defaultValue = "1", description = "Weight seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output file (.gguf).")
    Path out;

    @Option(names = "--force", description = "Overwrite an existing file.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        WeightRecipe weights;
        try {
            weights = WeightRecipe.parse(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--type " + type + " is not one of " + WeightRecipe.names());
        }
        SyntheticLlama model = switch (shape.toLowerCase()) {
            case "tinyllama" -> SyntheticLlama.tinyLlamaShape(GgmlType.F32);
            case "wide" -> SyntheticLlama.wide(GgmlType.F32);
            case "small" -> SyntheticLlama.small(GgmlType.F32);
            default -> throw new IllegalArgumentException("--shape " + shape + " is not one of: tinyllama, wide, small");
        };
        model = model.withWeights(weights);
        if (Files.exists(out) && !force) {
            throw new IllegalArgumentException(out + " already exists (add --force to overwrite)");
        }
        PrintWriter printer = spec.commandLine().getOut();
        long start = System.nanoTime();
        long bytes = model.withSeed(seed).write(out);
        printer.printf("wrote %s: %s-shaped %s model, %.3f GB in %.1f s%n", out, shape, weights.name(), bytes / 1e9,
                (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
