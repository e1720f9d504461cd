package org.farnode.backend.vulkan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What Vulkan discovery found: either the devices, ranked {@link DeviceRanking#BEST_FIRST}, or the
 * reason Vulkan cannot be used on this machine (no loader, no driver, no device) — never both.
 */
public record DeviceReport(List<DeviceInfo> devices, Optional<String> unusableReason) {

    public DeviceReport {
        Objects.requireNonNull(unusableReason, "unusableReason");
        devices = devices.stream().sorted(DeviceRanking.BEST_FIRST).toList();
        if (devices.isEmpty() == unusableReason.isEmpty()) {
            throw new IllegalArgumentException("a device report holds either devices or the reason there are none, got "
                    + devices.size() + " devices and reason " + unusableReason);
        }
    }

    /** Vulkan works and offers {@code devices} (any order: the report ranks them); none at all is a reason too. */
    public static DeviceReport of(List<DeviceInfo> devices) {
        if (devices.isEmpty()) {
            return unusable("the Vulkan loader and driver work but report no devices");
        }
        return new DeviceReport(devices, Optional.empty());
    }

    public static DeviceReport unusable(String reason) {
        return new DeviceReport(List.of(), Optional.of(reason));
    }

    public boolean vulkanAvailable() {
        return unusableReason.isEmpty();
    }

    /** The device {@code --backend auto} uses ({@link DeviceRanking#autoChoice}); empty when Vulkan is unusable. */
    public Optional<DeviceInfo> autoChoice() {
        return DeviceRanking.autoChoice(devices);
    }

    /** The device the driver enumerates at {@code index} (what {@code --device INDEX} names), if there is one. */
    public Optional<DeviceInfo> byIndex(int index) {
        return devices.stream().filter(device -> device.index() == index).findFirst();
    }
}
