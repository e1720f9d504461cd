package org.farnode.backend.vulkan;

/**
 * Every pipeline a Llama layer needs on one device: the matrix products and the element-wise
 * and attention kernels. Attention is compiled for the model's context length, which sizes its
 * shared memory.
 */
final class GpuKernels implements AutoCloseable {
    final GpuMatmul matmul;
    final ComputePipeline rmsnorm;
    /** RoPE on the stacked product's queries and keys, and the keys and values appended to the caches. */
    final ComputePipeline ropeKv;
    final ComputePipeline attention;
    /** Attention for one position that also rotates and appends (rope_kv's work): a decode step's. */
    final ComputePipeline attentionDecode;
    final ComputePipeline swiglu;
    /** The residual add on its own; a shard folds it into the products that precede it ({@code accumulate}). */
    final ComputePipeline add;
    /** One row added to every row of a window: the Q/K/V biases after the stacked product. */
    final ComputePipeline bias;

    GpuKernels(VulkanDevice device, ShaderCompiler compiler, int contextLength) {
        // attention.comp: scores, reductions, the query, partial sums, and the decode variant's key and value
        long sharedBytes = 4L * contextLength + 4L * (256 + 256 + 512) + 16L * 256 + 4L * 2 * 512;
        long limit = device.maxSharedMemoryBytes();
        if (sharedBytes > limit) {
            throw new VulkanException(device.name() + " offers " + limit + " bytes of shared memory per workgroup; attention over a context of "
                    + contextLength + " positions needs " + sharedBytes + " (use the CPU backend, or a shorter context)");
        }
        matmul = new GpuMatmul(device, compiler);
        rmsnorm = new ComputePipeline(device, "rmsnorm", compiler.compile("rmsnorm"), 3, 3 * 4);
        ropeKv = new ComputePipeline(device, "rope_kv", compiler.compile("rope_kv"), 6, 8 * 4);
        attention = new ComputePipeline(device, "attention", compiler.compile("attention", "MAX_POSITIONS " + contextLength), 5, 5 * 4);
        attentionDecode = new ComputePipeline(device, "attention with rope", compiler.compile("attention", "MAX_POSITIONS " + contextLength,
                "ROPE_DECODE 1"), 7, 9 * 4);
        swiglu = new ComputePipeline(device, "swiglu", compiler.compile("swiglu"), 1, 3 * 4);
        add = new ComputePipeline(device, "add", compiler.compile("add"), 2, 2 * 4);
        bias = new ComputePipeline(device, "bias", compiler.compile("add", "BROADCAST_ROW 1"), 2, 2 * 4);
    }

    @Override
    public void close() {
        matmul.close();
        rmsnorm.close();
        ropeKv.close();
        attention.close();
        attentionDecode.close();
        swiglu.close();
        add.close();
        bias.close();
    }
}
