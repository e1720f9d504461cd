package org.farnode.app.model;

import java.util.ArrayList;
import java.util.List;
import org.farnode.backend.tensor.Tensor;

/**
 * The weights of one transformer block, as views of the mapped model file.
 * Matrices have ggml shape {@code [in, out]}. The Q/K/V biases are null in a layer without them
 * (Llama); an architecture with them (Qwen2) has all three.
 */
public record LayerWeights(
        Tensor attentionNorm,  // [dim]
        Tensor query,          // [dim, dim]
        Tensor key,            // [dim, kvDim]
        Tensor value,          // [dim, kvDim]
        Tensor attentionOutput,// [dim, dim]
        Tensor ffnNorm,        // [dim]
        Tensor ffnGate,        // [dim, ffn]
        Tensor ffnUp,          // [dim, ffn]
        Tensor ffnDown,        // [ffn, dim]
        Tensor queryBias,      // [dim] or null
        Tensor keyBias,        // [kvDim] or null
        Tensor valueBias) {    // [kvDim] or null

    public LayerWeights {
        boolean any = queryBias != null || keyBias != null || valueBias != null;
        if (any && (queryBias == null || keyBias == null || valueBias == null)) {
            throw new ModelLoadException("a layer with Q/K/V biases needs all three; got query " + queryBias + ", key " + keyBias
                    + ", value " + valueBias);
        }
    }

    /** A layer without biases. */
    public LayerWeights(Tensor attentionNorm, Tensor query, Tensor key, Tensor value, Tensor attentionOutput, Tensor ffnNorm,
                        Tensor ffnGate, Tensor ffnUp, Tensor ffnDown) {
        this(attentionNorm, query, key, value, attentionOutput, ffnNorm, ffnGate, ffnUp, ffnDown, null, null, null);
    }

    public boolean hasBiases() {
        return queryBias != null;
    }

    public Tensor[] all() {
        List<Tensor> all = new ArrayList<>(List.of(attentionNorm, query, key, value, attentionOutput, ffnNorm, ffnGate, ffnUp, ffnDown));
        if (hasBiases()) {
            all.addAll(List.of(queryBias, keyBias, valueBias));
        }
        return all.toArray(Tensor[]::new);
    }

    /** Bytes of weights read to push one position through this layer. */
    public long byteSize() {
        long total = 0;
        for (Tensor t : all()) {
            total += t.data().byteSize();
        }
        return total;
    }
}
