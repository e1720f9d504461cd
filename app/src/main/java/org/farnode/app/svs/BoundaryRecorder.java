package org.farnode.app.svs;

import java.util.ArrayList;
import java.util.List;
import org.farnode.app.gateway.GatewayModel;
import org.farnode.app.model.LlamaWeights;
import org.farnode.app.shard.HiddenStates;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.backend.ops.Ops;

/**
 * Runs token sequences through a model one layer at a time and hands over the hidden states at
 * every layer boundary: boundary 0 is the embeddings, boundary l the output of layer l − 1, up to
 * the layer count. What a calibration learns from.
 */
public final class BoundaryRecorder {
    /** Receives the hidden states of one window at one boundary. */
    @FunctionalInterface
    public interface Sink {
        void accept(int boundary, HiddenStates states);
    }

    private final GatewayModel gateway;
    private final List<ShardRunner> layers = new ArrayList<>();

    public BoundaryRecorder(LlamaWeights weights, Ops ops) {
        this.gateway = new GatewayModel(weights, ops);
        for (int l = 0; l < weights.config().blockCount(); l++) {
            layers.add(new ShardRunner(weights, new LayerRange(l, l + 1), ops));
        }
    }

    /** The layer count: boundaries run from 0 to it. */
    public int layerCount() {
        return layers.size();
    }

    /** Feeds {@code tokens} (one sequence, from position 0) in windows of at most {@code window} positions. */
    public void record(int[] tokens, int window, Sink sink) {
        List<ShardSession> sessions = new ArrayList<>();
        try {
            for (ShardRunner layer : layers) {
                sessions.add(layer.openSession());
            }
            for (int start = 0; start < tokens.length; start += window) {
                int[] part = java.util.Arrays.copyOfRange(tokens, start, Math.min(tokens.length, start + window));
                HiddenStates states = gateway.embed(part);
                sink.accept(0, states);
                for (int l = 0; l < sessions.size(); l++) {
                    states = sessions.get(l).forward(start, states);
                    sink.accept(l + 1, states);
                }
            }
        } finally {
            sessions.forEach(ShardSession::close);
        }
    }
}
