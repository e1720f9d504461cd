package org.farnode.app.shard;

import java.util.concurrent.CompletableFuture;

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

    /**
     * {@link #forward} without waiting where the stage can: a remote stage sends the window and
     * returns, so the gateway can send the next window before this one comes back (the windows of
     * a long prompt then overlap on the links and hops). A local stage computes before it returns.
     * Windows must still be sent in position order.
     */
    default CompletableFuture<HiddenStates> forwardAsync(int startPosition, HiddenStates window) {
        try {
            return CompletableFuture.completedFuture(forward(startPosition, window));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

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
