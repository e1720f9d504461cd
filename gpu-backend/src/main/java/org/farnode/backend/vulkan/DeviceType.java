package org.farnode.backend.vulkan;

import static org.lwjgl.vulkan.VK10.VK_PHYSICAL_DEVICE_TYPE_CPU;
import static org.lwjgl.vulkan.VK10.VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
import static org.lwjgl.vulkan.VK10.VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU;
import static org.lwjgl.vulkan.VK10.VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU;

/**
 * What kind of device a Vulkan driver says it drives.
 *
 * <p>The constants are declared best first: {@link DeviceRanking} ranks devices by this order,
 * because a discrete GPU has its own fast memory, an integrated one shares the CPU's, a virtual
 * one is a share of a GPU behind a hypervisor, and a CPU device is a software rasterizer.
 */
public enum DeviceType {
    DISCRETE,
    INTEGRATED,
    VIRTUAL,
    CPU,
    OTHER;

    /** The type for a {@code VkPhysicalDeviceType} value; unknown values are {@link #OTHER}. */
    static DeviceType fromVulkan(int physicalDeviceType) {
        return switch (physicalDeviceType) {
            case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU -> DISCRETE;
            case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU -> INTEGRATED;
            case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU -> VIRTUAL;
            case VK_PHYSICAL_DEVICE_TYPE_CPU -> CPU;
            default -> OTHER;
        };
    }
}
