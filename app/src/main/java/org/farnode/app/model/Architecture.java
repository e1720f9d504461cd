package org.farnode.app.model;

import java.util.List;
import org.farnode.backend.ops.RopeStyle;

/**
 * A GGUF {@code general.architecture} this engine runs: all are the Llama block (RMSNorm,
 * grouped-query attention with RoPE, SwiGLU feed-forward) and differ only in what is listed here.
 * Hyperparameter keys are read under {@link #key} ({@code qwen2.block_count}, ...).
 *
 * @param key          the architecture's name in the file, also the prefix of its keys
 * @param ropeStyle    how rotary pairs are formed
 * @param qkvBiases    whether each layer adds {@code blk.N.attn_q/k/v.bias} after its Q/K/V products
 */
public record Architecture(String key, RopeStyle ropeStyle, boolean qkvBiases) {
    public static final Architecture LLAMA = new Architecture("llama", RopeStyle.INTERLEAVED, false);
    /** Mistral files that name their own architecture: the Llama layout (sliding-window attention is not modelled). */
    public static final Architecture MISTRAL = new Architecture("mistral", RopeStyle.INTERLEAVED, false);
    public static final Architecture QWEN2 = new Architecture("qwen2", RopeStyle.NEOX, true);

    public static final List<Architecture> SUPPORTED = List.of(LLAMA, MISTRAL, QWEN2);

    /** The architecture named {@code key}, or a {@link ModelLoadException} that lists the supported ones. */
    public static Architecture named(String key, Object source) {
        return SUPPORTED.stream().filter(a -> a.key.equals(key)).findFirst().orElseThrow(() -> new ModelLoadException(
                source + " has architecture '" + key + "'; supported: "
                        + String.join(", ", SUPPORTED.stream().map(Architecture::key).toList())));
    }
}
