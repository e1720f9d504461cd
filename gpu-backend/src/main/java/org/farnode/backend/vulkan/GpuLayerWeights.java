package org.farnode.backend.vulkan;

import org.farnode.backend.tensor.Tensor;

/**
 * One transformer layer's tensors, as the GPU shard uploads them. The Q/K/V biases are null for
 * a layer without them (Llama); a layer with any of them (Qwen2) has all three.
 */
public record GpuLayerWeights(Tensor attentionNorm, Tensor query, Tensor key, Tensor value, Tensor attentionOutput,
                              Tensor ffnNorm, Tensor ffnGate, Tensor ffnUp, Tensor ffnDown,
                              Tensor queryBias, Tensor keyBias, Tensor valueBias) {

    public GpuLayerWeights {
        boolean any = queryBias != null || keyBias != null || valueBias != null;
        if (any && (queryBias == null || keyBias == null || valueBias == null)) {
            throw new IllegalArgumentException("a layer with Q/K/V biases needs all three; got query " + queryBias
                    + ", key " + keyBias + ", value " + valueBias);
        }
    }

    /** A layer without biases. */
    public GpuLayerWeights(Tensor attentionNorm, Tensor query, Tensor key, Tensor value, Tensor attentionOutput,
                           Tensor ffnNorm, Tensor ffnGate, Tensor ffnUp, Tensor ffnDown) {
        this(attentionNorm, query, key, value, attentionOutput, ffnNorm, ffnGate, ffnUp, ffnDown, null, null, null);
    }

    public boolean hasBiases() {
        return queryBias != null;
    }
}
