package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Discovery on the machine's real devices (lavapipe in CI). */
class DeviceDiscoveryTest {

    @Test
    void findsLavapipeAsASoftwareCpuDevice() {
        DeviceInfo lavapipe = VulkanTestDevices.lavapipeOrSkip(VulkanTestDevices.reportOrSkip());

        assertThat(lavapipe.type()).isEqualTo(DeviceType.CPU);
        assertThat(lavapipe.software()).isTrue();
        assertThat(lavapipe.vendor()).isEqualTo("Mesa");
        assertThat(lavapipe.driver().name()).isEqualTo("llvmpipe");
        assertThat(lavapipe.driver().info()).contains("Mesa");
        assertThat(lavapipe.apiVersion().isAtLeast(1, 2)).as("API version %s", lavapipe.apiVersion()).isTrue();
        assertThat(lavapipe.memoryHeaps()).isNotEmpty();
        assertThat(lavapipe.compute().subgroupSize()).isPositive();
        assertThat(lavapipe.features().storageBuffer16BitAccess()).isTrue();
    }

    @Test
    void everyDeviceReportsMemoryAndComputeLimits() {
        for (DeviceInfo device : VulkanTestDevices.reportOrSkip().devices()) {
            assertThat(device.name()).isNotBlank();
            assertThat(device.memoryHeaps()).as(device.name()).isNotEmpty()
                    .allSatisfy(heap -> assertThat(heap.sizeBytes()).isPositive());
            assertThat(device.deviceLocalBytes()).as(device.name()).isPositive();
            DeviceInfo.ComputeLimits compute = device.compute();
            assertThat(compute.maxWorkgroupSizeX()).as(device.name()).isPositive();
            assertThat(compute.maxWorkgroupSizeY()).as(device.name()).isPositive();
            assertThat(compute.maxWorkgroupSizeZ()).as(device.name()).isPositive();
            assertThat(compute.maxWorkgroupInvocations()).as(device.name()).isPositive();
            if (device.apiVersion().isAtLeast(1, 1)) {
                assertThat(compute.subgroupSize()).as(device.name()).isPositive();
            }
        }
    }

    @Test
    void reportIsRankedAndKeepsTheDriversIndices() {
        DeviceReport report = VulkanTestDevices.reportOrSkip();

        assertThat(report.devices()).isSortedAccordingTo(DeviceRanking.BEST_FIRST);
        assertThat(report.devices()).extracting(DeviceInfo::index).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, report.devices().size()).boxed().toList());
        assertThat(report.autoChoice()).isPresent();
    }

    @Test
    void discoveryIsCleanUnderTheValidationLayer() {
        DeviceReport report;
        VulkanInstance instance = VulkanTestDevices.openOrSkip(true);
        try (instance) {
            report = DeviceDiscovery.discover(instance);
        }
        report.unusableReason().ifPresent(VulkanTestDevices::skipOrFail);

        assertThat(instance.validationMessages()).isEmpty();
    }
}
