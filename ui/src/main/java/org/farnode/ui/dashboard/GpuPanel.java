package org.farnode.ui.dashboard;

import javafx.scene.control.Label;
import org.farnode.app.desktop.GpuStatus;

/** The GPU: devices found, what this node computes on and why, and the shard's GPU memory against the cap. */
final class GpuPanel extends Section {
    GpuPanel(GpuStatus gpu) {
        super("GPU");
        figure("Devices", "gpu-devices").setText(gpu.devices().isEmpty()
                ? "none usable: " + gpu.vulkanProblem().orElse("no Vulkan device")
                : String.join("\n", gpu.devices()));
        figure("Computes on", "gpu-backend").setText(gpu.backend());
        figure("Why", "gpu-why").setText(gpu.why());
        Label vram = figure("GPU memory", "gpu-vram");
        vram.setText(gpu.onGpu()
                ? Figures.bytes(gpu.vramUsedBytes()) + " of the " + Figures.bytes(gpu.vramCapBytes()) + " cap (the shard's weights)"
                : "not used (the layers run on the CPU)");
    }
}
