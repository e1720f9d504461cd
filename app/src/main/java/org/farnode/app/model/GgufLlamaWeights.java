package org.farnode.app.model;

import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.model.gguf.GgufMetadata;
import org.farnode.backend.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the hyperparameters and weight views of a GGUF file of the Llama family: every
 * {@link Architecture#SUPPORTED} architecture, its keys under its own prefix.
 */
public final class GgufLlamaWeights {
    public static final List<String> SUPPORTED_ARCHITECTURES = Architecture.SUPPORTED.stream().map(Architecture::key).toList();

    private static final System.Logger LOG = System.getLogger(GgufLlamaWeights.class.getName());

    private GgufLlamaWeights() {
    }

    public static ModelConfig config(GgufFile file) {
        GgufMetadata meta = file.metadata();
        String key = meta.optionalString("general.architecture").orElseThrow(() -> new ModelLoadException(
                file.path() + " has no general.architecture key; is it a model file?"));
        Architecture architecture = Architecture.named(key, file.path());
        String arch = architecture.key();
        int dim = meta.integer(arch + ".embedding_length");
        int heads = meta.integer(arch + ".attention.head_count");
        int vocab = meta.optionalInteger(arch + ".vocab_size").orElseGet(() -> embeddingRows(file));
        int ropeDimension = meta.optionalInteger(arch + ".rope.dimension_count").orElse(dim / heads);
        float ropeBase = meta.optionalFloat(arch + ".rope.freq_base").orElse(10000f);
        return new ModelConfig(
                dim,
                meta.integer(arch + ".feed_forward_length"),
                meta.integer(arch + ".block_count"),
                heads,
                meta.optionalInteger(arch + ".attention.head_count_kv").orElse(heads),
                vocab,
                servedContext(file, arch),
                meta.optionalFloat(arch + ".attention.layer_norm_rms_epsilon").orElse(1e-5f),
                ropeBase,
                ropeDimension,
                architecture,
                RopeScaling.of(file, arch, ropeDimension, ropeBase));
    }

    /**
     * The context this engine serves: the file's context length, clamped to the sliding attention
     * window when the file has a smaller one (attention over the whole context equals sliding-window
     * attention only while the context fits in the window).
     */
    private static int servedContext(GgufFile file, String arch) {
        int context = file.metadata().integer(arch + ".context_length");
        int window = file.metadata().optionalInteger(arch + ".attention.sliding_window").orElse(0);
        if (window > 0 && window < context) {
            LOG.log(System.Logger.Level.WARNING, "{0} uses sliding-window attention over {1} positions, which this engine does not"
                    + " implement; serving a context of {1} instead of {2}", file.path(), window, context);
            return window;
        }
        return context;
    }

    private static int embeddingRows(GgufFile file) {
        if (!file.hasTensor("token_embd.weight")) {
            throw new ModelLoadException(file.path() + " lacks tensor token_embd.weight, which a llama model needs");
        }
        return Math.toIntExact(file.tensorInfos().get("token_embd.weight").elementCount()
                / file.tensorInfos().get("token_embd.weight").shape()[0]);
    }

    public static LlamaWeights weights(GgufFile file) {
        ModelConfig config = config(file);
        boolean biases = config.architecture().qkvBiases();
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < config.blockCount(); i++) {
            String p = "blk." + i + ".";
            layers.add(new LayerWeights(
                    tensor(file, config, p + "attn_norm.weight"),
                    tensor(file, config, p + "attn_q.weight"),
                    tensor(file, config, p + "attn_k.weight"),
                    tensor(file, config, p + "attn_v.weight"),
                    tensor(file, config, p + "attn_output.weight"),
                    tensor(file, config, p + "ffn_norm.weight"),
                    tensor(file, config, p + "ffn_gate.weight"),
                    tensor(file, config, p + "ffn_up.weight"),
                    tensor(file, config, p + "ffn_down.weight"),
                    biases ? tensor(file, config, p + "attn_q.bias") : null,
                    biases ? tensor(file, config, p + "attn_k.bias") : null,
                    biases ? tensor(file, config, p + "attn_v.bias") : null));
        }
        Tensor embedding = tensor(file, config, "token_embd.weight");
        // Without output.weight the LM head is tied to the embedding table.
        Tensor output = file.hasTensor("output.weight") ? file.tensor("output.weight") : embedding;
        return new LlamaWeights(config, embedding, layers, tensor(file, config, "output_norm.weight"), output);
    }

    private static Tensor tensor(GgufFile file, ModelConfig config, String name) {
        if (!file.hasTensor(name)) {
            throw new ModelLoadException(file.path() + " lacks tensor " + name + ", which a " + config.architecture().key()
                    + " model needs");
        }
        return file.tensor(name);
    }
}
