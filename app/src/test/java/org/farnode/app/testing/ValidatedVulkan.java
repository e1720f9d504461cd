package org.farnode.app.testing;

import java.util.List;
import org.farnode.backend.Backend;
import org.farnode.backend.vulkan.VulkanException;
import org.farnode.backend.vulkan.VulkanInstance;
import org.junit.jupiter.api.Assumptions;

/**
 * The Vulkan backend for app tests, with the Khronos validation layer on (lavapipe in CI). Where
 * Vulkan is not usable the test is skipped with a visible message, except under {@code CI=true},
 * where it must be.
 */
public final class ValidatedVulkan {
    private ValidatedVulkan() {
    }

    /** The Vulkan backend with {@code threads} CPU threads beside it, validated. */
    public static Backend openOrSkip(int threads) {
        System.setProperty(VulkanInstance.VALIDATION_PROPERTY, "true");
        try {
            return Backend.open(Backend.Choice.VULKAN, threads, null, null, notice -> { });
        } catch (IllegalArgumentException | VulkanException e) {
            String message = "Vulkan with validation is not usable here: " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message + "; CI=true requires it (see .ci/run)", e);
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
            return null; // not reached: abort throws
        } finally {
            System.clearProperty(VulkanInstance.VALIDATION_PROPERTY);
        }
    }

    /** Closes {@code backend} and returns what the validation layer reported while it was open. */
    public static List<String> closeAndReport(Backend backend) {
        List<String> messages = List.copyOf(backend.gpu().orElseThrow().validationMessages());
        backend.close();
        return messages;
    }
}
