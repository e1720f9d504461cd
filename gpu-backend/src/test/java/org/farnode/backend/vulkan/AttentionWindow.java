package org.farnode.backend.vulkan;

import static org.farnode.backend.vulkan.GpuArrays.download;
import static org.farnode.backend.vulkan.GpuArrays.startPosition;
import static org.farnode.backend.vulkan.GpuArrays.upload;

import org.farnode.backend.ops.ReferenceOps;
import org.farnode.backend.ops.RopeTable;
import org.farnode.backend.vulkan.GpuArrays.BoundSet;

/**
 * One window of a session, as the GPU shard runs it: a KV cache that already holds {@code start}
 * positions, then {@code rows} new positions laid out as the stacked Q/K/V product leaves them
 * (per row the queries, then the keys at {@link #keyOffset()}, the values at {@link #valueOffset()},
 * NaN between), which rope_kv rotates and appends and whose queries attend causally (row i to
 * positions {@code 0..start+i}). Rows are wider than their parts, so a kernel that confuses
 * offsets, strides and widths fails; cache positions not yet written hold NaN.
 */
final class AttentionWindow {
    private final int heads;
    private final int kvHeads;
    private final int headSize;
    private final int start;
    private final int rows;
    private final RopeTable rope;
    private final float[] keyHistory;
    private final float[] valueHistory;
    private final float[] qkv;

    /** What the window leaves behind: the rows with rotated queries, both caches ({@code [position][kvDim]}), the attention output rows. */
    record Result(float[] qkv, float[] keyCache, float[] valueCache, float[] attended) {
    }

    private AttentionWindow(int heads, int kvHeads, int headSize, int start, int rows, RopeTable rope, float[] keyHistory,
                            float[] valueHistory, float[] qkv) {
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headSize = headSize;
        this.start = start;
        this.rows = rows;
        this.rope = rope;
        this.keyHistory = keyHistory;
        this.valueHistory = valueHistory;
        this.qkv = qkv;
    }

    /** Seeded Gaussian history and rows for a cache of {@code contextLength} positions, rotated over {@code ropeDimension}. */
    static AttentionWindow random(int heads, int kvHeads, int headSize, int ropeDimension, int start, int rows, int contextLength) {
        return random(heads, kvHeads, headSize, start, rows, new RopeTable(ropeDimension, contextLength, 10000.0));
    }

