package org.farnode.backend.vulkan;

import org.junit.jupiter.api.Assumptions;

/**
 * Opens Vulkan for tests with the Khronos validation layer on. Where this machine has no usable
 * Vulkan the tests skip with a visible message, except under {@code CI=true}, which installs
 * lavapipe and so must have it.
 */
final class VulkanTestSupport {
    private VulkanTestSupport() {
    }

    static VulkanInstance openValidated() {
        try {
            return VulkanInstance.open(true);
        } catch (VulkanException e) {
            String message = "Vulkan with validation is not usable here: " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message + "; CI=true requires it (see .ci/run)", e);
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
            return null;
        }
    }
}
