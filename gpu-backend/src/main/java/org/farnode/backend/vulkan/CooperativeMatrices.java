package org.farnode.backend.vulkan;

import static org.farnode.backend.vulkan.VkCheck.check;
import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.EXTSubgroupSizeControl.VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_COMPONENT_TYPE_FLOAT16_KHR;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_COMPONENT_TYPE_FLOAT32_KHR;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_SCOPE_SUBGROUP_KHR;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR;
import static org.lwjgl.vulkan.VK10.VK_SHADER_STAGE_COMPUTE_BIT;
import static org.lwjgl.vulkan.VK10.vkGetPhysicalDeviceProperties;
import static org.lwjgl.vulkan.VK11.VK_SUBGROUP_FEATURE_BASIC_BIT;
import static org.lwjgl.vulkan.VK11.vkGetPhysicalDeviceFeatures2;
import static org.lwjgl.vulkan.VK11.vkGetPhysicalDeviceProperties2;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkCooperativeMatrixPropertiesKHR;
import org.lwjgl.vulkan.VkDeviceCreateInfo;
import org.lwjgl.vulkan.VkPhysicalDevice;
import org.lwjgl.vulkan.VkPhysicalDeviceCooperativeMatrixFeaturesKHR;
import org.lwjgl.vulkan.VkPhysicalDeviceCooperativeMatrixPropertiesKHR;
import org.lwjgl.vulkan.VkPhysicalDeviceFeatures2;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties2;
import org.lwjgl.vulkan.VkPhysicalDeviceSubgroupProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceSubgroupSizeControlProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceVulkan12Features;

/**
 * Whether a device can run {@code matmul_coop.comp}, and with which {@link CooperativeMatrixShape}.
 *
 * <p>The shader needs, besides {@code VK_KHR_cooperative_matrix} and its {@code cooperativeMatrix}
 * feature in compute shaders: {@code shaderFloat16} (f16 matrices and shared arrays),
 * {@code vulkanMemoryModel} (GLSL's cooperative matrices come with the Vulkan memory model), both
 * read through the Vulkan 1.2 feature structure, so the device must support 1.2; basic subgroup
 * operations in compute ({@code gl_SubgroupID}); and one fixed subgroup size, because the shader
 * divides its workgroup into subgroups of the size it is compiled for. A device that varies its
 * subgroup size (AMD: 32 or 64, Intel: 8 to 32) is left to the portable kernels until the
 * pipeline pins the size.
 */
final class CooperativeMatrices {
    private CooperativeMatrices() {
    }

    /**
     * One row of {@code vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR}: {@code A (m×k) · B (k×n) + C (m×n)}
     * with the given {@code VkComponentTypeKHR}s, at {@code VkScopeKHR} {@code scope}.
     */
    record Offer(int m, int n, int k, int aType, int bType, int cType, int resultType, int scope, boolean saturating) {
        /** f16 inputs, f32 accumulator and result, one subgroup, wrapping (not saturating) sums. */
        boolean isHalfIntoFloat() {
            return aType == VK_COMPONENT_TYPE_FLOAT16_KHR && bType == VK_COMPONENT_TYPE_FLOAT16_KHR
                    && cType == VK_COMPONENT_TYPE_FLOAT32_KHR && resultType == VK_COMPONENT_TYPE_FLOAT32_KHR
                    && scope == VK_SCOPE_SUBGROUP_KHR && !saturating;
        }

        /** E.g. {@code 16x16x16 f16*f16+f32->f32 subgroup}; other types by their {@code VkComponentTypeKHR} number. */
        @Override
        public String toString() {
            return m + "x" + n + "x" + k + " " + typeName(aType) + "*" + typeName(bType) + "+" + typeName(cType) + "->"
                    + typeName(resultType) + " " + (scope == VK_SCOPE_SUBGROUP_KHR ? "subgroup" : "scope " + scope)
                    + (saturating ? " saturating" : "");
        }

        private static String typeName(int type) {
            String[] names = {"f16", "f32", "f64", "s8", "s16", "s32", "s64", "u8", "u16", "u32", "u64"};
            return type >= 0 && type < names.length ? names[type] : "type" + type;
        }
    }

    /**
     * The shape the kernels use among {@code offers}: f16 × f16 + f32 at subgroup scope, with
     * {@code k} a multiple of 4 dividing 32 (the shader steps through whole 32-value quantized blocks
     * and stages f16 values four at a time). 16×16×16
     * where offered (NVIDIA and AMD both have it), otherwise the one with the most work per
     * instruction ({@code m·n·k}).
     */
    static Optional<CooperativeMatrixShape> choose(List<Offer> offers, int subgroupSize) {
        return offers.stream()
                .filter(Offer::isHalfIntoFloat)
                .filter(offer -> offer.k() % 4 == 0 && 32 % offer.k() == 0 && offer.m() <= 64 && offer.n() <= 64)
                .max(Comparator.comparing((Offer offer) -> offer.m() == 16 && offer.n() == 16 && offer.k() == 16)
                        .thenComparingLong(offer -> (long) offer.m() * offer.n() * offer.k()))
                .map(offer -> new CooperativeMatrixShape(offer.m(), offer.n(), offer.k(), subgroupSize));
    }

