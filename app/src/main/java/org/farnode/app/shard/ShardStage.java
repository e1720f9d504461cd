package org.farnode.app.shard;

/**
 * One session's view of one shard on its route: push a window of hidden states through the
 * shard's layers. Implemented in-process by {@link ShardSession} and, across the network, by the
 * gateway's peer client.
 */
public interface ShardStage extends AutoCloseable {

    LayerRange layers();

    /**
     * Runs positions {@code [startPosition, startPosition + window.positions())} through this shard's
     * layers, extending its KV cache, and returns the resulting hidden states.
     * {@code startPosition} must equal the number of positions already cached.
     */
    HiddenStates forward(int startPosition, HiddenStates window);

    /** Forgets cached positions at and after {@code length}. */
    void truncate(int length);

    /**
     * Forgets cached positions at and after {@code length} before the next window, which will
     * start there; a stage may fold this into that window rather than act now (a remote stage
     * does: the node drops them when the window arrives, at no extra trip).
     */
    default void forgetBeforeNextWindow(int length) {
        truncate(length);
    }

    /** Ends the session and wipes its cache. */
    @Override
    void close();
}
