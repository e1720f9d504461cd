package org.farnode.backend.vulkan;

import static org.lwjgl.vulkan.VK10.VK_SUCCESS;

import org.lwjgl.vulkan.VK10;
import org.lwjgl.vulkan.VK11;
import org.lwjgl.vulkan.VK12;
import org.lwjgl.vulkan.VK13;

/** The one check every {@code VkResult} goes through: a failure names the call and the result. */
public final class VkCheck {
    private VkCheck() {
    }

    public static void check(int result, String call) {
        if (result != VK_SUCCESS) {
            throw new VulkanException(call + " failed: " + name(result) + " (" + result + ")");
        }
    }

    /** The {@code VK_*} name of a result code, where this build knows it. */
    static String name(int result) {
        for (Class<?> constants : new Class<?>[] {VK10.class, VK11.class, VK12.class, VK13.class}) {
            for (var field : constants.getFields()) {
                String name = field.getName();
                if ((name.startsWith("VK_ERROR_") || name.equals("VK_INCOMPLETE") || name.equals("VK_TIMEOUT")
                        || name.equals("VK_NOT_READY")) && field.getType() == int.class) {
                    try {
                        if (field.getInt(null) == result) {
                            return name;
                        }
                    } catch (IllegalAccessException ignored) {
                        // public constants; cannot happen
                    }
                }
            }
        }
        return "VkResult";
    }
}
