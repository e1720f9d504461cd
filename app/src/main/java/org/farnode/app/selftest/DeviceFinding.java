package org.farnode.app.selftest;

import java.util.List;
import org.farnode.backend.vulkan.DeviceDiscovery;
import org.farnode.backend.vulkan.DeviceInfo;
import org.farnode.backend.vulkan.DeviceReport;

/**
 * The Vulkan devices found the way {@code far devices} finds them. Finding none is a finding, not
 * a failure: the self-test then proves the CPU backend.
 */
record DeviceFinding(DeviceReport report) {

    static DeviceFinding discover() {
        return new DeviceFinding(DeviceDiscovery.discover());
    }

    /** One line per device, best first, or why Vulkan cannot be used. */
    List<String> lines() {
        if (!report.vulkanAvailable()) {
            return List.of("Vulkan cannot be used: " + report.unusableReason().orElseThrow(), "the CPU backend is used instead");
        }
        return report.devices().stream().map(DeviceFinding::describe).toList();
    }

    /** The devices in one line, for the summary. */
    String summary() {
        if (!report.vulkanAvailable()) {
            return "no usable Vulkan device: " + report.unusableReason().orElseThrow();
        }
        List<DeviceInfo> devices = report.devices();
        return devices.size() + " Vulkan device" + (devices.size() == 1 ? "" : "s") + ": "
                + String.join("; ", devices.stream().map(DeviceFinding::describe).toList());
    }

    private static String describe(DeviceInfo device) {
        return "[" + device.index() + "] " + device.name() + " (" + device.type() + (device.software() ? ", software" : "") + ")";
    }
}
