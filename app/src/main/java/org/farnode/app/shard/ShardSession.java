package org.farnode.app.shard;

/** A session served in this process: its own KV cache (on the CPU or a GPU) in front of a shared {@link ShardRunner}. */
public final class ShardSession implements ShardStage {
    private final ShardRunner runner;
    private final SessionState cache;

    ShardSession(ShardRunner runner, SessionState cache) {
        this.runner = runner;
        this.cache = cache;
    }

    @Override
    public LayerRange layers() {
        return runner.range();
    }

    @Override
    public synchronized HiddenStates forward(int startPosition, HiddenStates window) {
        int dim = runner.config().embeddingLength();
        if (window.width() != dim) {
            throw new IllegalArgumentException("hidden states are " + window.width() + " wide; this model's are " + dim);
        }
        if (startPosition != cache.length()) {
            throw new IllegalArgumentException("window starts at position " + startPosition
                    + " but the session has " + cache.length() + " positions cached");
        }
        float[] x = window.values().clone();
        cache.forward(startPosition, x, window.positions());
        return new HiddenStates(window.positions(), dim, x);
    }

    @Override
    public synchronized void truncate(int length) {
        cache.truncate(length);
    }

    public synchronized int length() {
        return cache.length();
    }

    @Override
    public synchronized void close() {
        cache.close();
    }
}
