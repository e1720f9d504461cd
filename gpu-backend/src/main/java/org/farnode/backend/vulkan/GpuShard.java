package org.farnode.backend.vulkan;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.farnode.backend.ops.RopeTable;
import org.farnode.backend.tensor.Dequantize;
import org.farnode.backend.tensor.Tensor;
import org.lwjgl.vulkan.VkCommandBuffer;

/**
 * A contiguous range of Llama layers resident on one GPU: weights uploaded once, activations in
 * device memory, and per session a KV cache in device memory. A forward call moves only the
 * window's hidden states across the bus (into a host-visible buffer and back); every op between
 * runs on the device in one command buffer, recorded once per window size and session.
 *
 * <p>Sessions share the shard's activation buffers, so calls on one shard must not overlap: the
 * methods of {@link GpuShardSession} lock the shard.
 */
public final class GpuShard implements AutoCloseable {
    final VulkanDevice device;
    final GpuKernels kernels;
    final GpuShardShape shape;
    final List<Layer> layers = new ArrayList<>();
    /** Sessions open now: each holds descriptor sets from pools of {@link ComputePipeline#MAX_SETS}. */
    final java.util.concurrent.atomic.AtomicInteger openSessions = new java.util.concurrent.atomic.AtomicInteger();
    final GpuBuffer io;
    /** The window's start position as the host writes it; copied into {@link #step} by each submission. */
    final GpuBuffer stepHost;
    /** The start position where the kernels read it: device memory, not a trip across the bus per thread. */
    final GpuBuffer step;
    final GpuBuffer x;
    final GpuBuffer normed;
    /** The stacked Q/K/V product: per position the queries at 0, keys at {@link #keyOffset}, values at {@link #valueOffset}. */
    final GpuBuffer qkv;
    final GpuBuffer attended;
    /** The stacked gate/up product: per position the gate at 0, up at {@link #upOffset}. */
    final GpuBuffer gateUp;
    final GpuBuffer cos;
    final GpuBuffer sin;
    final int qkvStride;
    final int keyOffset;
    final int valueOffset;
    private final int gateUpStride;
    private final int upOffset;
    private final long swigluSet;
    private final long weightBytes;
    final int ropePairs;
    /** 1 when rope pairs are a head's halves (NeoX style), 0 when adjacent values: the shaders' {@code neox}. */
    final int ropeNeox;

    /** The uploaded tensors of one layer and the descriptor sets that bind them to the shard's activations. */
    static final class Layer {
        GpuBuffer attentionNorm;
        GpuBuffer ffnNorm;
        /** Q, K and V stacked: one product. */
        GpuMatrix qkv;
        /** The Q/K/V biases at the stacked product's offsets, zero between; null for a layer without biases. */
        GpuBuffer qkvBias;
        long qkvBiasSet;
        GpuMatrix output;
        /** Gate and up stacked: one product. */
        GpuMatrix gateUp;
        GpuMatrix down;
        long attentionNormSet;
        long ffnNormSet;
        long qkvSet;
        /** The Q/K/V product reading RMSNorm of x itself: a decode step's (see {@link GpuMatmul#recordNormed}). */
        long qkvNormedSet;
        long gateUpNormedSet;
        long outputSet;
        long gateUpSet;
        long downSet;
    }

