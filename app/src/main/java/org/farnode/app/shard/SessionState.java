package org.farnode.app.shard;

/** Where a session's KV cache lives and how a window runs through it: on the CPU or on a GPU. */
interface SessionState {
    int length();

    /** Runs {@code count} positions from {@code start}; {@code x} ({@code count × dim}) is replaced by the result. */
    void forward(int start, float[] x, int count);

    void truncate(int length);

    /** Wipes the cache. */
    void close();
}
