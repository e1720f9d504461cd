package org.farnode.backend.vulkan;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import org.farnode.backend.tensor.Tensor;
import org.lwjgl.vulkan.VkCommandBuffer;

/**
 * One weight matrix resident on the GPU and multiplied from host vectors (a gateway's LM head,
 * whose inputs and logits live on the host). The vectors go through mapped staging buffers into
 * device memory and back, by commands recorded once per batch size: a call writes the inputs,
 * submits, and reads the products, with no allocation.
 */
public final class GpuMatrixProduct implements AutoCloseable {
    private static final int MAX_BATCH = 64;
    private final VulkanDevice device;
    private final GpuMatmul matmul;
    private final GpuMatrix matrix;
    private final GpuBuffer inputHost;
    private final GpuBuffer inputDevice;
    private final GpuBuffer outputDevice;
    private final GpuBuffer outputHost;
    private final long set;
    private final Map<Integer, VkCommandBuffer> recorded = new HashMap<>();

    GpuMatrixProduct(VulkanDevice device, ShaderCompiler compiler, Tensor weights) {
        this.device = device;
        this.matmul = new GpuMatmul(device, compiler);
        this.matrix = GpuMatrix.upload(device, weights);
        long inputBytes = 4L * matrix.xStride() * MAX_BATCH;
        long outputBytes = 4L * matrix.rows() * MAX_BATCH;
        this.inputHost = GpuBuffer.hostVisible(device, inputBytes);
        this.inputDevice = GpuBuffer.deviceLocal(device, inputBytes);
        this.outputDevice = GpuBuffer.deviceLocal(device, outputBytes);
        this.outputHost = GpuBuffer.hostVisible(device, outputBytes);
        inputHost.mapped().fill((byte) 0); // the padding past the columns must read as zeros
        this.set = matmul.bind(matrix, inputDevice, outputDevice);
    }

    /** {@code out[b·R + r] = Σ_c W[r,c] · x[b·C + c]}, as {@code Ops.matmul}. */
    public synchronized void multiply(float[] x, float[] out, int batch) {
        for (int first = 0; first < batch; first += MAX_BATCH) {
            run(x, out, first, Math.min(MAX_BATCH, batch - first));
        }
    }

    private void run(float[] x, float[] out, int first, int count) {
        int columns = matrix.columns();
        int rows = matrix.rows();
        MemorySegment in = inputHost.mapped();
        for (int b = 0; b < count; b++) {
            MemorySegment.copy(x, (first + b) * columns, in, ValueLayout.JAVA_FLOAT, 4L * b * matrix.xStride(), columns);
        }
        VkCommandBuffer commands = recorded.computeIfAbsent(count, n -> device.recordReusable(c -> {
            GpuBuffer.recordCopy(c, inputHost, inputDevice, 4L * n * matrix.xStride());
            VulkanDevice.fullBarrier(c);
            matmul.record(c, matrix, set, n);
            VulkanDevice.fullBarrier(c);
            GpuBuffer.recordCopy(c, outputDevice, outputHost, 4L * n * rows);
            VulkanDevice.fullBarrier(c);
        }));
        device.submitAndWait(commands);
        MemorySegment.copy(outputHost.mapped(), ValueLayout.JAVA_FLOAT, 0, out, first * rows, count * rows);
    }

    @Override
    public synchronized void close() {
        device.waitIdle();
        recorded.values().forEach(device::free);
        matmul.release(matrix, set);
        for (GpuBuffer buffer : new GpuBuffer[] {inputHost, inputDevice, outputDevice, outputHost}) {
            buffer.close();
        }
        matrix.close();
        matmul.close();
    }
}
