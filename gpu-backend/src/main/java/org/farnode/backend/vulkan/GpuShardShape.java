package org.farnode.backend.vulkan;

/**
 * The sizes a shard's kernels need, taken from the model's hyperparameters.
 *
 * @param dim           width of the residual stream
 * @param ffn           width of the SwiGLU hidden layer
 * @param heads         query heads
 * @param kvHeads       key/value heads
 * @param contextLength positions a session can hold
 * @param rmsEpsilon    epsilon of every RMSNorm
 * @param maxWindow     most positions one forward call runs at once (longer windows are split)
 */
public record GpuShardShape(int dim, int ffn, int heads, int kvHeads, int contextLength, float rmsEpsilon, int maxWindow) {

    public GpuShardShape {
        if (dim <= 0 || ffn <= 0 || heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || dim % heads != 0
                || contextLength <= 0 || maxWindow <= 0) {
            throw new IllegalArgumentException("not a valid shard shape: " + dim + " wide, ffn " + ffn + ", " + heads + " heads, "
                    + kvHeads + " KV heads, context " + contextLength + ", window " + maxWindow);
        }
    }

    public int headSize() {
        return dim / heads;
    }

    public int kvDim() {
        return kvHeads * headSize();
    }

    /** Floats between rows of the dim-wide activations: a multiple of 8, as every matmul input needs. */
    int dimStride() {
        return (dim + 7) / 8 * 8;
    }

    int ffnStride() {
        return (ffn + 7) / 8 * 8;
    }
}
