package org.farnode.app.cli;

import org.farnode.app.model.LlamaWeights;
import org.farnode.app.shard.LayerRange;
import org.farnode.app.shard.ShardRunner;
import org.farnode.app.shard.ShardSession;
import org.farnode.backend.Backend;
import picocli.CommandLine.Option;

/**
 * {@code --local-layers M}: the gateway runs the model's first M layers itself, so the first node
 * receives the hidden states after layer M − 1 rather than the embeddings of the tokens (from
 * which the tokens can be read back by a lookup in the embedding table); the nodes serve layers
 * M onward.
 */
final class LocalLayersOptions {

    @Option(names = "--local-layers", defaultValue = "0", paramLabel = "M",
            description = "Run the model's first M layers on this machine: the first node then receives the hidden states after "
                    + "layer M-1 instead of the tokens' embeddings, and the nodes serve layers M onward; 0 runs every layer "
                    + "on the nodes (default: ${DEFAULT-VALUE}).")
    int localLayers;

    /** Refuses a negative value before anything slow starts; the upper bound needs the model ({@link #remoteLayers}). */
    void checkSign() {
        if (localLayers < 0) {
            throw new IllegalArgumentException("--local-layers must be 0 or more (0 runs every layer on the nodes), got " + localLayers);
        }
    }

    /**
     * The layers the nodes serve: {@code [M, blockCount)}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= M < blockCount}: at least one layer must be left to the nodes
     */
    LayerRange remoteLayers(int blockCount) {
        if (localLayers < 0 || localLayers >= blockCount) {
            throw new IllegalArgumentException("--local-layers must be 0 to " + (blockCount - 1) + ": the model has " + blockCount
                    + " layers and at least one must run on the nodes (0 runs them all there), got " + localLayers);
        }
        return new LayerRange(localLayers, blockCount);
    }

    /** Whether the gateway runs any layers. */
    boolean any() {
        return localLayers > 0;
    }

    /**
     * A session of layers {@code [0, M)} on {@code backend}: the first stage of the route, before the
     * nodes'. Null when M is 0 (a try-with-resources skips it).
     */
    ShardSession openLocalStage(Backend backend, LlamaWeights weights) {
        return any() ? ShardRunner.on(backend, weights, new LayerRange(0, localLayers)).openSession() : null;
    }

    /** Where the first layers ran, as a line of the report before the hop table. */
    String describe() {
        return "layers " + new LayerRange(0, localLayers) + " ran on this gateway (--local-layers " + localLayers
                + "): the first node received the hidden states after layer " + (localLayers - 1) + ", not the tokens' embeddings";
    }
}
