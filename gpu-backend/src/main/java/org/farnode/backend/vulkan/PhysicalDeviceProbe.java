package org.farnode.backend.vulkan;

import static org.farnode.backend.vulkan.VkCheck.check;
import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.EXTMemoryBudget.VK_EXT_MEMORY_BUDGET_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHR8bitStorage.VK_KHR_8BIT_STORAGE_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRDriverProperties.VK_KHR_DRIVER_PROPERTIES_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRShaderFloat16Int8.VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME;
import static org.lwjgl.vulkan.VK10.VK_MEMORY_HEAP_DEVICE_LOCAL_BIT;
import static org.lwjgl.vulkan.VK10.VK_SHADER_STAGE_COMPUTE_BIT;
import static org.lwjgl.vulkan.VK10.vkEnumerateDeviceExtensionProperties;
import static org.lwjgl.vulkan.VK10.vkGetPhysicalDeviceMemoryProperties;
import static org.lwjgl.vulkan.VK10.vkGetPhysicalDeviceProperties;
import static org.lwjgl.vulkan.VK11.VK_SUBGROUP_FEATURE_ARITHMETIC_BIT;
import static org.lwjgl.vulkan.VK11.vkGetPhysicalDeviceFeatures2;
import static org.lwjgl.vulkan.VK11.vkGetPhysicalDeviceMemoryProperties2;
import static org.lwjgl.vulkan.VK11.vkGetPhysicalDeviceProperties2;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkExtensionProperties;
import org.lwjgl.vulkan.VkMemoryHeap;
import org.lwjgl.vulkan.VkPhysicalDevice;
import org.lwjgl.vulkan.VkPhysicalDevice16BitStorageFeatures;
import org.lwjgl.vulkan.VkPhysicalDevice8BitStorageFeatures;
import org.lwjgl.vulkan.VkPhysicalDeviceDriverProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceFeatures2;
import org.lwjgl.vulkan.VkPhysicalDeviceLimits;
import org.lwjgl.vulkan.VkPhysicalDeviceMemoryBudgetPropertiesEXT;
import org.lwjgl.vulkan.VkPhysicalDeviceMemoryProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceMemoryProperties2;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties2;
import org.lwjgl.vulkan.VkPhysicalDeviceShaderFloat16Int8Features;
import org.lwjgl.vulkan.VkPhysicalDeviceSubgroupProperties;

/**
 * Reads one physical device into a {@link DeviceInfo}.
 *
 * <p>A query structure may only be chained when the device supports the Vulkan version or the
 * extension that defines it (the validation layer checks this), so each one is asked for only
 * then, and reads as "unsupported" otherwise. The instance is created at Vulkan 1.2, so 1.2 is the
 * newest core version used here even on a 1.3 device.
 */
final class PhysicalDeviceProbe {
    private final VkPhysicalDevice device;
    private final VulkanVersion apiVersion;
    private final Set<String> extensions;

    private PhysicalDeviceProbe(VkPhysicalDevice device, VulkanVersion apiVersion, Set<String> extensions) {
        this.device = device;
        this.apiVersion = apiVersion;
        this.extensions = extensions;
    }

    /** Everything {@link DeviceInfo} holds about {@code device}, which the driver enumerated at {@code index}. */
    static DeviceInfo read(VkPhysicalDevice device, int index) {
        try (MemoryStack stack = stackPush()) {
            VkPhysicalDeviceProperties properties = VkPhysicalDeviceProperties.calloc(stack);
            vkGetPhysicalDeviceProperties(device, properties);
            VulkanVersion apiVersion = VulkanVersion.fromPacked(properties.apiVersion());
            PhysicalDeviceProbe probe = new PhysicalDeviceProbe(device, apiVersion, deviceExtensions(device));
            DeviceType type = DeviceType.fromVulkan(properties.deviceType());
            String name = properties.deviceNameString();
            DeviceInfo.Driver driver = probe.driver(properties);
            return new DeviceInfo(index, name, properties.vendorID(), Vendors.name(properties.vendorID()), type,
                    SoftwareDrivers.isSoftware(type, name, driver.name()), driver, apiVersion, probe.memoryHeaps(),
                    probe.computeLimits(properties.limits()), probe.shaderFeatures());
        }
    }

    private boolean supports(int major, int minor, String extension) {
        return apiVersion.isAtLeast(major, minor) || extensions.contains(extension);
    }

    /** The {@code *2} queries are core in Vulkan 1.1; a 1.0 device gets only the 1.0 ones. */
    private boolean hasQueries2() {
        return apiVersion.isAtLeast(1, 1);
    }

    private DeviceInfo.Driver driver(VkPhysicalDeviceProperties properties) {
        int packed = properties.driverVersion();
        String version = Vendors.driverVersion(properties.vendorID(), packed);
        if (!hasQueries2() || !supports(1, 2, VK_KHR_DRIVER_PROPERTIES_EXTENSION_NAME)) {
            return new DeviceInfo.Driver("", "", packed, version);
        }
        try (MemoryStack stack = stackPush()) {
            VkPhysicalDeviceDriverProperties driver = VkPhysicalDeviceDriverProperties.calloc(stack).sType$Default();
            vkGetPhysicalDeviceProperties2(device, VkPhysicalDeviceProperties2.calloc(stack).sType$Default().pNext(driver));
            return new DeviceInfo.Driver(driver.driverNameString(), driver.driverInfoString(), packed, version);
        }
    }