    /** As {@link #random(int, int, int, int, int, int, int)}, rotated by {@code rope} (whose positions are the context). */
    static AttentionWindow random(int heads, int kvHeads, int headSize, int start, int rows, RopeTable rope) {
        int ropeDimension = rope.ropeDimension();
        int contextLength = rope.maxPositions();
        int kvDim = kvHeads * headSize;
        long seed = 1_000_003L * heads + 10_007L * kvHeads + 101L * headSize + 7L * start + rows + 13L * ropeDimension;
        AttentionWindow shape = new AttentionWindow(heads, kvHeads, headSize, start, rows, null, null, null, null);
        float[] qkv = StridedRows.poison(rows * shape.qkvStride());
        float[] queries = StridedRows.gaussian(rows * heads * headSize, seed + 2);
        float[] keys = StridedRows.gaussian(rows * kvDim, seed + 3);
        float[] values = StridedRows.gaussian(rows * kvDim, seed + 4);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(queries, i * heads * headSize, qkv, i * shape.qkvStride(), heads * headSize);
            System.arraycopy(keys, i * kvDim, qkv, i * shape.qkvStride() + shape.keyOffset(), kvDim);
            System.arraycopy(values, i * kvDim, qkv, i * shape.qkvStride() + shape.valueOffset(), kvDim);
        }
        return new AttentionWindow(heads, kvHeads, headSize, start, rows, rope,
                history(contextLength, kvDim, start, seed), history(contextLength, kvDim, start, seed + 1), qkv);
    }

    private static float[] history(int contextLength, int kvDim, int start, long seed) {
        return StridedRows.unpack(StridedRows.gaussian(start * kvDim, seed), StridedRows.poison(contextLength * kvDim), start, kvDim, kvDim);
    }

    private int neox() {
        return rope.style() == org.farnode.backend.ops.RopeStyle.NEOX ? 1 : 0;
    }

    /** Floats between the attention output's rows. */
    int stride() {
        return heads * headSize + 8;
    }

    int keyOffset() {
        return stride();
    }

    int valueOffset() {
        return keyOffset() + kvDim() + 8;
    }

    int qkvStride() {
        return valueOffset() + kvDim() + 8;
    }

    int kvDim() {
        return kvHeads * headSize;
    }

    /** Rotated rows, the caches after the window is appended, and each row's attention, by the reference. */
    Result reference(ReferenceOps reference) {
        float[] rotated = qkv.clone();
        for (int i = 0; i < rows; i++) {
            reference.rope(rotated, i * qkvStride(), heads, headSize, rope, start + i);
            reference.rope(rotated, i * qkvStride() + keyOffset(), kvHeads, headSize, rope, start + i);
        }
        float[] keyCache = appended(keyHistory, rotated, keyOffset());
        float[] valueCache = appended(valueHistory, rotated, valueOffset());
        float[] attended = StridedRows.poison(rows * stride());
        for (int i = 0; i < rows; i++) {
            reference.attention(rotated, i * qkvStride(), keyCache, valueCache, start + i + 1, heads, kvHeads, headSize, attended,
                    i * stride());
        }
        // rope_kv rotates the queries in place and leaves the keys there as they were
        for (int i = 0; i < rows; i++) {
            System.arraycopy(qkv, i * qkvStride() + keyOffset(), rotated, i * qkvStride() + keyOffset(), kvDim());
        }
        return new Result(rotated, keyCache, valueCache, attended);
    }

    /** {@code history} with the window's part at {@code offset} written at positions {@code start..start+rows-1}. */
    private float[] appended(float[] history, float[] window, int offset) {
        float[] cache = history.clone();
        for (int i = 0; i < rows; i++) {
            System.arraycopy(window, i * qkvStride() + offset, cache, (start + i) * kvDim(), kvDim());
        }
        return cache;
    }

    /** Allowed error of the rotated rows: {@code tolerance·(|a|+|b|)} for a rotated value of pair (a, b), exact elsewhere. */
    float[] rotationAllowance(double tolerance) {
        float[] allowed = new float[qkv.length];
        for (int i = 0; i < rows; i++) {
            for (int[] part : new int[][] {{0, heads}, {keyOffset(), kvHeads}}) {
                for (int h = 0; h < part[1]; h++) {
                    int head = i * qkvStride() + part[0] + h * headSize;
                    for (int pair = 0; pair < rope.ropeDimension() / 2; pair++) {
                        float allowance = (float) (tolerance * (Math.abs(qkv[head + rope.first(pair)]) + Math.abs(qkv[head + rope.second(pair)])));
                        allowed[head + rope.first(pair)] = allowance;
                        allowed[head + rope.second(pair)] = allowance;
                    }
                }
            }
        }
        return allowed;
    }

    /** {@link #rotationAllowance} of the keys, as the cache holds them. */
    float[] keyCacheAllowance(double tolerance) {
        return appended(new float[keyHistory.length], rotationAllowance(tolerance), keyOffset());
    }

    /**
     * Allowed error per output value: {@code tolerance} times the largest value (at that column of
     * that head's KV group) among the positions the row attends to; zero in the padding.
     */
    float[] allowance(double tolerance) {
        float[] valueCache = appended(valueHistory, qkv, valueOffset());
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

    /** rope_kv then attention, recorded as GpuShard records them, in one submission. */
    Result runOn(VulkanDevice device, GpuKernels kernels) {
        int pairs = rope.ropeDimension() / 2;
        try (GpuBuffer rowsBuffer = upload(device, qkv); GpuBuffer cos = upload(device, GpuShard.ropeTable(rope, true));
             GpuBuffer sin = upload(device, GpuShard.ropeTable(rope, false));
             GpuBuffer keyCache = upload(device, keyHistory); GpuBuffer valueCache = upload(device, valueHistory);
             GpuBuffer attended = upload(device, StridedRows.poison(rows * stride())); GpuBuffer step = startPosition(device, start);
             BoundSet store = BoundSet.bind(kernels.ropeKv, rowsBuffer, cos, sin, keyCache, valueCache, step);
             BoundSet attend = BoundSet.bind(kernels.attention, rowsBuffer, keyCache, valueCache, attended, step)) {
            int items = heads * pairs + 2 * kvDim();
            device.submitAndWait(c -> {
                kernels.ropeKv.record(c, store.set(), new int[] {pairs, heads, kvHeads, headSize, qkvStride(), keyOffset(), valueOffset(), neox()},
                        GpuKernelsTest.groups(items), rows);
                VulkanDevice.computeBarrier(c);
                kernels.attention.record(c, attend.set(), new int[] {heads, kvHeads, headSize, qkvStride(), stride()}, heads, rows);
            });
            return new Result(download(rowsBuffer, qkv.length), download(keyCache, keyHistory.length),
                    download(valueCache, valueHistory.length), download(attended, rows * stride()));
        }
    }

    /** The decode variant of attention for a window of one row: rotation, cache append and attention in one dispatch. */
    Result runDecodeOn(VulkanDevice device, GpuKernels kernels) {
        if (rows != 1) {
            throw new IllegalStateException("the decode attention takes one row, this window has " + rows);
        }
        int pairs = rope.ropeDimension() / 2;
        try (GpuBuffer rowsBuffer = upload(device, qkv); GpuBuffer cos = upload(device, GpuShard.ropeTable(rope, true));
             GpuBuffer sin = upload(device, GpuShard.ropeTable(rope, false));
             GpuBuffer keyCache = upload(device, keyHistory); GpuBuffer valueCache = upload(device, valueHistory);
             GpuBuffer attended = upload(device, StridedRows.poison(stride())); GpuBuffer step = startPosition(device, start);
             BoundSet attend = BoundSet.bind(kernels.attentionDecode, rowsBuffer, keyCache, valueCache, attended, step, cos, sin)) {
            device.submitAndWait(c -> kernels.attentionDecode.record(c, attend.set(),
                    new int[] {heads, kvHeads, headSize, qkvStride(), stride(), pairs, keyOffset(), valueOffset(), neox()}, heads, 1));
            return new Result(download(rowsBuffer, qkv.length), download(keyCache, keyHistory.length),
                    download(valueCache, valueHistory.length), download(attended, stride()));
        }
    }
}
