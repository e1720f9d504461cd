package org.farnode.backend.vulkan;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What one Vulkan device offers for compute, read once by {@link DeviceDiscovery}.
 *
 * @param index      the device's position in the driver's enumeration; {@code --device INDEX} refers to it
 * @param name       {@code deviceName}, e.g. "NVIDIA GeForce RTX 4090" or "llvmpipe (LLVM 15.0.6, 256 bits)"
 * @param vendorId   the PCI vendor id ({@code vendorID})
 * @param vendor     the vendor's name, or the id in hex when unknown ({@link Vendors#name})
 * @param type       what kind of device it is
 * @param software   whether the device is the CPU pretending to be a GPU (CPU type, llvmpipe/lavapipe, SwiftShader):
 *                   it works, but slower than this program's own CPU backend
 * @param driver     the driver's name, description and version
 * @param apiVersion the highest Vulkan version the device supports
 * @param memoryHeaps every memory heap, in the driver's order
 * @param compute    limits that bound a compute dispatch
 * @param features   shader features the kernels may use
 */
public record DeviceInfo(int index, String name, int vendorId, String vendor, DeviceType type, boolean software,
                         Driver driver, VulkanVersion apiVersion, List<MemoryHeap> memoryHeaps, ComputeLimits compute,
                         ShaderFeatures features) {

    public DeviceInfo {
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(apiVersion, "apiVersion");
        memoryHeaps = List.copyOf(memoryHeaps);
        Objects.requireNonNull(compute, "compute");
        Objects.requireNonNull(features, "features");
    }

    /** Total size of the heaps flagged {@code DEVICE_LOCAL}: the memory weights can live in. */
    public long deviceLocalBytes() {
        return memoryHeaps.stream().filter(MemoryHeap::deviceLocal).mapToLong(MemoryHeap::sizeBytes).sum();
    }

    /** Whether the driver reports current budget and usage ({@code VK_EXT_memory_budget}). */
    public boolean reportsMemoryBudget() {
        return memoryHeaps.stream().anyMatch(heap -> heap.budgetBytes().isPresent());
    }

    /**
     * The driver ({@code VkPhysicalDeviceDriverProperties}; name and info are empty on a Vulkan 1.1
     * device without {@code VK_KHR_driver_properties}).
     *
     * @param name          e.g. "NVIDIA", "radv", "llvmpipe"
     * @param info          free text, e.g. "Mesa 22.3.6 (LLVM 15.0.6)"
     * @param packedVersion {@code driverVersion} as the driver packs it
     * @param version       {@code packedVersion} decoded the vendor's way ({@link Vendors#driverVersion})
     */
    public record Driver(String name, String info, int packedVersion, String version) {
        public Driver {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(version, "version");
        }
    }

    /**
     * One {@code VkMemoryHeap}, with the budget and usage the driver reported at discovery time
     * when it supports {@code VK_EXT_memory_budget} (empty otherwise).
     */
    public record MemoryHeap(int index, long sizeBytes, boolean deviceLocal, OptionalLong budgetBytes,
                             OptionalLong usageBytes) {
        public MemoryHeap {
            Objects.requireNonNull(budgetBytes, "budgetBytes");
            Objects.requireNonNull(usageBytes, "usageBytes");
        }
    }

    /**
     * The limits a compute dispatch must respect.
     *
     * @param maxWorkgroupSizeX       {@code maxComputeWorkGroupSize[0]}: largest {@code local_size_x}
     * @param maxWorkgroupSizeY       {@code maxComputeWorkGroupSize[1]}
     * @param maxWorkgroupSizeZ       {@code maxComputeWorkGroupSize[2]}
     * @param maxWorkgroupInvocations {@code maxComputeWorkGroupInvocations}: largest x·y·z
     * @param subgroupSize            invocations that run in lock step (32 on NVIDIA, 32 or 64 on AMD);
     *                                0 on a Vulkan 1.0 device, which cannot say
     * @param subgroupArithmetic      whether compute shaders may use subgroup reductions ({@code subgroupAdd} …)
     */
    public record ComputeLimits(int maxWorkgroupSizeX, int maxWorkgroupSizeY, int maxWorkgroupSizeZ,
                                int maxWorkgroupInvocations, int subgroupSize, boolean subgroupArithmetic) {
    }

    /**
     * Shader features for reduced-precision kernels.
     *
     * @param storageBuffer16BitAccess f16/i16 values in storage buffers
     * @param shaderFloat16            f16 arithmetic in shaders
     * @param shaderInt8               i8 arithmetic in shaders
     * @param storageBuffer8BitAccess  i8 values in storage buffers (quantized weights read as bytes)
     * @param cooperativeMatrix        the device offers {@code VK_KHR_cooperative_matrix} (tensor-core matrix products)
     */
    public record ShaderFeatures(boolean storageBuffer16BitAccess, boolean shaderFloat16, boolean shaderInt8,
                                 boolean storageBuffer8BitAccess, boolean cooperativeMatrix) {
    }
}
