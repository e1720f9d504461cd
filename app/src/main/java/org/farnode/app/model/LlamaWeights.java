package org.farnode.app.model;

import org.farnode.backend.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * All weights of a Llama model, split the way the network splits them: the gateway's part
 * (token embedding, final norm, LM head) and the per-layer blocks that shards serve.
 */
public record LlamaWeights(
        ModelConfig config,
        Tensor tokenEmbedding, // [dim, vocab]
        List<LayerWeights> layers,
        Tensor outputNorm,     // [dim]
        Tensor output) {       // [dim, vocab]; the embedding itself when tied

    public LlamaWeights {
        layers = List.copyOf(layers);
        if (layers.size() != config.blockCount()) {
            throw new ModelLoadException("expected " + config.blockCount() + " layers of weights, found " + layers.size());
        }
        int dim = config.embeddingLength();
        int kv = config.kvDimension();
        int ffn = config.feedForwardLength();
        int vocab = config.vocabularySize();
        expectShape(tokenEmbedding, dim, vocab);
        expectShape(outputNorm, dim);
        expectShape(output, dim, vocab);
        for (LayerWeights layer : layers) {
            expectShape(layer.attentionNorm(), dim);
            expectShape(layer.query(), dim, dim);
            expectShape(layer.key(), dim, kv);
            expectShape(layer.value(), dim, kv);
            expectShape(layer.attentionOutput(), dim, dim);
            expectShape(layer.ffnNorm(), dim);
            expectShape(layer.ffnGate(), dim, ffn);
            expectShape(layer.ffnUp(), dim, ffn);
            expectShape(layer.ffnDown(), ffn, dim);
            if (layer.hasBiases() != config.architecture().qkvBiases()) {
                throw new ModelLoadException("a " + config.architecture().key() + " layer " + (layer.hasBiases() ? "has no" : "needs")
                        + " Q/K/V biases");
            }
            if (layer.hasBiases()) {
                expectShape(layer.queryBias(), dim);
                expectShape(layer.keyBias(), kv);
                expectShape(layer.valueBias(), kv);
            }
        }
    }

    private static void expectShape(Tensor tensor, long... shape) {
        if (!Arrays.equals(tensor.shape(), shape)) {
            throw new ModelLoadException("tensor " + tensor.name() + " has shape " + Arrays.toString(tensor.shape())
                    + " but the model's hyperparameters require " + Arrays.toString(shape));
        }
        if (!tensor.type().computable()) {
            throw new org.farnode.backend.tensor.UnsupportedTensorTypeException(tensor.name(), tensor.type());
        }
    }

    /** Bytes of weights read per decoded token: every layer, the final norm, the LM head and one embedding row. */
    public long bytesReadPerToken() {
        long total = outputNorm.data().byteSize() + output.data().byteSize() + tokenEmbedding.rowBytes();
        for (LayerWeights layer : layers) {
            total += layer.byteSize();
        }
        return total;
    }
}
