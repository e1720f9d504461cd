package org.farnode.backend;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.farnode.backend.ops.CpuOps;
import org.farnode.backend.ops.Ops;
import org.farnode.backend.vulkan.DeviceDiscovery;
import org.farnode.backend.vulkan.DeviceInfo;
import org.farnode.backend.vulkan.DeviceReport;
import org.farnode.backend.vulkan.GpuContext;
import org.farnode.backend.vulkan.VulkanException;
import org.farnode.backend.vulkan.VulkanInstance;

/**
 * The compute backend this process uses, chosen once, in this one place, with a description that
 * says what it is and why. The CPU ops are always there (the gateway's embedding and LM head run
 * on them); with Vulkan, shards run their layers on the GPU. When the GPU cannot be used the
 * choice says why: {@code auto} falls back to the CPU with a notice, {@code vulkan} fails.
 */
public final class Backend implements AutoCloseable {
    /** What the user asked for. */
    public enum Choice {
        AUTO, VULKAN, CPU;

        public static Choice parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--backend '" + text + "' is not one of auto, vulkan, cpu");
            }
        }
    }

    private final CpuOps ops;
    private final GpuContext gpu;
    private final String description;

    private Backend(CpuOps ops, GpuContext gpu, String description) {
        this.ops = ops;
        this.gpu = gpu;
        this.description = description;
    }

    /** The CPU backend with {@code threads} workers ({@code null}: one per available core). */
    public static Backend cpu(Integer threads) {
        CpuOps ops = cpuOps(threads);
        return new Backend(ops, null, cpuDescription(ops));
    }

    /**
     * The backend {@code choice} names. {@code deviceIndex} picks a Vulkan device by the number
     * {@code far devices} shows (null: the automatic choice); {@code vramCapBytes} bounds the
     * weights placed on it (null: 90% of its memory); {@code notices} hears why the GPU is not used.
     */
    public static Backend open(Choice choice, Integer threads, Integer deviceIndex, Long vramCapBytes, Consumer<String> notices) {
        if (choice == Choice.CPU) {
            return cpu(threads);
        }
        // One instance serves discovery and, when the GPU is chosen, the compute device.
        VulkanInstance instance = null;
        DeviceReport report;
        try {
            instance = VulkanInstance.open();
            report = DeviceDiscovery.discover(instance);
        } catch (VulkanException unusable) {
            report = DeviceReport.unusable(unusable.getMessage());
        }
        Optional<DeviceInfo> device = deviceIndex != null ? report.byIndex(deviceIndex) : report.autoChoice();
        boolean useGpu = choice == Choice.VULKAN || device.isPresent() && !device.get().software();
        boolean handOver = useGpu && report.vulkanAvailable() && device.isPresent();
        if (!handOver && instance != null) {
            instance.close();
        }
        if (choice == Choice.VULKAN) {
            if (!report.vulkanAvailable()) {
                throw new IllegalArgumentException("--backend vulkan: Vulkan cannot be used: " + report.unusableReason().orElse("unknown"));
            }
            if (device.isEmpty()) {
                throw new IllegalArgumentException("--device " + deviceIndex + " does not exist; far devices lists the devices");
            }
            return vulkan(threads, instance, device.get(), vramCapBytes);
        }
        if (useGpu) {
            return vulkan(threads, instance, device.get(), vramCapBytes);
        }
        String why = !report.vulkanAvailable() ? "Vulkan cannot be used: " + report.unusableReason().orElse("unknown")
                : device.isEmpty() ? "no Vulkan device " + deviceIndex
                : "the only Vulkan device is " + device.get().name() + ", a software renderer slower than the CPU backend"
                        + " (--backend vulkan uses it anyway)";
        notices.accept("using the CPU backend: " + why);
        return cpu(threads);
    }

    /** The Vulkan backend on {@code device}; the backend's GPU context takes over {@code instance}. */
    private static Backend vulkan(Integer threads, VulkanInstance instance, DeviceInfo device, Long vramCapBytes) {
        CpuOps ops;
        try {
            ops = cpuOps(threads);
        } catch (RuntimeException e) {
            instance.close();
            throw e;
        }
        try {
            GpuContext gpu = GpuContext.open(instance, device, vramCapBytes);
            return new Backend(ops, gpu, "Vulkan on " + device.name() + (device.software() ? " (software device: slow, for testing)" : "")
                    + " for the layers and the LM head; " + cpuDescription(ops) + " for the rest");
        } catch (RuntimeException e) {
            ops.close();
            throw e;
        }
    }

    private static CpuOps cpuOps(Integer threads) {
        int count = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (count < 1 || count > 1024) {
            throw new IllegalArgumentException("--threads must be between 1 and 1024, got " + count);
        }
        return new CpuOps(count);
    }

    private static String cpuDescription(CpuOps ops) {
        String vectors = ops.usesVectors()
                ? "Java Vector API"
                : "scalar kernels, slower: " + CpuOps.scalarReason().orElse("vectors turned off");
        return "CPU, " + ops.threads() + " thread" + (ops.threads() == 1 ? "" : "s") + ", " + vectors;
    }

    /** The CPU operations (always present: the gateway half runs on them). */
    public Ops ops() {
        return ops;
    }

    /** The GPU shards run on, when the Vulkan backend was chosen. */
    public Optional<GpuContext> gpu() {
        return Optional.ofNullable(gpu);
    }

    public int threads() {
        return ops.threads();
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (gpu != null) {
            gpu.close();
        }
        ops.close();
    }
}