    /** The shape {@code device} would run the kernels with, or empty when it lacks anything listed above. */
    static Optional<CooperativeMatrixShape> probe(VkPhysicalDevice device) {
        Set<String> extensions = PhysicalDeviceProbe.deviceExtensions(device);
        try (MemoryStack stack = stackPush()) {
            VkPhysicalDeviceProperties properties = VkPhysicalDeviceProperties.calloc(stack);
            vkGetPhysicalDeviceProperties(device, properties);
            if (!VulkanVersion.fromPacked(properties.apiVersion()).isAtLeast(1, 2)
                    || !extensions.contains(VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME)) {
                return Optional.empty();
            }
            VkPhysicalDeviceCooperativeMatrixFeaturesKHR cooperative =
                    VkPhysicalDeviceCooperativeMatrixFeaturesKHR.calloc(stack).sType$Default();
            VkPhysicalDeviceVulkan12Features vulkan12 = VkPhysicalDeviceVulkan12Features.calloc(stack).sType$Default();
            vkGetPhysicalDeviceFeatures2(device, VkPhysicalDeviceFeatures2.calloc(stack).sType$Default()
                    .pNext(cooperative).pNext(vulkan12));
            if (!cooperative.cooperativeMatrix() || !vulkan12.shaderFloat16() || !vulkan12.vulkanMemoryModel()) {
                return Optional.empty();
            }
            int subgroupSize = fixedComputeSubgroupSize(device, extensions, stack);
            if (subgroupSize == 0) {
                return Optional.empty();
            }
            return choose(offers(device, stack), subgroupSize);
        }
    }

    /**
     * The subgroup size compute shaders run at, or 0 when it is not one fixed size, compute shaders
     * lack basic subgroup operations, or cooperative matrices are not offered in compute shaders.
     */
    private static int fixedComputeSubgroupSize(VkPhysicalDevice device, Set<String> extensions, MemoryStack stack) {
        VkPhysicalDeviceSubgroupProperties subgroup = VkPhysicalDeviceSubgroupProperties.calloc(stack).sType$Default();
        VkPhysicalDeviceCooperativeMatrixPropertiesKHR cooperative =
                VkPhysicalDeviceCooperativeMatrixPropertiesKHR.calloc(stack).sType$Default();
        VkPhysicalDeviceProperties2 properties = VkPhysicalDeviceProperties2.calloc(stack).sType$Default()
                .pNext(subgroup).pNext(cooperative);
        // The size range is core in 1.3, but the instance is 1.2: ask only through the extension.
        VkPhysicalDeviceSubgroupSizeControlProperties sizes = null;
        if (extensions.contains(VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME)) {
            sizes = VkPhysicalDeviceSubgroupSizeControlProperties.calloc(stack).sType$Default();
            properties.pNext(sizes);
        }
        vkGetPhysicalDeviceProperties2(device, properties);
        boolean basic = (subgroup.supportedStages() & VK_SHADER_STAGE_COMPUTE_BIT) != 0
                && (subgroup.supportedOperations() & VK_SUBGROUP_FEATURE_BASIC_BIT) != 0;
        boolean inCompute = (cooperative.cooperativeMatrixSupportedStages() & VK_SHADER_STAGE_COMPUTE_BIT) != 0;
        boolean fixed = sizes == null || sizes.minSubgroupSize() == sizes.maxSubgroupSize();
        return basic && inCompute && fixed ? subgroup.subgroupSize() : 0;
    }

    /** Everything {@code device} offers, for reports; empty without the extension. */
    static List<Offer> offers(VkPhysicalDevice device) {
        if (!PhysicalDeviceProbe.deviceExtensions(device).contains(VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME)) {
            return List.of();
        }
        try (MemoryStack stack = stackPush()) {
            return offers(device, stack);
        }
    }

    private static List<Offer> offers(VkPhysicalDevice device, MemoryStack stack) {
        IntBuffer count = stack.mallocInt(1);
        check(vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR(device, count, null), "vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR");
        VkCooperativeMatrixPropertiesKHR.Buffer rows = VkCooperativeMatrixPropertiesKHR.calloc(count.get(0), stack);
        for (VkCooperativeMatrixPropertiesKHR row : rows) {
            row.sType$Default();
        }
        check(vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR(device, count, rows), "vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR");
        List<Offer> offers = new ArrayList<>();
        for (int i = 0; i < count.get(0); i++) {
            VkCooperativeMatrixPropertiesKHR row = rows.get(i);
            offers.add(new Offer(row.MSize(), row.NSize(), row.KSize(), row.AType(), row.BType(), row.CType(),
                    row.ResultType(), row.scope(), row.saturatingAccumulation()));
        }
        return offers;
    }

    /**
     * Adds to {@code info} what {@link #probe} found the device has and the shader needs: the
     * extension and the three features. Only called for a device whose probe found a shape, so a
     * device without cooperative matrices is created exactly as before.
     */
    static void enable(VkDeviceCreateInfo info, MemoryStack stack) {
        VkPhysicalDeviceCooperativeMatrixFeaturesKHR cooperative =
                VkPhysicalDeviceCooperativeMatrixFeaturesKHR.calloc(stack).sType$Default().cooperativeMatrix(true);
        VkPhysicalDeviceVulkan12Features vulkan12 = VkPhysicalDeviceVulkan12Features.calloc(stack).sType$Default()
                .shaderFloat16(true).vulkanMemoryModel(true);
        info.pNext(cooperative).pNext(vulkan12)
                .ppEnabledExtensionNames(stack.pointers(stack.UTF8(VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME)));
    }
}
