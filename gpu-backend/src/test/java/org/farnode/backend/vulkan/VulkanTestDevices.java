package org.farnode.backend.vulkan;

import org.junit.jupiter.api.Assumptions;

/**
 * The machine's real Vulkan devices for tests. Where there is no loader, driver or device, a test
 * that needs one is skipped with a visible message, except under {@code CI=true}, where CI
 * installs lavapipe and its absence fails the run: CI must never pass by skipping GPU tests.
 */
final class VulkanTestDevices {
    private VulkanTestDevices() {
    }

    /** Discovery that found at least one device. */
    static DeviceReport reportOrSkip() {
        DeviceReport report = DeviceDiscovery.discover();
        report.unusableReason().ifPresent(VulkanTestDevices::skipOrFail);
        return report;
    }

    /** An open instance, with the validation layer when asked. */
    static VulkanInstance openOrSkip(boolean validation) {
        try {
            return VulkanInstance.open(validation);
        } catch (VulkanException unusable) {
            skipOrFail(unusable.getMessage());
            throw unusable; // not reached: skipOrFail always throws
        }
    }

    /** Mesa's software driver (lavapipe), which CI installs so Vulkan code runs on any machine. */
    static DeviceInfo lavapipeOrSkip(DeviceReport report) {
        return report.devices().stream().filter(device -> device.name().contains("llvmpipe")).findFirst()
                .orElseGet(() -> {
                    skipOrFail("no llvmpipe (lavapipe) Vulkan device among " + report.devices().stream()
                            .map(DeviceInfo::name).toList() + "; install mesa-vulkan-drivers");
                    return null;
                });
    }

    static void skipOrFail(String reason) {
        String message = "Vulkan is not usable here: " + reason;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + "; CI=true requires lavapipe (mesa-vulkan-drivers)");
        }
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message);
    }
}
