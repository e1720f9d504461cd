package org.farnode.backend.vulkan;

import java.util.ArrayList;
import java.util.List;

/**
 * An opened GPU for a process: the instance, the device, the shader compiler, the weight cap,
 * and the shards placed on it, which it closes before the device.
 */
public final class GpuContext implements AutoCloseable {
    private final VulkanInstance instance;
    private final VulkanDevice device;
    private final DeviceInfo info;
    private final ShaderCompiler compiler = new ShaderCompiler();
    private final long vramCapBytes;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private GpuContext(VulkanInstance instance, VulkanDevice device, DeviceInfo info, long vramCapBytes) {
        this.instance = instance;
        this.device = device;
        this.info = info;
        this.vramCapBytes = vramCapBytes;
    }

    /**
     * Opens {@code info}'s device on {@code instance}, which the context then owns (and closes,
     * also when opening fails); {@code vramCapBytes} null means 90% of its device-local memory.
     */
    public static GpuContext open(VulkanInstance instance, DeviceInfo info, Long vramCapBytes) {
        try {
            var devices = instance.physicalDevices();
            if (info.index() >= devices.size()) {
                throw new VulkanException("device " + info.index() + " disappeared between discovery and opening");
            }
            VulkanDevice device = VulkanDevice.open(devices.get(info.index()));
            long cap = vramCapBytes != null ? vramCapBytes : info.deviceLocalBytes() / 10 * 9;
            return new GpuContext(instance, device, info, cap);
        } catch (RuntimeException e) {
            instance.close();
            throw e;
        }
    }

    public VulkanDevice device() {
        return device;
    }

    public DeviceInfo info() {
        return info;
    }

    public ShaderCompiler compiler() {
        return compiler;
    }

    public long vramCapBytes() {
        return vramCapBytes;
    }

    /** What the validation layer reported (empty unless far.vulkan.validation=true). */
    public java.util.List<String> validationMessages() {
        return instance.validationMessages();
    }

    /** GPU memory the weights of every shard placed on this GPU take: what counts against {@link #vramCapBytes()}. */
    public synchronized long shardWeightBytes() {
        return owned.stream().filter(o -> o instanceof GpuShard).mapToLong(o -> ((GpuShard) o).weightBytes()).sum();
    }

    /** Places a shard on this GPU; it is closed with the context. */
    public synchronized GpuShard shard(GpuShardShape shape, List<GpuLayerWeights> layers, org.farnode.backend.ops.RopeTable rope) {
        GpuShard shard = new GpuShard(device, compiler, shape, layers, rope, vramCapBytes - shardWeightBytes());
        owned.add(shard);
        return shard;
    }

    /**
     * Places {@code weights} (F32, F16, Q8_0 or Q4_0, at most 65535 rows) on this GPU for products
     * with host vectors; it is closed with the context.
     */
    public synchronized GpuMatrixProduct matrixProduct(org.farnode.backend.tensor.Tensor weights) {
        if (weights.rows() > 65535) {
            throw new VulkanException(weights.name() + " has " + weights.rows() + " rows; one dispatch covers at most 65535");
        }
        GpuMatrixProduct product = new GpuMatrixProduct(device, compiler, weights);
        owned.add(product);
        return product;
    }

    /**
     * The device half of projection codecs on this GPU (the SCM codecs' products and quantization);
     * it is closed with the context. Throws {@link VulkanException} where the device cannot run its kernels.
     */
    public synchronized GpuProjectionCodec projectionCodec() {
        GpuProjectionCodec codec = new GpuProjectionCodec(device, compiler);
        owned.add(codec);
        return codec;
    }

    @Override
    public synchronized void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception ignored) {
                // closing the device below frees whatever is left
            }
        }
        device.close();
        instance.close();
    }
}
