package org.farnode.app.desktop;

import java.util.List;
import java.util.Optional;
import org.farnode.backend.Backend;
import org.farnode.backend.vulkan.DeviceInfo;
import org.farnode.backend.vulkan.DeviceReport;

/**
 * What the dashboard says about this machine's GPUs: every device found, the one this node uses
 * and why (or why it uses the CPU), and the GPU memory its shard takes against the cap.
 *
 * @param devices        one line per Vulkan device, best first; empty when Vulkan is unusable
 * @param vulkanProblem  why Vulkan cannot be used on this machine; empty when it can
 * @param backend        what this node computes on, as the backend describes itself
 * @param why            why that backend: the operator's choice, the automatic pick, or the reason for falling back to the CPU
 * @param onGpu          whether this node's layers run on a GPU
 * @param vramUsedBytes  GPU memory the shard's weights take (0 on the CPU)
 * @param vramCapBytes   the most they may take (0 on the CPU)
 */
public record GpuStatus(List<String> devices, Optional<String> vulkanProblem, String backend, String why, boolean onGpu,
                        long vramUsedBytes, long vramCapBytes) {

    public GpuStatus {
        devices = List.copyOf(devices);
    }

    /** The status of {@code backend}, opened for the choice {@code backendSetting} with {@code notice} as its fallback reason. */
    public static GpuStatus of(DeviceReport report, Backend backend, String backendSetting, Optional<String> notice) {
        List<String> devices = report.devices().stream().map(GpuStatus::describe).toList();
        boolean onGpu = backend.gpu().isPresent();
        String why;
        if (notice.isPresent()) {
            why = notice.get();
        } else if (backendSetting.equals("cpu")) {
            why = "the CPU backend was chosen in the settings";
        } else if (onGpu && backendSetting.equals("vulkan")) {
            why = "Vulkan was chosen in the settings";
        } else if (onGpu) {
            why = "the best Vulkan device, picked automatically";
        } else {
            why = "automatic choice";
        }
        long used = backend.gpu().map(gpu -> gpu.shardWeightBytes()).orElse(0L);
        long cap = backend.gpu().map(gpu -> gpu.vramCapBytes()).orElse(0L);
        return new GpuStatus(devices, report.unusableReason(), backend.description(), why, onGpu, used, cap);
    }

    private static String describe(DeviceInfo device) {
        return "#" + device.index() + " " + device.name() + " (" + device.type() + (device.software() ? ", software" : "")
                + ", " + device.deviceLocalBytes() / (1 << 20) + " MiB)";
    }
}
