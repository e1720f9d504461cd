package org.farnode.backend.vulkan;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Which device is best for inference, and which one {@code --backend auto} uses: decided here and nowhere else. */
public final class DeviceRanking {
    /**
     * Best first: by {@link DeviceType} (discrete, integrated, virtual, CPU, other), then more
     * device-local memory (a bigger model share fits), then the driver's order, so ties keep it.
     */
    public static final Comparator<DeviceInfo> BEST_FIRST = Comparator
            .comparing(DeviceInfo::type)
            .thenComparing(Comparator.comparingLong(DeviceInfo::deviceLocalBytes).reversed())
            .thenComparingInt(DeviceInfo::index);

    private DeviceRanking() {
    }

    /**
     * The device {@code --backend auto} uses from a list ranked {@link #BEST_FIRST}: the best one
     * that is not a software driver, or else the best software one (slow, but it runs the Vulkan
     * code path); empty only for an empty list.
     */
    public static Optional<DeviceInfo> autoChoice(List<DeviceInfo> ranked) {
        return ranked.stream().filter(device -> !device.software()).findFirst()
                .or(() -> ranked.stream().findFirst());
    }
}
