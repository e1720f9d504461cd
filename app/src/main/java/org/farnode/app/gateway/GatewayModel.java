package org.farnode.app.gateway;

import org.farnode.app.model.LlamaWeights;
import org.farnode.app.model.ModelConfig;
import org.farnode.app.shard.HiddenStates;
import org.farnode.backend.ops.Ops;

/**
 * The gateway's half of the model: token embedding in, final norm and LM head out. Token ids
 * exist only here; shards see hidden states.
 */
public final class GatewayModel {
    private final LlamaWeights weights;
    private final Ops ops;

    public GatewayModel(LlamaWeights weights, Ops ops) {
        this.weights = weights;
        this.ops = ops;
    }

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
        ops.matmul(weights.output(), normed, logits, states.positions());
        return logits;
    }
}
