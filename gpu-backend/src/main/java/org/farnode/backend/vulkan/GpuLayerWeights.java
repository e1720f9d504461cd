package org.farnode.backend.vulkan;

import org.farnode.backend.tensor.Tensor;

/** One transformer layer's tensors, as the GPU shard uploads them. */
public record GpuLayerWeights(Tensor attentionNorm, Tensor query, Tensor key, Tensor value, Tensor attentionOutput,
                              Tensor ffnNorm, Tensor ffnGate, Tensor ffnUp, Tensor ffnDown) {
}
