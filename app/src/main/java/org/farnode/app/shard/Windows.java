package org.farnode.app.shard;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting for a window's result from {@link ShardStage#forwardAsync} and the like. */
public final class Windows {
    private Windows() {
    }

    /** The future's value; its failure rethrown as it is (a peer's error, say), not wrapped. */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
