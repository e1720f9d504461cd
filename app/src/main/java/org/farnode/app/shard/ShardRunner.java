package org.farnode.app.shard;

import org.farnode.app.model.LayerWeights;
import org.farnode.app.model.LlamaWeights;
import org.farnode.app.model.ModelConfig;
import org.farnode.backend.ops.Ops;
import org.farnode.backend.ops.RopeTable;

import java.util.List;
import org.farnode.backend.Backend;
import org.farnode.backend.vulkan.GpuLayerWeights;
import org.farnode.backend.vulkan.GpuShard;
import org.farnode.backend.vulkan.GpuShardShape;

/**
 * Serves a contiguous layer range of a Llama model: owns the views of those layers' weights and
 * runs windows of positions through them for any number of independent sessions, on the CPU
 * ({@link Ops}) or, when the backend has a GPU, entirely on the GPU ({@link GpuShard}).
 */
public final class ShardRunner {
    private final ModelConfig config;
    private final LayerRange range;
    private final List<LayerWeights> layers;
    private final Ops ops;
    private final RopeTable rope;
    private final GpuShard gpu;

    /** A shard computed on the CPU with {@code ops}. */
    public ShardRunner(LlamaWeights weights, LayerRange range, Ops ops) {
        this(weights, range, ops, null);
    }

    private ShardRunner(LlamaWeights weights, LayerRange range, Ops ops, Backend gpuBackend) {
        this.config = weights.config();
        this.range = range.checkWithin(config.blockCount());
        this.layers = weights.layers().subList(range.start(), range.end());
        this.ops = ops;
        this.rope = config.ropeTable();
        this.gpu = gpuBackend == null ? null : gpuBackend.gpu().orElseThrow().shard(
                new GpuShardShape(config.embeddingLength(), config.feedForwardLength(), config.headCount(), config.kvHeadCount(),
                        config.contextLength(), config.rmsEpsilon(), 64),
                layers.stream().map(l -> new GpuLayerWeights(l.attentionNorm(), l.query(), l.key(), l.value(), l.attentionOutput(),
                        l.ffnNorm(), l.ffnGate(), l.ffnUp(), l.ffnDown(), l.queryBias(), l.keyBias(), l.valueBias())).toList(),
                rope);
    }

    /** A shard on {@code backend}: on its GPU when it has one (weights uploaded now), else on its CPU ops. */
    public static ShardRunner on(Backend backend, LlamaWeights weights, LayerRange range) {
        return backend.gpu().isPresent() ? new ShardRunner(weights, range, backend.ops(), backend) : new ShardRunner(weights, range, backend.ops());
    }

    /** Where this shard computes, for messages. */
    public String placement() {
        return gpu == null ? "CPU" : "GPU " + gpu.deviceName();
    }

    public LayerRange range() {
        return range;
    }

    public ModelConfig config() {
        return config;
    }

    /** A new session with an empty KV cache (in device memory for a GPU shard). */
    public ShardSession openSession() {
        if (gpu != null) {
            return new ShardSession(this, new GpuSessionState(gpu.openSession()));
        }
        return new ShardSession(this, new CpuSessionState(this, new KvCache(layers.size(), config.kvDimension(), config.contextLength())));
    }

    /**
     * Runs the window through every layer of this shard; {@code x} ({@code k × dim}) is updated in
     * place, keys and values of positions {@code [start, start + k)} are appended to {@code cache}.
     */
    void forward(KvCache cache, int start, float[] x, int k) {
        int dim = config.embeddingLength();
        int kvDim = config.kvDimension();
        int ffn = config.feedForwardLength();
        int heads = config.headCount();
        int kvHeads = config.kvHeadCount();
        int headSize = config.headSize();
        cache.ensureCapacity(start + k);

        float[] normed = new float[k * dim];
        float[] q = new float[k * dim];
        float[] keys = new float[k * kvDim];
        float[] values = new float[k * kvDim];
        float[] attended = new float[k * dim];
        float[] projected = new float[k * dim];
        float[] gate = new float[k * ffn];
        float[] up = new float[k * ffn];

        for (int l = 0; l < layers.size(); l++) {
            LayerWeights w = layers.get(l);
            ops.rmsnorm(normed, x, w.attentionNorm(), dim, k, config.rmsEpsilon());
            ops.matmul(w.query(), normed, q, k);
            ops.matmul(w.key(), normed, keys, k);
            ops.matmul(w.value(), normed, values, k);
            if (w.hasBiases()) {
                ops.addBias(q, w.queryBias(), dim, k);
                ops.addBias(keys, w.keyBias(), kvDim, k);
                ops.addBias(values, w.valueBias(), kvDim, k);
            }
            float[] keyCache = cache.keys(l);
            float[] valueCache = cache.values(l);
            for (int i = 0; i < k; i++) {
                ops.rope(q, i * dim, heads, headSize, rope, start + i);
                ops.rope(keys, i * kvDim, kvHeads, headSize, rope, start + i);
            }
            System.arraycopy(keys, 0, keyCache, start * kvDim, k * kvDim);
            System.arraycopy(values, 0, valueCache, start * kvDim, k * kvDim);
            for (int i = 0; i < k; i++) {
                ops.attention(q, i * dim, keyCache, valueCache, start + i + 1, heads, kvHeads, headSize, attended, i * dim);
            }
            ops.matmul(w.attentionOutput(), attended, projected, k);
            ops.add(x, projected, k * dim);

            ops.rmsnorm(normed, x, w.ffnNorm(), dim, k, config.rmsEpsilon());
            ops.matmul(w.ffnGate(), normed, gate, k);
            ops.matmul(w.ffnUp(), normed, up, k);
            ops.swiglu(gate, up, k * ffn);
            ops.matmul(w.ffnDown(), gate, projected, k);
            ops.add(x, projected, k * dim);
        }
        cache.advanceTo(start + k);
    }
}
