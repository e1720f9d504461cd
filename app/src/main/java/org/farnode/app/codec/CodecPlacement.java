package org.farnode.app.codec;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.farnode.backend.Backend;
import org.farnode.backend.vulkan.GpuContext;
import org.farnode.backend.vulkan.GpuProjectionCodec;
import org.farnode.backend.vulkan.VulkanException;

/**
 * Where a process runs its sessions' codecs, chosen once: the SCM codecs that have a GPU twin
 * ({@link GpuScmCodec#supports}) on the GPU when the backend has one and the codec kernels run
 * there; every other codec, and those otherwise, on the CPU. {@link #description} says which and
 * why, for the startup line; {@link #place} hands a session the codec to run.
 */
public final class CodecPlacement {
    private final Map<Integer, HiddenStateCodec> onGpu;
    private final byte[] calibrationHash;
    private final String description;

    private CodecPlacement(Map<Integer, HiddenStateCodec> onGpu, byte[] calibrationHash, String description) {
        this.onGpu = Map.copyOf(onGpu);
        this.calibrationHash = calibrationHash;
        this.description = description;
    }

    /** Every codec on the CPU. */
    public static CodecPlacement cpu() {
        return new CodecPlacement(Map.of(), new byte[32], "hidden-state codecs on the CPU");
    }

    /**
     * The SCM codecs of {@code calibration} on {@code backend}'s GPU when it has one; on the CPU,
     * with the reason in the description, when it has none or cannot run the codec kernels.
     */
    public static CodecPlacement on(Backend backend, Optional<CodecCalibration> calibration) {
        if (calibration.isEmpty()) {
            return cpu();
        }
        Optional<GpuContext> gpu = backend.gpu();
        if (gpu.isEmpty()) {
            return new CodecPlacement(Map.of(), new byte[32], "SCM codecs (" + names(scmCodecs(calibration))
                    + ") on the CPU: the backend has no GPU");
        }
        GpuProjectionCodec device;
        try {
            device = gpu.get().projectionCodec();
        } catch (VulkanException e) {
            return new CodecPlacement(Map.of(), new byte[32], "SCM codecs (" + names(scmCodecs(calibration)) + ") on the CPU: "
                    + e.getMessage());
        }
        Map<Integer, HiddenStateCodec> codecs = new LinkedHashMap<>();
        for (ScmCodec codec : scmCodecs(calibration)) {
            if (GpuScmCodec.supports(codec)) {
                codecs.put(codec.id(), new GpuScmCodec(codec, device));
            }
        }
        return new CodecPlacement(codecs, calibration.get().hash(), "SCM codecs (" + names(codecs.values())
                + ") projected and coded on the GPU, " + gpu.get().device().name() + "; the other codecs on the CPU");
    }

    private static List<ScmCodec> scmCodecs(Optional<CodecCalibration> calibration) {
        return HiddenStateCodecs.available(calibration).stream().filter(c -> c instanceof ScmCodec).map(c -> (ScmCodec) c).toList();
    }

    private static String names(Collection<? extends HiddenStateCodec> codecs) {
        return String.join(", ", codecs.stream().map(HiddenStateCodec::name).toList());
    }

    /** The codec a session in {@code codec} runs: its GPU twin when there is one for the same codebook, else {@code codec} itself. */
    public HiddenStateCodec place(HiddenStateCodec codec) {
        HiddenStateCodec twin = onGpu.get(codec.id());
        return twin != null && Arrays.equals(codec.calibrationHash(), calibrationHash) ? twin : codec;
    }

    /** Which codecs run where, and why, in a phrase for the startup line. */
    public String description() {
        return description;
    }
}
