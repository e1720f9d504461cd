package org.farnode.backend.vulkan;

import java.util.List;
import java.util.Locale;

/**
 * Recognizes Vulkan drivers that run on the CPU. Such a device computes correctly but slower than
 * the CPU backend's own kernels, so it is only worth using to test the Vulkan code path. Most say
 * so with the CPU device type, but SwiftShader and some llvmpipe builds do not, hence the names.
 */
final class SoftwareDrivers {
    private static final List<String> NAMES = List.of("llvmpipe", "lavapipe", "swiftshader");

    private SoftwareDrivers() {
    }

    static boolean isSoftware(DeviceType type, String deviceName, String driverName) {
        if (type == DeviceType.CPU) {
            return true;
        }
        String names = (deviceName + " " + driverName).toLowerCase(Locale.ROOT);
        return NAMES.stream().anyMatch(names::contains);
    }
}
