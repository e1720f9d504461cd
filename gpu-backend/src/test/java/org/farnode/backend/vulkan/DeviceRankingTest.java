package org.farnode.backend.vulkan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Ranking and the automatic choice, on made-up devices. */
class DeviceRankingTest {
    private static final long GIB = 1L << 30;

    @Test
    void ranksByTypeThenDeviceLocalMemoryThenDriverOrder() {
        DeviceInfo cpu = device(0, DeviceType.CPU, 64, true);
        DeviceInfo smallDiscrete = device(1, DeviceType.DISCRETE, 8, false);
        DeviceInfo integrated = device(2, DeviceType.INTEGRATED, 32, false);
        DeviceInfo bigDiscrete = device(3, DeviceType.DISCRETE, 24, false);
        DeviceInfo other = device(4, DeviceType.OTHER, 128, false);
        DeviceInfo virtual = device(5, DeviceType.VIRTUAL, 16, false);
        DeviceInfo sameAsBigDiscrete = device(6, DeviceType.DISCRETE, 24, false);

        List<DeviceInfo> devices = new ArrayList<>(List.of(cpu, smallDiscrete, integrated, bigDiscrete, other, virtual,
                sameAsBigDiscrete));
        devices.sort(DeviceRanking.BEST_FIRST);

        assertThat(devices).containsExactly(bigDiscrete, sameAsBigDiscrete, smallDiscrete, integrated, virtual, cpu, other);
    }

    @Test
    void onlyDeviceLocalHeapsCountAsDeviceMemory() {
        DeviceInfo.MemoryHeap local = heap(0, 8 * GIB, true);
        DeviceInfo.MemoryHeap host = heap(1, 64 * GIB, false);
        DeviceInfo withHostHeap = withHeaps(device(0, DeviceType.DISCRETE, 0, false), List.of(local, host));
        DeviceInfo moreLocal = device(1, DeviceType.DISCRETE, 12, false);

        assertThat(withHostHeap.deviceLocalBytes()).isEqualTo(8 * GIB);
        assertThat(DeviceRanking.BEST_FIRST.compare(moreLocal, withHostHeap)).isNegative();
    }

    @Test
    void autoChoiceSkipsSoftwareDevicesUnlessThereIsNothingElse() {
        DeviceInfo lavapipe = device(0, DeviceType.CPU, 64, true);
        DeviceInfo swiftShaderAsOther = device(1, DeviceType.OTHER, 4, true);
        DeviceInfo integrated = device(2, DeviceType.INTEGRATED, 2, false);

        assertThat(DeviceReport.of(List.of(lavapipe, swiftShaderAsOther, integrated)).autoChoice()).contains(integrated);
        assertThat(DeviceReport.of(List.of(swiftShaderAsOther, lavapipe)).autoChoice()).contains(lavapipe);
        assertThat(DeviceRanking.autoChoice(List.of())).isEmpty();
    }

    @Test
    void reportRanksItsDevicesAndFindsThemByDriverIndex() {
        DeviceInfo cpu = device(0, DeviceType.CPU, 64, true);
        DeviceInfo discrete = device(1, DeviceType.DISCRETE, 8, false);

        DeviceReport report = DeviceReport.of(List.of(cpu, discrete));

        assertThat(report.vulkanAvailable()).isTrue();
        assertThat(report.devices()).containsExactly(discrete, cpu);
        assertThat(report.byIndex(0)).contains(cpu);
        assertThat(report.byIndex(2)).isEmpty();
    }

    @Test
    void noDevicesIsAReasonNotAnEmptyList() {
        DeviceReport none = DeviceReport.of(List.of());

        assertThat(none.vulkanAvailable()).isFalse();
        assertThat(none.unusableReason()).hasValueSatisfying(reason -> assertThat(reason).contains("no devices"));
        assertThat(none.autoChoice()).isEmpty();
        assertThatThrownBy(() -> new DeviceReport(List.of(device(0, DeviceType.CPU, 1, true)), Optional.of("why")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("either devices or the reason");
    }

    static DeviceInfo device(int index, DeviceType type, long deviceLocalGib, boolean software) {
        return new DeviceInfo(index, type + " device " + index, 0x1234, Vendors.name(0x1234), type, software,
                new DeviceInfo.Driver("driver", "", 1, "0.0.1"), new VulkanVersion(1, 3, 0),
                List.of(heap(0, deviceLocalGib * GIB, true)),
                new DeviceInfo.ComputeLimits(1024, 1024, 64, 1024, 32, true),
                new DeviceInfo.ShaderFeatures(true, true, true, true, false));
    }

    private static DeviceInfo withHeaps(DeviceInfo device, List<DeviceInfo.MemoryHeap> heaps) {
        return new DeviceInfo(device.index(), device.name(), device.vendorId(), device.vendor(), device.type(),
                device.software(), device.driver(), device.apiVersion(), heaps, device.compute(), device.features());
    }

    private static DeviceInfo.MemoryHeap heap(int index, long bytes, boolean deviceLocal) {
        return new DeviceInfo.MemoryHeap(index, bytes, deviceLocal, OptionalLong.empty(), OptionalLong.empty());
    }
}
