package org.farnode.app.gateway;

import org.farnode.app.model.LlamaWeights;
import org.farnode.app.model.ModelConfig;
import org.farnode.app.shard.HiddenStates;
import org.farnode.backend.Backend;
import org.farnode.backend.ops.Ops;
import org.farnode.backend.tensor.Tensor;
import org.farnode.backend.vulkan.GpuMatrix;
import org.farnode.backend.vulkan.GpuMatrixProduct;

/**
 * The gateway's half of the model: token embedding in, final norm and LM head out. Token ids
 * exist only here; shards see hidden states.
 */
public final class GatewayModel {
    private final LlamaWeights weights;
    private final Ops ops;
    private final GpuMatrixProduct gpuHead;

    /** Everything on the CPU {@code ops}. */
    public GatewayModel(LlamaWeights weights, Ops ops) {
        this(weights, ops, null);
    }

    private GatewayModel(LlamaWeights weights, Ops ops, GpuMatrixProduct gpuHead) {
        this.weights = weights;
        this.ops = ops;
        this.gpuHead = gpuHead;
    }

    /**
     * The gateway half on {@code backend}: with a GPU, the LM head (the largest matrix of a decode
     * step) is multiplied there; the embedding lookup and the final norm stay on the CPU.
     */
    public static GatewayModel on(Backend backend, LlamaWeights weights) {
        Tensor head = weights.output();
        if (backend.gpu().isEmpty()) {
            return new GatewayModel(weights, backend.ops());
        }
        if (!GpuMatrix.TYPES.contains(head.type()) || head.rows() > 65535) {
            LOG.info("the LM head {} ({}, {} rows) runs on the CPU: the GPU kernels take F32, F16, Q8_0 and Q4_0 "
                    + "matrices of at most 65535 rows", head.name(), head.type(), head.rows());
            return new GatewayModel(weights, backend.ops());
        }
        return new GatewayModel(weights, backend.ops(), backend.gpu().get().matrixProduct(head));
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GatewayModel.class);

    public ModelConfig config() {
        return weights.config();
    }

    /** Embedding rows of {@code tokens}: a window of {@code tokens.length} positions. */
    public HiddenStates embed(int[] tokens) {
        ModelConfig config = weights.config();
        int dim = config.embeddingLength();
        float[] x = new float[tokens.length * dim];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= config.vocabularySize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " is outside the vocabulary [0, "
                        + config.vocabularySize() + ")");
            }
            ops.readRow(weights.tokenEmbedding(), tokens[i], x, i * dim);
        }
        return new HiddenStates(tokens.length, dim, x);
    }

    /** Logits of every position of the window: {@code positions × vocab}. */
    public float[] logits(HiddenStates states) {
        ModelConfig config = weights.config();
        float[] normed = new float[states.values().length];
        ops.rmsnorm(normed, states.values(), weights.outputNorm(), config.embeddingLength(), states.positions(),
                config.rmsEpsilon());
        float[] logits = new float[states.positions() * config.vocabularySize()];
        if (gpuHead != null) {
            gpuHead.multiply(normed, logits, states.positions());
        } else {
            ops.matmul(weights.output(), normed, logits, states.positions());
        }
        return logits;
    }
}
