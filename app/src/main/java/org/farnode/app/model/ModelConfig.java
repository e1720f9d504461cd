package org.farnode.app.model;

import org.farnode.backend.ops.RopeTable;

/**
 * The hyperparameters of a Llama-architecture model: everything the forward pass needs to know
 * about shapes, with the derived sizes computed once.
 *
 * @param embeddingLength   width of the residual stream ({@code dim})
 * @param feedForwardLength width of the SwiGLU hidden layer
 * @param blockCount        number of transformer layers
 * @param headCount         query heads
 * @param kvHeadCount       key/value heads (grouped-query attention when fewer than query heads)
 * @param vocabularySize    rows of the embedding table and of the LM head
 * @param contextLength     positions the model was trained for; the KV cache never grows past it
 * @param rmsEpsilon        epsilon of every RMSNorm
 * @param ropeBase          RoPE frequency base (theta)
 * @param ropeDimension     values of each head that are rotated (usually the head size)
 * @param architecture      the block's variant: RoPE pairing, Q/K/V biases
 * @param ropeScaling       how RoPE is stretched past the training context ({@link RopeScaling#NONE} for not at all)
 */
public record ModelConfig(int embeddingLength, int feedForwardLength, int blockCount, int headCount, int kvHeadCount,
                          int vocabularySize, int contextLength, float rmsEpsilon, float ropeBase, int ropeDimension,
                          Architecture architecture, RopeScaling ropeScaling) {

    /** A plain Llama model: interleaved RoPE, no scaling, no biases. */
    public ModelConfig(int embeddingLength, int feedForwardLength, int blockCount, int headCount, int kvHeadCount,
                       int vocabularySize, int contextLength, float rmsEpsilon, float ropeBase, int ropeDimension) {
        this(embeddingLength, feedForwardLength, blockCount, headCount, kvHeadCount, vocabularySize, contextLength, rmsEpsilon,
                ropeBase, ropeDimension, Architecture.LLAMA, RopeScaling.NONE);
    }

    public ModelConfig {
        java.util.Objects.requireNonNull(architecture, "architecture");
        java.util.Objects.requireNonNull(ropeScaling, "ropeScaling");
        positive("embedding length", embeddingLength);
        positive("feed-forward length", feedForwardLength);
        positive("block count", blockCount);
        positive("head count", headCount);
        positive("KV head count", kvHeadCount);
        positive("vocabulary size", vocabularySize);
        positive("context length", contextLength);
        if (embeddingLength % headCount != 0) {
            throw new ModelLoadException("embedding length " + embeddingLength + " is not divisible by the head count " + headCount);
        }
        if (headCount % kvHeadCount != 0) {
            throw new ModelLoadException("head count " + headCount + " is not a multiple of the KV head count " + kvHeadCount);
        }
        int headSize = embeddingLength / headCount;
        if (ropeDimension <= 0 || ropeDimension > headSize || ropeDimension % 2 != 0) {
            throw new ModelLoadException("RoPE dimension " + ropeDimension + " must be even and between 2 and the head size " + headSize);
        }
        if (ropeScaling.frequencyFactors() != null && ropeScaling.frequencyFactors().length != ropeDimension / 2) {
            throw new ModelLoadException("RoPE scaling has " + ropeScaling.frequencyFactors().length
                    + " frequency factors but the RoPE dimension " + ropeDimension + " needs " + ropeDimension / 2);
        }
    }

    /** The rotary table for every position of the context, as this model pairs and scales it. */
    public RopeTable ropeTable() {
        return new RopeTable(ropeDimension, contextLength, ropeBase, architecture.ropeStyle(), ropeScaling.frequencyFactors(),
                ropeScaling.positionScale());
    }

    private static void positive(String what, int value) {
        if (value <= 0) {
            throw new ModelLoadException(what + " must be positive, got " + value);
        }
    }

    public int headSize() {
        return embeddingLength / headCount;
    }

    /** Width of the key and value vectors of one position. */
    public int kvDimension() {
        return kvHeadCount * headSize();
    }
}
