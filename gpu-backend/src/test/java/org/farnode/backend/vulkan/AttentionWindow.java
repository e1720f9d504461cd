package org.farnode.backend.vulkan;

import static org.farnode.backend.vulkan.GpuArrays.download;
import static org.farnode.backend.vulkan.GpuArrays.startPosition;
import static org.farnode.backend.vulkan.GpuArrays.upload;

import org.farnode.backend.ops.ReferenceOps;
import org.farnode.backend.vulkan.GpuArrays.BoundSet;

/**
 * One window of a session, as the GPU shard runs it: a KV cache that already holds {@code start}
 * positions, then {@code rows} new positions whose keys and values kv_store appends and whose
 * queries attend causally (row i to positions {@code 0..start+i}). Rows are {@link #stride()}
 * floats apart, wider than any row, so a kernel that confuses stride and width fails; cache
 * positions not yet written hold NaN.
 */
final class AttentionWindow {
    private final int heads;
    private final int kvHeads;
    private final int headSize;
    private final int start;
    private final int rows;
    private final float[] keyHistory;
    private final float[] valueHistory;
    private final float[] queries;
    private final float[] keys;
    private final float[] values;

    /** What the window leaves behind: both caches ({@code [position][kvDim]}) and the attention output rows. */
    record Result(float[] keyCache, float[] valueCache, float[] attended) {
    }

    private AttentionWindow(int heads, int kvHeads, int headSize, int start, int rows, float[] keyHistory, float[] valueHistory,
                            float[] queries, float[] keys, float[] values) {
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headSize = headSize;
        this.start = start;
        this.rows = rows;
        this.keyHistory = keyHistory;
        this.valueHistory = valueHistory;
        this.queries = queries;
        this.keys = keys;
        this.values = values;
    }

    /** Seeded Gaussian history, queries, keys and values for a cache of {@code contextLength} positions. */
    static AttentionWindow random(int heads, int kvHeads, int headSize, int start, int rows, int contextLength) {
        int kvDim = kvHeads * headSize;
        int stride = stride(heads, headSize);
        long seed = 1_000_003L * heads + 10_007L * kvHeads + 101L * headSize + 7L * start + rows;
        return new AttentionWindow(heads, kvHeads, headSize, start, rows,
                history(contextLength, kvDim, start, seed), history(contextLength, kvDim, start, seed + 1),
                StridedRows.random(rows, stride, heads * headSize, seed + 2),
                StridedRows.random(rows, stride, kvDim, seed + 3), StridedRows.random(rows, stride, kvDim, seed + 4));
    }

    private static float[] history(int contextLength, int kvDim, int start, long seed) {
        return StridedRows.unpack(StridedRows.gaussian(start * kvDim, seed), StridedRows.poison(contextLength * kvDim), start, kvDim, kvDim);
    }

    int stride() {
        return stride(heads, headSize);
    }

    private static int stride(int heads, int headSize) {
        return heads * headSize + 8;
    }

    private int kvDim() {
        return kvHeads * headSize;
    }

    /** The caches after the window is appended and each row's attention, by the reference. */
    Result reference(ReferenceOps reference) {
        float[] keyCache = appended(keyHistory, keys);
        float[] valueCache = appended(valueHistory, values);
        float[] attended = StridedRows.poison(rows * stride());
        for (int i = 0; i < rows; i++) {
            reference.attention(queries, i * stride(), keyCache, valueCache, start + i + 1, heads, kvHeads, headSize, attended, i * stride());
        }
        return new Result(keyCache, valueCache, attended);
    }

    /** {@code history} with the window's rows written at positions {@code start..start+rows-1}, as kv_store writes them. */
    private float[] appended(float[] history, float[] window) {
        float[] cache = history.clone();
        for (int i = 0; i < rows; i++) {
            System.arraycopy(window, i * stride(), cache, (start + i) * kvDim(), kvDim());
        }
        return cache;
    }

    /**
     * Allowed error per output value: {@code tolerance} times the largest value (at that column of
     * that head's KV group) among the positions the row attends to; zero in the padding.
     */
    float[] allowance(double tolerance) {
        float[] valueCache = appended(valueHistory, values);
        float[] allowed = new float[rows * stride()];
        int group = heads / kvHeads;
        for (int i = 0; i < rows; i++) {
            for (int h = 0; h < heads; h++) {
                for (int d = 0; d < headSize; d++) {
                    double largest = 0;
                    for (int t = 0; t <= start + i; t++) {
                        largest = Math.max(largest, Math.abs(valueCache[t * kvDim() + (h / group) * headSize + d]));
                    }
                    allowed[i * stride() + h * headSize + d] = (float) (tolerance * largest);
                }
            }
        }
        return allowed;
    }

    /** kv_store then attention, recorded as GpuShard records them, in one submission. */
    Result runOn(VulkanDevice device, GpuKernels kernels) {
        try (GpuBuffer q = upload(device, queries); GpuBuffer k = upload(device, keys); GpuBuffer v = upload(device, values);
             GpuBuffer keyCache = upload(device, keyHistory); GpuBuffer valueCache = upload(device, valueHistory);
             GpuBuffer attended = upload(device, StridedRows.poison(rows * stride())); GpuBuffer step = startPosition(device, start);
             BoundSet store = BoundSet.bind(kernels.kvStore, k, v, keyCache, valueCache, step);
             BoundSet attend = BoundSet.bind(kernels.attention, q, keyCache, valueCache, attended, step)) {
            device.submitAndWait(c -> {
                kernels.kvStore.record(c, store.set(), new int[] {kvDim(), stride()}, GpuKernelsTest.groups(kvDim()), rows);
                VulkanDevice.computeBarrier(c);
                kernels.attention.record(c, attend.set(), new int[] {heads, kvHeads, headSize, stride()}, heads, rows);
            });
            return new Result(download(keyCache, keyHistory.length), download(valueCache, valueHistory.length),
                    download(attended, rows * stride()));
        }
    }
}
