package org.farnode.app.shard;

import org.farnode.backend.vulkan.GpuShardSession;

/** A session computed on a GPU, its KV cache in device memory. */
final class GpuSessionState implements SessionState {
    private final GpuShardSession session;

    GpuSessionState(GpuShardSession session) {
        this.session = session;
    }

    @Override
    public int length() {
        return session.length();
    }

    @Override
    public void forward(int start, float[] x, int count) {
        session.forward(start, x, count);
    }

    @Override
    public void truncate(int length) {
        session.truncate(length);
    }

    @Override
    public void close() {
        session.close();
    }
}
