package org.farnode.app.shard;

/** A session computed by the CPU ops, its KV cache on the Java heap. */
final class CpuSessionState implements SessionState {
    private final ShardRunner runner;
    private final KvCache cache;

    CpuSessionState(ShardRunner runner, KvCache cache) {
        this.runner = runner;
        this.cache = cache;
    }

    @Override
    public int length() {
        return cache.length();
    }

    @Override
    public void forward(int start, float[] x, int count) {
        runner.forward(cache, start, x, count);
    }

    @Override
    public void truncate(int length) {
        cache.truncate(length);
    }

    @Override
    public void close() {
        cache.wipe();
    }
}
