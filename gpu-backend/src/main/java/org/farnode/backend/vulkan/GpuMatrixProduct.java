package org.farnode.backend.vulkan;

import org.farnode.backend.tensor.Tensor;

/**
 * One weight matrix kept on the GPU and multiplied from host vectors: for a gateway's LM head,
 * whose inputs and logits live on the host. Each call uploads the inputs and reads the products back.
 */
public final class GpuMatrixProduct implements AutoCloseable {
    private final GpuMatmul matmul;
    private final GpuMatrix matrix;

    GpuMatrixProduct(VulkanDevice device, ShaderCompiler compiler, Tensor weights) {
        this.matmul = new GpuMatmul(device, compiler);
        try {
            this.matrix = GpuMatrix.upload(device, weights);
        } catch (RuntimeException e) {
            matmul.close();
            throw e;
        }
    }

    /** {@code out[b·R + r] = Σ_c W[r,c] · x[b·C + c]}, as {@code Ops.matmul}. */
    public synchronized void multiply(float[] x, float[] out, int batch) {
        matmul.multiply(matrix, x, out, batch);
    }

    @Override
    public synchronized void close() {
        matrix.close();
        matmul.close();
    }
}
