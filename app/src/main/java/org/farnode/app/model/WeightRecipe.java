package org.farnode.app.model;

import org.farnode.backend.tensor.GgmlType;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Which stored type each matrix of a model gets: one type for every matrix, or llama.cpp's
 * {@code Q4_K_M} mixture. Norm weights are always F32 and are not a recipe's business.
 *
 * <p>{@code Q4_K_M} follows llama-quantize's default recipe for Llama models: Q4_K for every
 * matrix except {@code output.weight}, which is Q6_K, and {@code attn_v} and {@code ffn_down} of
 * the layers that get "more bits" ({@link #moreBits}), also Q6_K. The llama.cpp-made reference
 * file {@code tiny-llama-Q4_K_M-mix.gguf} of ../shared/testdata/kquants has exactly this mixture.
 *
 * @param name     what {@code far synth --type} calls it
 * @param base     the type of most matrices
 * @param fileType llama.cpp's {@code llama_ftype} for {@code general.file_type}
 */
public record WeightRecipe(String name, GgmlType base, int fileType) {
    private static final List<GgmlType> UNIFORM_TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0,
            GgmlType.Q4_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);

    /** llama-quantize's default Q4_K mixture (file type 15, MOSTLY_Q4_K_M). */
    public static final WeightRecipe Q4_K_M = new WeightRecipe("Q4_K_M", GgmlType.Q4_K, 15);

    /** Every matrix {@code type}. */
    public static WeightRecipe uniform(GgmlType type) {
        if (!UNIFORM_TYPES.contains(type)) {
            throw new IllegalArgumentException("weight type must be one of " + UNIFORM_TYPES + ", got " + type);
        }
        return new WeightRecipe(type.name(), type, uniformFileType(type));
    }

    /** Every name {@link #parse} accepts. */
    public static List<String> names() {
        return Stream.concat(UNIFORM_TYPES.stream().map(Enum::name), Stream.of(Q4_K_M.name())).toList();
    }

    /** A recipe by name, case-insensitively: a type name ({@code Q8_0}, {@code Q4_K}, ...) or {@code Q4_K_M}. */
    public static WeightRecipe parse(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.equals(Q4_K_M.name())) {
            return Q4_K_M;
        }
        return UNIFORM_TYPES.stream().filter(t -> t.name().equals(upper)).findFirst().map(WeightRecipe::uniform)
                .orElseThrow(() -> new IllegalArgumentException("weight type " + name + " is not one of " + names()));
    }

    /** The type of matrix {@code tensorName} in a model of {@code blockCount} layers. */
    public GgmlType typeOf(String tensorName, int blockCount) {
        if (!equals(Q4_K_M)) {
            return base;
        }
        if (tensorName.equals("output.weight")) {
            return GgmlType.Q6_K;
        }
        if (tensorName.startsWith("blk.") && (tensorName.endsWith(".attn_v.weight") || tensorName.endsWith(".ffn_down.weight"))) {
            int layer = Integer.parseInt(tensorName.substring(4, tensorName.indexOf('.', 4)));
            return moreBits(layer, blockCount) ? GgmlType.Q6_K : GgmlType.Q4_K;
        }
        return GgmlType.Q4_K;
    }

    /** The largest block size among the types this recipe uses: every matrix row must be a multiple of it. */
    public int blockSize() {
        return equals(Q4_K_M) ? GgmlType.Q6_K.blockSize() : base.blockSize();
    }

    /** Whether any matrix is quantized (the file then carries {@code general.quantization_version}). */
    public boolean quantized() {
        return base.quantized();
    }

    /**
     * llama-quantize's choice of layers for more bits: the first and last eighth of the layers,
     * and every third layer in between.
     */
    static boolean moreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /** llama.cpp's {@code llama_ftype} for a model whose matrices are all {@code type}. */
    private static int uniformFileType(GgmlType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case Q2_K -> 10;
            case Q3_K -> 11; // MOSTLY_Q3_K_S: every matrix Q3_K
            case Q4_K -> 14; // MOSTLY_Q4_K_S
            case Q5_K -> 16; // MOSTLY_Q5_K_S
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("no llama file type for " + type);
        };
    }
}
