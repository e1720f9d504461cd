package org.farnode.app.model;

import org.farnode.backend.tensor.Tensor;

/**
 * The weights of one transformer block, as views of the mapped model file.
 * Matrices have ggml shape {@code [in, out]}.
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
        Tensor ffnDown) {      // [ffn, dim]

    public Tensor[] all() {
        return new Tensor[]{attentionNorm, query, key, value, attentionOutput, ffnNorm, ffnGate, ffnUp, ffnDown};
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