    /**
     * Uploads {@code layerWeights} to {@code device}.
     *
     * @param vramCapBytes most bytes of weights this shard may place on the device
     * @throws VulkanException when the weights do not fit under the cap (the message gives both sizes)
     */
    public GpuShard(VulkanDevice device, ShaderCompiler compiler, GpuShardShape shape, List<GpuLayerWeights> layerWeights,
                    RopeTable rope, long vramCapBytes) {
        long needed = 0;
        for (GpuLayerWeights w : layerWeights) {
            for (Tensor t : new Tensor[] {w.query(), w.key(), w.value(), w.attentionOutput(), w.ffnGate(), w.ffnUp(), w.ffnDown()}) {
                needed += t.type().bytesFor(t.elementCount());
            }
            needed += 8L * shape.dim();
            if (w.hasBiases()) {
                needed += 4L * (w.queryBias().elementCount() + w.keyBias().elementCount() + w.valueBias().elementCount());
            }
        }
        if (needed > vramCapBytes) {
            throw new VulkanException("this shard's weights need " + gib(needed) + " on " + device.name() + " but the cap is "
                    + gib(vramCapBytes) + "; serve fewer layers, or raise the cap");
        }
        this.device = device;
        this.shape = shape;
        this.kernels = new GpuKernels(device, compiler, shape.contextLength());
        int window = shape.maxWindow();
        long dimBytes = 4L * window * shape.dimStride();
        GpuLayerWeights firstLayer = layerWeights.getFirst();
        int[] qkvOffsets = GpuMatrix.partOffsets(firstLayer.query(), firstLayer.key(), firstLayer.value());
        keyOffset = qkvOffsets[1];
        valueOffset = qkvOffsets[2];
        qkvStride = qkvOffsets[3];
        int[] gateUpOffsets = GpuMatrix.partOffsets(firstLayer.ffnGate(), firstLayer.ffnUp());
        upOffset = gateUpOffsets[1];
        gateUpStride = gateUpOffsets[2];
        io = GpuBuffer.hostVisible(device, dimBytes);
        stepHost = GpuBuffer.hostVisible(device, 16);
        step = zeroed(GpuBuffer.deviceLocal(device, 16));
        x = zeroed(GpuBuffer.deviceLocal(device, dimBytes));
        normed = zeroed(GpuBuffer.deviceLocal(device, dimBytes));
        qkv = zeroed(GpuBuffer.deviceLocal(device, 4L * window * qkvStride));
        attended = zeroed(GpuBuffer.deviceLocal(device, dimBytes));
        gateUp = zeroed(GpuBuffer.deviceLocal(device, 4L * window * gateUpStride));
        ropePairs = rope.ropeDimension() / 2;
        ropeNeox = rope.style() == org.farnode.backend.ops.RopeStyle.NEOX ? 1 : 0;
        if (shape.headSize() > 512) {
            throw new VulkanException("the GPU attention kernel takes heads of at most 512 values; this model's are "
                    + shape.headSize() + " (use --backend cpu)");
        }
        if (rope.ropeDimension() > shape.headSize() || rope.maxPositions() < shape.contextLength()) {
            throw new IllegalArgumentException("the rope table (" + rope.ropeDimension() + " dims, " + rope.maxPositions()
                    + " positions) does not fit heads of " + shape.headSize() + " and a context of " + shape.contextLength());
        }
        cos = floats(ropeTable(rope, true));
        sin = floats(ropeTable(rope, false));
        swigluSet = kernels.swiglu.bind(gateUp);
        for (GpuLayerWeights w : layerWeights) {
            layers.add(upload(w));
        }
        this.weightBytes = needed;
    }

    private Layer upload(GpuLayerWeights w) {
        GpuMatmul matmul = kernels.matmul;
        Layer layer = new Layer();
        // padded with zeros to the row stride, as the products that fold the norm in read it
        layer.attentionNorm = floats(java.util.Arrays.copyOf(values(w.attentionNorm()), shape.dimStride()));
        layer.ffnNorm = floats(java.util.Arrays.copyOf(values(w.ffnNorm()), shape.dimStride()));
        layer.qkv = GpuMatrix.stack(device, w.query(), w.key(), w.value());
        if (w.hasBiases()) {
            float[] stacked = new float[qkvStride];
            System.arraycopy(values(w.queryBias()), 0, stacked, 0, Math.toIntExact(w.queryBias().elementCount()));
            System.arraycopy(values(w.keyBias()), 0, stacked, keyOffset, Math.toIntExact(w.keyBias().elementCount()));
            System.arraycopy(values(w.valueBias()), 0, stacked, valueOffset, Math.toIntExact(w.valueBias().elementCount()));
            layer.qkvBias = floats(stacked);
            layer.qkvBiasSet = kernels.bias.bind(qkv, layer.qkvBias);
        }
        layer.output = GpuMatrix.upload(device, w.attentionOutput());
        layer.gateUp = GpuMatrix.stack(device, w.ffnGate(), w.ffnUp());
        layer.down = GpuMatrix.upload(device, w.ffnDown());
        layer.attentionNormSet = kernels.rmsnorm.bind(x, layer.attentionNorm, normed);
        layer.ffnNormSet = kernels.rmsnorm.bind(x, layer.ffnNorm, normed);
        layer.qkvSet = matmul.bind(layer.qkv, normed, qkv);
        layer.qkvNormedSet = matmul.bindNormed(layer.qkv, x, layer.attentionNorm, qkv);
        layer.gateUpNormedSet = matmul.bindNormed(layer.gateUp, x, layer.ffnNorm, gateUp);
        layer.outputSet = matmul.bind(layer.output, attended, x);
        layer.gateUpSet = matmul.bind(layer.gateUp, normed, gateUp);
        layer.downSet = matmul.bind(layer.down, gateUp, x);
        return layer;
    }

