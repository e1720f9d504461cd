package org.farnode.backend.vulkan;

import java.util.EnumMap;
import java.util.Map;
import org.farnode.backend.ops.ActivationFormat;

/**
 * The buffers one window of a {@link GpuProjectionCodec} passes through, shared by all its
 * projections and grown (never shrunk) to the largest window seen:
 *
 * <pre>
 *   vectorsHost ⇄ vectorsDevice ─PROJECT→ coefficients ─encode→ encodingDevice ⇄ encodingHost
 *                 vectorsDevice ←RECONSTRUCT─ coefficients ←decode─ encodingDevice
 * </pre>
 *
 * The host buffers are mapped staging; the kernels read and write only device-local memory, as a
 * discrete GPU reads its own memory many times faster than the host's. Each growth replaces the
 * buffers and bumps {@link #generation()}, so descriptor sets bound to the old ones are rebound.
 */
final class ProjectionWindow implements AutoCloseable {
    /** Smallest buffer allocated, so that windows of a position or two do not regrow each time. */
    private static final long MIN_BYTES = 4096;
    private final VulkanDevice device;
    private final GpuCodecKernels kernels;
    private GpuBuffer vectorsHost;
    private GpuBuffer vectorsDevice;
    private GpuBuffer coefficients;
    private GpuBuffer encodingDevice;
    private GpuBuffer encodingHost;
    private final Map<ActivationFormat, GpuCodecKernels.Binding> encoders = new EnumMap<>(ActivationFormat.class);
    private final Map<ActivationFormat, GpuCodecKernels.Binding> decoders = new EnumMap<>(ActivationFormat.class);
    private int generation;

    ProjectionWindow(VulkanDevice device, GpuCodecKernels kernels) {
        this.device = device;
        this.kernels = kernels;
    }

    /** Makes every buffer hold at least the given bytes, replacing those that are too small (and all bindings with them). */
    void ensure(long vectorBytes, long coefficientBytes, long encodingBytes) {
        if (vectorsHost != null && vectorsHost.bytes() >= vectorBytes && coefficients.bytes() >= coefficientBytes
                && encodingHost.bytes() >= encodingBytes) {
            return;
        }
        long vectors = grown(vectorsHost, vectorBytes);
        long coefficientsSize = grown(coefficients, coefficientBytes);
        long encoding = grown(encodingHost, encodingBytes);
        close();
        vectorsHost = GpuBuffer.hostVisible(device, vectors);
        vectorsDevice = GpuBuffer.deviceLocal(device, vectors);
        coefficients = GpuBuffer.deviceLocal(device, coefficientsSize);
        encodingDevice = GpuBuffer.deviceLocal(device, encoding);
        encodingHost = GpuBuffer.hostVisible(device, encoding);
        generation++;
    }

    /** At least {@code needed} and the current size, in powers of two: a window that grows step by step regrows rarely. */
    private static long grown(GpuBuffer current, long needed) {
        long size = Math.max(MIN_BYTES, Math.max(needed, current == null ? 0 : current.bytes()));
        return Long.highestOneBit(size - 1) << 1;
    }

    /** Counts the buffer replacements; a binding made in an older generation names freed buffers. */
    int generation() {
        return generation;
    }

    /** The quantizer of {@code format} bound to these buffers: coefficients in, encoding out. */
    GpuCodecKernels.Binding encoder(ActivationFormat format) {
        return encoders.computeIfAbsent(format, f -> kernels.bindEncoder(f, coefficients, encodingDevice));
    }

    /** The dequantizer of {@code format} bound to these buffers: encoding in, coefficients out. */
    GpuCodecKernels.Binding decoder(ActivationFormat format) {
        return decoders.computeIfAbsent(format, f -> kernels.bindDecoder(f, encodingDevice, coefficients));
    }

    GpuBuffer vectorsHost() {
        return vectorsHost;
    }

    GpuBuffer vectorsDevice() {
        return vectorsDevice;
    }

    GpuBuffer coefficients() {
        return coefficients;
    }

    GpuBuffer encodingDevice() {
        return encodingDevice;
    }

    GpuBuffer encodingHost() {
        return encodingHost;
    }

    /** Frees the bindings and buffers (the caller has waited for every submission that used them). */
    @Override
    public void close() {
        encoders.values().forEach(GpuCodecKernels.Binding::close);
        decoders.values().forEach(GpuCodecKernels.Binding::close);
        encoders.clear();
        decoders.clear();
        for (GpuBuffer buffer : new GpuBuffer[] {vectorsHost, vectorsDevice, coefficients, encodingDevice, encodingHost}) {
            if (buffer != null) {
                buffer.close();
            }
        }
        vectorsHost = null;
        vectorsDevice = null;
        coefficients = null;
        encodingDevice = null;
        encodingHost = null;
    }
}
