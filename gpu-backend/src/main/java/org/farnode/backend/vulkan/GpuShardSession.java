package org.farnode.backend.vulkan;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lwjgl.vulkan.VkCommandBuffer;

/**
 * One session on a {@link GpuShard}: a KV cache per layer in device memory, and the command
 * buffers of the window sizes it has used, recorded once and resubmitted (the start position
 * travels in a small buffer the kernels read, so a recording serves every position).
 */
public final class GpuShardSession implements AutoCloseable {
    private final GpuShard shard;
    private final List<GpuBuffer> keyCaches = new ArrayList<>();
    private final List<GpuBuffer> valueCaches = new ArrayList<>();
    private final List<long[]> sets = new ArrayList<>();
    private final Map<Integer, VkCommandBuffer> recorded = new HashMap<>();
    private int length;
    private boolean closed;

    GpuShardSession(GpuShard shard) {
        this.shard = shard;
        int layers = shard.layers.size();
        if (shard.openSessions.incrementAndGet() > ComputePipeline.MAX_SETS / layers) {
            shard.openSessions.decrementAndGet();
            throw new VulkanException("this GPU shard of " + layers + " layers holds at most " + ComputePipeline.MAX_SETS / layers
                    + " sessions at once; close one first");
        }
        long cacheBytes = 4L * shard.shape.contextLength() * shard.shape.kvDim();
        for (int l = 0; l < shard.layers.size(); l++) {
            // Not zeroed here: attention reads only positions a window has written (they are wiped at close).
            GpuBuffer keys = GpuBuffer.deviceLocal(shard.device, cacheBytes);
            GpuBuffer values = GpuBuffer.deviceLocal(shard.device, cacheBytes);
            keyCaches.add(keys);
            valueCaches.add(values);
            sets.add(new long[] {
                    shard.kernels.ropeKv.bind(shard.qkv, shard.cos, shard.sin, keys, values, shard.step),
                    shard.kernels.attention.bind(shard.qkv, keys, values, shard.attended, shard.step),
                    shard.kernels.attentionDecode.bind(shard.qkv, keys, values, shard.attended, shard.step, shard.cos, shard.sin)});
        }
    }

    /** Positions cached so far. */
    public int length() {
        return length;
    }

    /**
     * Runs positions {@code [start, start + count)}, whose hidden states are {@code x} ({@code count ×
     * dim} floats, replaced by the result), through the shard's layers. {@code start} must equal
     * {@link #length()}.
     */
    public void forward(int start, float[] x, int count) {
        requireFits(start, x, count);
        synchronized (shard) {
            requireOpen();
            int done = 0;
            while (done < count) {
                int part = Math.min(shard.shape.maxWindow(), count - done);
                run(start + done, x, done, part);
                done += part;
            }
        }
    }

    private void requireFits(int start, float[] x, int count) {
        int dim = shard.shape.dim();
        if (start != length || count < 1 || start + count > shard.shape.contextLength() || x.length < count * dim) {
            throw new IllegalArgumentException("window of " + count + " positions from " + start + " does not fit a session of "
                    + length + " cached positions and a context of " + shard.shape.contextLength());
        }
    }

    private void run(int start, float[] x, int firstRow, int count) {
        runRecorded(start, x, firstRow, count,
                recorded.computeIfAbsent(count, n -> shard.device.recordReusable(c -> shard.record(c, n, sets))));
    }

    private void runRecorded(int start, float[] x, int firstRow, int count, VkCommandBuffer commands) {
        int dim = shard.shape.dim();
        int stride = shard.shape.dimStride();
        MemorySegment io = shard.io.mapped();
        for (int i = 0; i < count; i++) {
            MemorySegment.copy(x, (firstRow + i) * dim, io, ValueLayout.JAVA_FLOAT, 4L * i * stride, dim);
        }
        shard.stepHost.mapped().set(ValueLayout.JAVA_INT, 0, start);
        shard.device.submitAndWait(commands);
        for (int i = 0; i < count; i++) {
            MemorySegment.copy(io, ValueLayout.JAVA_FLOAT, 4L * i * stride, x, (firstRow + i) * dim, dim);
        }
        length = start + count;
    }

    /**
     * As {@link #forward} for a window of at most the shard's largest window, recorded afresh with a
     * GPU timestamp after every op: microseconds per kind of op (summed over the layers) and
     * {@code total}. A diagnostic for benchmarks; the timestamps cost a little time themselves.
     */
    public java.util.Map<String, Double> forwardProfiled(int start, float[] x, int count) {
        if (count > shard.shape.maxWindow()) {
            throw new IllegalArgumentException("a profiled window holds at most " + shard.shape.maxWindow() + " positions, got " + count);
        }
        requireFits(start, x, count);
        synchronized (shard) {
            requireOpen();
            try (OpTimestamps marks = new OpTimestamps(shard.device, 16 + 12 * shard.layers.size())) {
                VkCommandBuffer commands = shard.device.recordReusable(c -> shard.record(c, count, sets, marks));
                try {
                    runRecorded(start, x, 0, count, commands);
                } finally {
                    shard.device.free(commands);
                }
                return marks.microsecondsByName();
            }
        }
    }

    /** Forgets positions at and after {@code newLength}; later windows overwrite them. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a session of " + length + " positions to " + newLength);
        }
        length = newLength;
    }

    /** Wipes the caches and frees the session's device memory and command buffers. */
    @Override
    public void close() {
        synchronized (shard) {
            if (closed) {
                return;
            }
            closed = true;
            shard.openSessions.decrementAndGet();
            shard.device.waitIdle();
            recorded.values().forEach(shard.device::free);
            for (int l = 0; l < keyCaches.size(); l++) {
                shard.kernels.ropeKv.release(sets.get(l)[0]);
                shard.kernels.attention.release(sets.get(l)[1]);
                shard.kernels.attentionDecode.release(sets.get(l)[2]);
                keyCaches.get(l).zero();
                valueCaches.get(l).zero();
                keyCaches.get(l).close();
                valueCaches.get(l).close();
            }
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the session is closed");
        }
    }
}