    private DeviceInfo.ComputeLimits computeLimits(VkPhysicalDeviceLimits limits) {
        int subgroupSize = 0;
        boolean arithmetic = false;
        if (hasQueries2()) {
            try (MemoryStack stack = stackPush()) {
                VkPhysicalDeviceSubgroupProperties subgroup = VkPhysicalDeviceSubgroupProperties.calloc(stack).sType$Default();
                vkGetPhysicalDeviceProperties2(device, VkPhysicalDeviceProperties2.calloc(stack).sType$Default().pNext(subgroup));
                subgroupSize = subgroup.subgroupSize();
                arithmetic = (subgroup.supportedStages() & VK_SHADER_STAGE_COMPUTE_BIT) != 0
                        && (subgroup.supportedOperations() & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT) != 0;
            }
        }
        return new DeviceInfo.ComputeLimits(limits.maxComputeWorkGroupSize(0), limits.maxComputeWorkGroupSize(1),
                limits.maxComputeWorkGroupSize(2), limits.maxComputeWorkGroupInvocations(), subgroupSize, arithmetic);
    }

    private DeviceInfo.ShaderFeatures shaderFeatures() {
        boolean cooperativeMatrix = extensions.contains(VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME);
        if (!hasQueries2()) {
            return new DeviceInfo.ShaderFeatures(false, false, false, false, cooperativeMatrix);
        }
        try (MemoryStack stack = stackPush()) {
            VkPhysicalDevice16BitStorageFeatures storage16 = VkPhysicalDevice16BitStorageFeatures.calloc(stack).sType$Default();
            VkPhysicalDeviceShaderFloat16Int8Features arithmetic =
                    VkPhysicalDeviceShaderFloat16Int8Features.calloc(stack).sType$Default();
            VkPhysicalDevice8BitStorageFeatures storage8 = VkPhysicalDevice8BitStorageFeatures.calloc(stack).sType$Default();
            VkPhysicalDeviceFeatures2 features = VkPhysicalDeviceFeatures2.calloc(stack).sType$Default().pNext(storage16);
            if (supports(1, 2, VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME)) {
                features.pNext(arithmetic);
            }
            if (supports(1, 2, VK_KHR_8BIT_STORAGE_EXTENSION_NAME)) {
                features.pNext(storage8);
            }
            vkGetPhysicalDeviceFeatures2(device, features);
            // Structures left out of the chain stay zeroed by calloc, and so read as unsupported.
            return new DeviceInfo.ShaderFeatures(storage16.storageBuffer16BitAccess(), arithmetic.shaderFloat16(),
                    arithmetic.shaderInt8(), storage8.storageBuffer8BitAccess(), cooperativeMatrix);
        }
    }

    private List<DeviceInfo.MemoryHeap> memoryHeaps() {
        try (MemoryStack stack = stackPush()) {
            VkPhysicalDeviceMemoryProperties memory;
            VkPhysicalDeviceMemoryBudgetPropertiesEXT budget = null;
            if (hasQueries2()) {
                VkPhysicalDeviceMemoryProperties2 memory2 = VkPhysicalDeviceMemoryProperties2.calloc(stack).sType$Default();
                if (extensions.contains(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME)) {
                    budget = VkPhysicalDeviceMemoryBudgetPropertiesEXT.calloc(stack).sType$Default();
                    memory2.pNext(budget);
                }
                vkGetPhysicalDeviceMemoryProperties2(device, memory2);
                memory = memory2.memoryProperties();
            } else {
                memory = VkPhysicalDeviceMemoryProperties.calloc(stack);
                vkGetPhysicalDeviceMemoryProperties(device, memory);
            }
            List<DeviceInfo.MemoryHeap> heaps = new ArrayList<>();
            for (int i = 0; i < memory.memoryHeapCount(); i++) {
                VkMemoryHeap heap = memory.memoryHeaps(i);
                boolean deviceLocal = (heap.flags() & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) != 0;
                OptionalLong budgetBytes = budget == null ? OptionalLong.empty() : OptionalLong.of(budget.heapBudget(i));
                OptionalLong usageBytes = budget == null ? OptionalLong.empty() : OptionalLong.of(budget.heapUsage(i));
                heaps.add(new DeviceInfo.MemoryHeap(i, heap.size(), deviceLocal, budgetBytes, usageBytes));
            }
            return heaps;
        }
    }

    /** The names of the device's extensions. On the heap, not the stack: a GPU driver lists 200+ of 260 bytes each. */
    static Set<String> deviceExtensions(VkPhysicalDevice device) {
        int count;
        try (MemoryStack stack = stackPush()) {
            IntBuffer counted = stack.mallocInt(1);
            check(vkEnumerateDeviceExtensionProperties(device, (String) null, counted, null),
                    "vkEnumerateDeviceExtensionProperties");
            count = counted.get(0);
        }
        Set<String> names = new HashSet<>();
        if (count == 0) {
            return names;
        }
        try (VkExtensionProperties.Buffer properties = VkExtensionProperties.calloc(count);
             MemoryStack stack = stackPush()) {
            IntBuffer counted = stack.ints(count);
            check(vkEnumerateDeviceExtensionProperties(device, (String) null, counted, properties),
                    "vkEnumerateDeviceExtensionProperties");
            for (int i = 0; i < counted.get(0); i++) {
                names.add(properties.get(i).extensionNameString());
            }
        }
        return names;
    }
}
