package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.vkCreateBuffer;
import static org.lwjgl.vulkan.VK10.vkDestroyBuffer;

import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkBufferCreateInfo;
import org.junit.jupiter.api.Test;

/** The "no validation messages" checks of the GPU tests mean something only if the layer really reports misuse. */
class ValidationLayerTest {

    @Test
    void theLayerReportsAnInvalidCall() {
        try (VulkanInstance vulkan = VulkanTestSupport.openValidated();
             VulkanDevice device = VulkanDevice.open(vulkan.physicalDevices().getFirst());
             MemoryStack stack = stackPush()) {
            assertThat(vulkan.validationMessages()).isEmpty();
            var buffer = stack.mallocLong(1);
            // usage 0 breaks a valid-usage rule (VUID-VkBufferCreateInfo-usage-requiredbitmask)
            int result = vkCreateBuffer(device.handle(), VkBufferCreateInfo.calloc(stack).sType$Default().size(64).usage(0),
                    null, buffer);
            if (result == 0) {
                vkDestroyBuffer(device.handle(), buffer.get(0), null);
            }
            assertThat(vulkan.validationMessages()).anyMatch(m -> m.contains("usage"));
        }
    }
}
