package org.farnode.backend.vulkan;

/** A Vulkan call failed, or Vulkan cannot be used here: the message names the call or the reason. */
public final class VulkanException extends RuntimeException {
    public VulkanException(String message) {
        super(message);
    }

    public VulkanException(String message, Throwable cause) {
        super(message, cause);
    }
}
