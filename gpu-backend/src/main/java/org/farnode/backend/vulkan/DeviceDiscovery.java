package org.farnode.backend.vulkan;

import java.util.ArrayList;
import java.util.List;
import org.lwjgl.vulkan.VkPhysicalDevice;

/**
 * Finds the Vulkan devices of this machine and ranks them ({@link DeviceRanking}).
 *
 * <p>Discovery never fails because Vulkan is unusable: a missing loader, a missing driver, no
 * device or a failing query all become a {@link DeviceReport} that says why, so callers can tell
 * the user and use the CPU backend.
 */
public final class DeviceDiscovery {
    private DeviceDiscovery() {
    }

    /** Opens the loader ({@link VulkanInstance#open()}), reads every device and closes the loader again. */
    public static DeviceReport discover() {
        VulkanInstance instance;
        try {
            instance = VulkanInstance.open();
        } catch (VulkanException unusable) {
            return DeviceReport.unusable(unusable.getMessage());
        }
        try (instance) {
            return discover(instance);
        }
    }

    /** Reads every device of an open instance; the caller keeps (and closes) the instance. */
    public static DeviceReport discover(VulkanInstance instance) {
        try {
            List<VkPhysicalDevice> handles = instance.physicalDevices();
            List<DeviceInfo> devices = new ArrayList<>();
            for (int index = 0; index < handles.size(); index++) {
                devices.add(PhysicalDeviceProbe.read(handles.get(index), index));
            }
            return DeviceReport.of(devices);
        } catch (VulkanException failed) {
            return DeviceReport.unusable("the Vulkan driver could not list its devices: " + failed.getMessage());
        }
    }
}
