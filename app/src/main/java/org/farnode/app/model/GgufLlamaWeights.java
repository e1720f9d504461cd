package org.farnode.app.model;

import org.farnode.app.model.gguf.GgufFile;
import org.farnode.app.model.gguf.GgufMetadata;
import org.farnode.backend.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Reads the hyperparameters and weight views of a {@code general.architecture = llama} GGUF file. */
public final class GgufLlamaWeights {
    public static final List<String> SUPPORTED_ARCHITECTURES = List.of("llama");

    private GgufLlamaWeights() {
    }

    public static ModelConfig config(GgufFile file) {
        GgufMetadata meta = file.metadata();
        String arch = meta.optionalString("general.architecture").orElseThrow(() -> new ModelLoadException(
                file.path() + " has no general.architecture key; is it a model file?"));
        if (!SUPPORTED_ARCHITECTURES.contains(arch)) {
            throw new ModelLoadException(file.path() + " has architecture '" + arch + "'; supported: "
                    + String.join(", ", SUPPORTED_ARCHITECTURES));
        }
        int dim = meta.integer(arch + ".embedding_length");
        int heads = meta.integer(arch + ".attention.head_count");
        int vocab = meta.optionalInteger(arch + ".vocab_size").orElseGet(() -> embeddingRows(file));
        return new ModelConfig(
                dim,
                meta.integer(arch + ".feed_forward_length"),
                meta.integer(arch + ".block_count"),
                heads,
                meta.optionalInteger(arch + ".attention.head_count_kv").orElse(heads),
                vocab,
                meta.integer(arch + ".context_length"),
                meta.optionalFloat(arch + ".attention.layer_norm_rms_epsilon").orElse(1e-5f),
                meta.optionalFloat(arch + ".rope.freq_base").orElse(10000f),
                meta.optionalInteger(arch + ".rope.dimension_count").orElse(dim / heads));
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
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < config.blockCount(); i++) {
            String p = "blk." + i + ".";
            layers.add(new LayerWeights(
                    tensor(file, p + "attn_norm.weight"),
                    tensor(file, p + "attn_q.weight"),
                    tensor(file, p + "attn_k.weight"),
                    tensor(file, p + "attn_v.weight"),
                    tensor(file, p + "attn_output.weight"),
                    tensor(file, p + "ffn_norm.weight"),
                    tensor(file, p + "ffn_gate.weight"),
                    tensor(file, p + "ffn_up.weight"),
                    tensor(file, p + "ffn_down.weight")));
        }
        Tensor embedding = tensor(file, "token_embd.weight");
        // Without output.weight the LM head is tied to the embedding table.
        Tensor output = file.hasTensor("output.weight") ? file.tensor("output.weight") : embedding;
        return new LlamaWeights(config, embedding, layers, tensor(file, "output_norm.weight"), output);
    }

    private static Tensor tensor(GgufFile file, String name) {
        if (!file.hasTensor(name)) {
            throw new ModelLoadException(file.path() + " lacks tensor " + name + ", which a llama model needs");
        }
        return file.tensor(name);
    }
}