    /** A new session with an empty KV cache in device memory. */
    public GpuShardSession openSession() {
        return new GpuShardSession(this);
    }

    /** Bytes of weights this shard holds on the device. */
    public long weightBytes() {
        return weightBytes;
    }

    public String deviceName() {
        return device.name();
    }

    /**
     * Records one window of {@code count} positions through every layer, for a session's caches and
     * sets. Per layer: RMSNorm, the stacked Q/K/V product (then its biases, for a layer with them),
     * RoPE with the cache append, attention, the output product added to the residual, RMSNorm, the
     * stacked gate/up product, and the down product added to the residual. For one position (a
     * decode step) the products fold in what comes before them: Q/K/V and gate/up apply RMSNorm as
     * they load x, the down product SwiGLU of gate and up, and attention rotates and appends the
     * position's key and value itself, so a layer is 5 dispatches (6 with biases). A batch runs RMSNorm, RoPE with the append, and SwiGLU on their own
     * (a batched product would recompute them for every tile of rows, and a window's positions
     * attend to each other's keys). Each op waits for the one before (a barrier between).
     */
    void record(VkCommandBuffer c, int count, List<long[]> sessionSets) {
        record(c, count, sessionSets, null);
    }

    /** As {@link #record(VkCommandBuffer, int, List)}, with a timestamp after each op when {@code marks} is not null. */
    void record(VkCommandBuffer c, int count, List<long[]> sessionSets, OpTimestamps marks) {
        int dimStride = shape.dimStride();
        int[] ropeKvShape = {ropePairs, shape.heads(), shape.kvHeads(), shape.headSize(), qkvStride, keyOffset, valueOffset, ropeNeox};
        int ropeKvItems = shape.heads() * ropePairs + 2 * shape.kvDim();
        int[] attentionShape = {shape.heads(), shape.kvHeads(), shape.headSize(), qkvStride, dimStride};
        int[] attentionDecodeShape = {shape.heads(), shape.kvHeads(), shape.headSize(), qkvStride, dimStride, ropePairs, keyOffset,
                valueOffset, ropeNeox};
        if (marks != null) {
            marks.begin(c);
        }
        GpuBuffer.recordCopy(c, io, x, 4L * count * dimStride);
        GpuBuffer.recordCopy(c, stepHost, step, 16);
        VulkanDevice.fullBarrier(c);
        mark(c, marks, "copy in");
        GpuMatmul matmul = kernels.matmul;
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            long[] sets = sessionSets.get(l); // {rope and kv append, attention, attention with rope and append}
            recordNormedProduct(c, count, layer.qkv, layer.qkvNormedSet, layer.attentionNormSet, layer.qkvSet, qkvStride, marks);
            done(c, marks, "q/k/v product");
            if (layer.qkvBias != null) {
                kernels.bias.record(c, layer.qkvBiasSet, new int[] {qkvStride, qkvStride}, groups(qkvStride, 64), count);
                done(c, marks, "q/k/v bias");
            }
            if (count == 1) {
                kernels.attentionDecode.record(c, sets[2], attentionDecodeShape, shape.heads(), 1);
            } else {
                kernels.ropeKv.record(c, sets[0], ropeKvShape, groups(ropeKvItems, 64), count);
                done(c, marks, "rope + cache append");
                kernels.attention.record(c, sets[1], attentionShape, shape.heads(), count);
            }
            done(c, marks, "attention");
            matmul.record(c, layer.output, layer.outputSet, count, dimStride, dimStride, true); // x += Wo·attended
            done(c, marks, "output product");
            recordNormedProduct(c, count, layer.gateUp, layer.gateUpNormedSet, layer.ffnNormSet, layer.gateUpSet, gateUpStride, marks);
            done(c, marks, "gate/up product");
            if (count == 1) {
                matmul.recordOfSwiglu(c, layer.down, layer.downSet, upOffset, true); // x += Wdown·swiglu(gate, up)
            } else {
                kernels.swiglu.record(c, swigluSet, new int[] {shape.ffn(), gateUpStride, upOffset}, groups(shape.ffn(), 64), count);
                done(c, marks, "swiglu");
                matmul.record(c, layer.down, layer.downSet, count, gateUpStride, dimStride, true); // x += Wdown·swiglu
            }
            done(c, marks, "down product");
        }
        VulkanDevice.fullBarrier(c);
        GpuBuffer.recordCopy(c, x, io, 4L * count * dimStride);
        VulkanDevice.fullBarrier(c);
        mark(c, marks, "copy out");
    }

    /**
     * {@code w·(rmsnorm(x)·g)} into rows {@code yStride} apart: for one position the product applies
     * the norm as it loads x ({@code normedSet}); for a batch RMSNorm runs first into {@code normed}.
     */
    private void recordNormedProduct(VkCommandBuffer c, int count, GpuMatrix w, long normedSet, long normSet, long productSet,
                                     int yStride, OpTimestamps marks) {
        if (count == 1) {
            kernels.matmul.recordNormed(c, w, normedSet, shape.rmsEpsilon(), false);
            return;
        }
        int[] normShape = {shape.dim(), shape.dimStride(), Float.floatToRawIntBits(shape.rmsEpsilon())};
        kernels.rmsnorm.record(c, normSet, normShape, count, 1);
        done(c, marks, "rmsnorm");
        kernels.matmul.record(c, w, productSet, count, shape.dimStride(), yStride);
    }

    /** The barrier after an op, then its timestamp when profiling. */
    private static void done(VkCommandBuffer c, OpTimestamps marks, String op) {
        VulkanDevice.computeBarrier(c);
        mark(c, marks, op);
    }

    private static void mark(VkCommandBuffer c, OpTimestamps marks, String op) {
        if (marks != null) {
            marks.mark(c, op);
        }
    }

    private static int groups(int items, int perGroup) {
        return (items + perGroup - 1) / perGroup;
    }

    private GpuBuffer zeroed(GpuBuffer buffer) {
        buffer.zero();
        return buffer;
    }

    private GpuBuffer floats(float[] values) {
        GpuBuffer buffer = GpuBuffer.deviceLocal(device, 4L * Math.max(1, values.length));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(4L * values.length, 4);
            MemorySegment.copy(values, 0, staged, ValueLayout.JAVA_FLOAT, 0, values.length);
            buffer.upload(staged, 0);
        }
        return buffer;
    }

    private static float[] values(Tensor t) {
        float[] out = new float[Math.toIntExact(t.elementCount())];
        Dequantize.values(t.name(), t.type(), t.data(), 0, out.length, out, 0);
        return out;
    }

    /** The cosines or sines of {@code rope} as the rope shader reads them: {@code [position][pair]}. */
    static float[] ropeTable(RopeTable rope, boolean cosine) {
        int pairs = rope.ropeDimension() / 2;
        float[] table = new float[rope.maxPositions() * pairs];
        for (int p = 0; p < rope.maxPositions(); p++) {
            for (int i = 0; i < pairs; i++) {
                table[p * pairs + i] = cosine ? rope.cos(p, i) : rope.sin(p, i);
            }
        }
        return table;
    }

    /** {@code bytes} in the largest binary unit that keeps it at least 1, e.g. {@code 1.50 GiB}, {@code 906.2 KiB}. */
    private static String gib(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format("%.2f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format("%.1f MiB", bytes / (double) (1L << 20));
        }
        return bytes >= 1024 ? String.format("%.1f KiB", bytes / 1024.0) : bytes + " bytes";
    }

    @Override
    public void close() {
        device.waitIdle();
        for (Layer layer : layers) {
            for (GpuMatrix m : new GpuMatrix[] {layer.qkv, layer.output, layer.gateUp, layer.down}) {
                m.close();
            }
            layer.attentionNorm.close();
            layer.ffnNorm.close();
            if (layer.qkvBias != null) {
                layer.qkvBias.close();
            }
        }
        for (GpuBuffer b : new GpuBuffer[] {io, stepHost, step, x, normed, qkv, attended, gateUp, cos, sin}) {
            b.close();
        }
        kernels.close();
    }
}
